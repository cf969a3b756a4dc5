import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Command } from 'commander';
import { requireRole, type Config } from '../../config.js';
import { stopSignal } from '../../daemons/loop.js';
import { openVaultFromConfig } from '../context.js';
import { say, warn } from '../print.js';
import { endUnconfigured } from '../unconfigured.js';

const run = promisify(execFile);

/**
 * True when the vault's own repository (not one it sits inside) has an `origin`: then the sync needs no
 * VAULT_REMOTE. Read-only: the daemon creates the repository itself once it has a remote to sync with.
 */
export async function vaultHasOrigin(root: string): Promise<boolean> {
  const gitDir = path.join(root, '.git');
  if (!(await stat(gitDir).catch(() => undefined))?.isDirectory()) return false;
  try {
    return (await run('git', ['--git-dir', gitDir, 'config', '--get', 'remote.origin.url'])).stdout.trim() !== '';
  } catch {
    return false; // exit 1: no such key
  }
}

/**
 * `ai-employee sync [--once] [--status]`: the git sync of DESIGN §6. Without --once it is the daemon
 * (PM2 app `cloud-git-sync`, and the same on local); --once syncs now and exits 1 unless it succeeded.
 */
export function registerSyncCommands(program: Command, config: () => Config): void {
  program
    .command('sync')
    .description(
      'sync the vault with VAULT_REMOTE: guard, commit this role, fetch, integrate, push (a daemon unless --once)',
    )
    .option('--once', 'sync once now, then exit (exit 1 unless it succeeded)')
    .option('--status', 'show the last sync: time, result and what to do')
    .action(async (opts: { once?: boolean; status?: boolean }) => {
      const cfg = config();
      if (opts.status) {
        const { readSyncState } = await import('../../daemons/sync/state.js');
        const state = await readSyncState(cfg.stateDir);
        say(JSON.stringify({ ...state, refused_commits: state.refused_commits.slice(-20) }, null, 2));
        return;
      }
      // The daemon with no remote to sync with has nothing to do (every run would fail the same way): it ends
      // with exit 78, which PM2 does not restart. `--once` keeps saying so as a failed sync.
      if (!opts.once && cfg.sync.remote === undefined && !(await vaultHasOrigin(cfg.vaultPath)))
        await endUnconfigured(cfg.stateDir, {
          name: `${requireRole(cfg)}-git-sync`,
          label: 'sync',
          reason:
            'no remote (set VAULT_REMOTE to the shared repository, for example git@host:owner/vault.git); not syncing.',
          missing: ['VAULT_REMOTE'],
        });
      const { vault, logger } = await openVaultFromConfig(cfg, 'git-sync');
      // Loaded here: simple-git is only needed by this command (start-up time of every other process).
      const { runGitSyncDaemon, syncFromConfig } = await import('../../daemons/git-sync.js');
      const sync = syncFromConfig(vault, cfg, logger);
      if (opts.once) {
        const result = await sync.syncOnce();
        if (result.status === 'ok') say(result.message);
        else {
          warn(`sync ${result.status}: ${result.message}`);
          process.exitCode = 1;
        }
        return;
      }
      await runGitSyncDaemon({
        sync,
        role: vault.role,
        stateDir: cfg.stateDir,
        intervalMs: cfg.sync.intervalMs,
        logger,
        signal: stopSignal(),
      });
    });
}
