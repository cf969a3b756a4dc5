import { coarseAge } from '../core/dashboard/age.js';
import { mergeDashboard, type MergeResult } from '../core/dashboard/merge.js';
import { toAppError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { Vault } from '../core/vault/vault.js';
import { writeHeartbeat } from './heartbeat.js';
import { runEvery } from './loop.js';
import { collectStatus } from './status/collect.js';
import type { StatusReport } from './status/types.js';

export const DASHBOARD_APP = 'local-dashboard';
export const DASHBOARD_INTERVAL_MS = 15_000;

const WORD = { ok: 'OK', warn: 'WARN', fail: 'FAIL' } as const;

/**
 * The state section: this machine's status, in words that change only when something happens (coarse ages,
 * no seconds), so that a steady machine does not rewrite — and git-commit — the page on every pass.
 */
export function stateLines(r: StatusReport): string[] {
  const lines = [`- Overall (this machine): **${WORD[r.verdict]}**`];
  lines.push(
    r.daemons.length
      ? `- Daemons: ${r.daemons.map((d) => `${d.name} ${d.state === 'ok' ? 'ok' : `**${d.state}**`}`).join(' · ')}`
      : '- Daemons: no heartbeats on this machine',
  );
  if (r.sync === null) lines.push('- Last sync: none recorded');
  else
    lines.push(
      `- Last sync: ${r.sync.ok ? 'ok' : '**failed**'}, ${coarseAge(r.sync.age_seconds)} ago${r.sync.action ? ` — ${r.sync.action}` : ''}`,
    );
  if (r.guard === null) lines.push('- Security guard: not run on this machine yet');
  else
    lines.push(
      `- Security guard: ${r.guard.ok ? 'clean' : `**blocked ${r.guard.hits} file(s)**`}, ${coarseAge(r.guard.age_seconds)} ago${r.guard.action ? ` — ${r.guard.action}` : ''}`,
    );
  const m = r.odoo?.monitor;
  if (m) lines.push(`- Odoo: ${m.failures === 0 ? 'healthy' : `**${m.failures} failed check(s) in a row**`}`);
  const q = r.folders;
  lines.push(
    `- Queues: Needs_Action ${q['Needs_Action'] ?? 0} · Needs_Action/local ${q['Needs_Action/local'] ?? 0} · In_Progress/local ${q['In_Progress/local'] ?? 0} · Failed ${q['Failed'] ?? 0}`,
  );
  return lines;
}

/** One merge: this machine's status into the state section, Updates/ into the page. Local only. */
export async function runDashboardOnce(vault: Vault, stateDir: string): Promise<MergeResult> {
  // Why no PM2 here: the page is refreshed every few seconds; PM2's view is for `ai-employee status`.
  const report = await collectStatus({
    vault,
    role: vault.role,
    stateDir,
    now: vault.ctx.clock(),
    pm2: { reachable: false, home: '', apps: [] },
  });
  return mergeDashboard(vault.ctx, { stateLines: stateLines(report) });
}

/** `dashboard --watch` (PM2 app local-dashboard): merge on a short poll, with a heartbeat after each pass. */
export async function watchDashboard(
  vault: Vault,
  stateDir: string,
  options: { intervalMs?: number; signal: AbortSignal; logger: Logger },
): Promise<void> {
  const intervalMs = options.intervalMs ?? DASHBOARD_INTERVAL_MS;
  await runEvery(
    intervalMs,
    async () => {
      let ok = true;
      let detail: Record<string, unknown> = { interval_ms: intervalMs };
      try {
        const result = await runDashboardOnce(vault, stateDir);
        detail = { ...detail, merged: result.merged.length, written: result.written };
        if (result.merged.length > 0) options.logger.info(detail, 'dashboard merged updates');
      } catch (err) {
        // Why caught here: the heartbeat must say the pass failed (e.g. broken markers a human must fix).
        ok = false;
        detail = { ...detail, error: toAppError(err).message };
        options.logger.error({ err }, 'dashboard merge failed; trying again next pass');
      }
      await writeHeartbeat(stateDir, { name: DASHBOARD_APP, at: new Date().toISOString(), ok, detail });
    },
    { signal: options.signal, logger: options.logger },
  );
}
