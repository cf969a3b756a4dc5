import { toAppError } from '../../core/errors.js';
import { verifyAuditLogs } from '../../core/vault/audit-verify.js';
import type { Vault } from '../../core/vault/vault.js';
import { readDaemons } from './heartbeats.js';
import { readGuard, readOdooMonitor, readSync } from './last-runs.js';
import type { Pm2Probe } from './pm2.js';
import type { AuditStatus, OdooStatus, PendingApprovalStatus, StatusReport } from './types.js';
import { judge } from './verdict.js';

export interface StatusInputs {
  /** The vault, opened with the role's policy (or, without a role, the least-privileged one: status only reads). */
  vault: Vault;
  /** The configured role; null when AGENT_ROLE is unset. */
  role: 'cloud' | 'local' | null;
  stateDir: string;
  now: Date;
  pm2: Pm2Probe;
  /** A live Odoo check's result (`status --check`), when one was made. */
  odooLive?: { ok: boolean; detail: string };
}

/** Everything `ai-employee status` shows, read from the vault and the state dir. Reads only. */
export async function collectStatus(inputs: StatusInputs): Promise<StatusReport> {
  const { vault, stateDir, now } = inputs;
  const vaultStatus = await vault.status();
  const [daemons, sync, guard, monitor, audit] = await Promise.all([
    readDaemons(stateDir, now, inputs.pm2.apps),
    readSync(stateDir, now),
    readGuard(stateDir, now),
    readOdooMonitor(stateDir),
    auditStatus(vault.root, now),
  ]);
  const pending: PendingApprovalStatus[] = vaultStatus.pending_approvals
    .map((p) => {
      const expiresAt = p.expires === undefined ? Number.NaN : Date.parse(p.expires);
      return {
        path: p.path,
        action: p.action,
        age_minutes: p.age_minutes < 0 ? null : p.age_minutes,
        expires: p.expires,
        expired: !Number.isNaN(expiresAt) && expiresAt <= now.getTime(),
      };
    })
    // Oldest first: the one waiting longest is the one to look at. Unknown ages last.
    .sort((a, b) => (b.age_minutes ?? -1) - (a.age_minutes ?? -1) || a.path.localeCompare(b.path));
  const odoo = odooStatus(monitor, inputs.odooLive);
  const base = {
    generated_at: now.toISOString(),
    vault: vault.root,
    state_dir: stateDir,
    role: inputs.role,
    draft_only: inputs.role === null ? true : vaultStatus.draft_only,
    folders: vaultStatus.folders,
    pending_approvals: pending,
    daemons,
    pm2: { reachable: inputs.pm2.reachable, home: inputs.pm2.home, error: inputs.pm2.error },
    sync,
    guard,
    odoo,
    audit,
  };
  const { verdict, reasons } = judge(base);
  // Why spelled out: the JSON's key order is what a human reading `--json` sees; the verdict goes near the top.
  const { generated_at, vault: root, state_dir, role, draft_only, ...rest } = base;
  return { generated_at, vault: root, state_dir, role, draft_only, verdict, reasons, ...rest };
}

function odooStatus(monitor: OdooStatus['monitor'], live: OdooStatus['live']): OdooStatus | null {
  if (!monitor && !live) return null;
  const down = live ? !live.ok : (monitor?.failures ?? 0) > 0;
  return {
    monitor,
    live,
    action: down
      ? 'Check that Odoo and its database are up (docker compose ps on the Odoo VM) and that ODOO_URL is right; draft invoices wait in the queue and are retried.'
      : undefined,
  };
}

/** Today's and yesterday's audit chains (UTC days, as the log files are named): cheap enough for every status. */
async function auditStatus(root: string, now: Date): Promise<AuditStatus> {
  const days = [now, new Date(now.getTime() - 86_400_000)].map((d) => d.toISOString().slice(0, 10));
  const action =
    'The audit log was changed after it was written: run "ai-employee audit verify" for every file, and compare the file with its git history (git log -p -- <file>) to see what changed.';
  try {
    const report = await verifyAuditLogs(root, { days });
    return {
      days,
      files: report.files.length,
      lines: report.lines,
      legacy_lines: report.legacy,
      ok: report.ok,
      broken: report.broken.map((b) => ({ file: b.file, line: b.line, reason: b.reason, message: b.message })),
      action: report.ok ? undefined : action,
    };
  } catch (err) {
    // Why not throw: status must show everything else even when Logs/ cannot be read.
    const message = toAppError(err).message;
    return {
      days,
      files: 0,
      lines: 0,
      legacy_lines: 0,
      ok: false,
      broken: [{ file: 'Logs', line: 0, reason: 'unreadable', message }],
      action: 'Check that Logs/ is a readable folder of the vault, then run "ai-employee audit verify".',
    };
  }
}
