import type { Config } from '../../config.js';
import { loadPolicy } from '../../core/policy/policy.js';
import { createLogger } from '../../core/log.js';
import { Vault } from '../../core/vault/vault.js';
import { collectStatus } from '../../daemons/status/collect.js';
import { pm2Home, probePm2 } from '../../daemons/status/pm2.js';
import { renderStatusText } from '../../daemons/status/render.js';
import type { StatusReport } from '../../daemons/status/types.js';
import { odooFromConfig, openVaultFromConfig } from '../context.js';
import { say, warn } from '../print.js';

/** A live Odoo check must not hold up a status screen for the client's full timeout. */
const LIVE_CHECK_TIMEOUT_MS = 5_000;

/**
 * `ai-employee status [--json] [--check]`. Status only reads, so it does not need AGENT_ROLE: without one it
 * opens the vault through the least-privileged policy (cloud, draft-only) and says so (`role: null`).
 */
export async function statusCommand(cfg: Config, opts: { json?: boolean; check?: boolean }): Promise<void> {
  const report = await buildStatus(cfg, opts);
  if (opts.json) return say(JSON.stringify(report, null, 2));
  for (const line of renderStatusText(report)) say(line);
}

export async function buildStatus(cfg: Config, opts: { check?: boolean } = {}): Promise<StatusReport> {
  const logger = createLogger({ level: cfg.logLevel }).child({ process: 'status' });
  const vault = cfg.role
    ? (await openVaultFromConfig(cfg, 'status', { logger })).vault
    : await Vault.open({
        root: cfg.vaultPath,
        policy: await loadPolicy('cloud', { dir: cfg.policyDir, draftOnly: true }),
        logger,
        processName: 'status',
      });
  const now = new Date();
  const [pm2, odooLive] = await Promise.all([
    probePm2(pm2Home()),
    opts.check ? liveOdooCheck(cfg, vault, logger) : Promise.resolve(undefined),
  ]);
  return collectStatus({ vault, role: cfg.role ?? null, stateDir: cfg.stateDir, now, pm2, odooLive });
}

async function liveOdooCheck(
  cfg: Config,
  vault: Vault,
  logger: ReturnType<typeof createLogger>,
): Promise<{ ok: boolean; detail: string } | undefined> {
  if (cfg.odoo.url === undefined) {
    warn('status --check: ODOO_URL is not set, so there is no Odoo to check live.');
    return undefined;
  }
  const short = { ...cfg, odoo: { ...cfg.odoo, timeoutMs: Math.min(cfg.odoo.timeoutMs, LIVE_CHECK_TIMEOUT_MS) } };
  const odoo = await odooFromConfig(short, vault.policy, logger);
  if (!odoo) return undefined;
  const { checkOdooHealth } = await import('../../daemons/odoo-health.js');
  const { ok, detail } = await checkOdooHealth(odoo);
  return { ok, detail };
}
