import type { Config } from '../config.js';
import type { Logger } from '../core/log.js';
import type { SyncResult } from '../core/sync/types.js';
import type { Vault } from '../core/vault/vault.js';
import { writeHeartbeat } from './heartbeat.js';
import { runEvery } from './loop.js';
import { GitSyncService } from './sync/service.js';

/** The sync service of one vault, as the config describes it (VAULT_REMOTE, full-guard interval). */
export function syncFromConfig(vault: Vault, config: Config, logger: Logger): GitSyncService {
  return new GitSyncService({
    vault,
    stateDir: config.stateDir,
    remote: config.sync.remote,
    logger,
    fullGuardEveryMs: config.sync.fullGuardEveryMs,
  });
}

/**
 * The PM2 app `cloud-git-sync` (and its twin on local): a sync every interval, never two at once, a
 * heartbeat after each. The first run is also the guard "at start" (a full scan of the vault), and the
 * service repeats the full scan on its own schedule; a failed run is recorded and retried next cycle.
 */
export async function runGitSyncDaemon(options: {
  sync: GitSyncService;
  role: string;
  stateDir: string;
  intervalMs: number;
  logger: Logger;
  signal: AbortSignal;
  onResult?: (result: SyncResult) => void;
}): Promise<void> {
  const name = `${options.role}-git-sync`;
  await runEvery(
    options.intervalMs,
    async () => {
      const result = await options.sync.syncOnce();
      options.onResult?.(result);
      await writeHeartbeat(options.stateDir, {
        name,
        at: new Date().toISOString(),
        // Why busy counts as alive: another process is syncing this vault, which is what should happen.
        ok: result.status === 'ok' || result.status === 'busy',
        detail: { status: result.status, message: result.message.slice(0, 300) },
      });
    },
    { signal: options.signal, logger: options.logger },
  );
}
