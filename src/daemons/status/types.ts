/**
 * What `ai-employee status --json` prints (snake_case, like the vault's own status). Scripts rely on this
 * shape: add fields, never rename or remove one.
 */
export type Verdict = 'ok' | 'warn' | 'fail';

export interface PendingApprovalStatus {
  path: string;
  action?: string;
  /** Minutes since `created`; null when the file has no readable `created`. */
  age_minutes: number | null;
  expires?: string;
  expired: boolean;
}

export type DaemonState = 'ok' | 'failing' | 'stale' | 'missing' | 'not_configured';

export interface DaemonStatus {
  name: string;
  /** ok: fresh heartbeat that says ok; failing: fresh but its last cycle reported a problem (or PM2 says
   *  errored/stopped); stale: no heartbeat for longer than stale_after_seconds; missing: PM2 runs it but it never beat;
   *  not_configured: it ended itself with nothing to do (exit 78: no credentials, no Odoo, no remote) and has not
   *  beaten since — shown with its reason, and not a failure. */
  state: DaemonState;
  pid?: number;
  last_beat?: string;
  age_seconds: number | null;
  stale_after_seconds: number;
  ok: boolean | null;
  pm2?: { status: string; restarts: number; uptime_seconds: number | null };
  /** Set when the daemon stopped itself until a human acts (a watcher paused on refused credentials or a
   *  missing permission): what it said, with the permission to grant when the provider named one. */
  paused?: { kind: 'auth' | 'permission'; reason: string; until?: string; grant?: string };
  /** Set with state `not_configured`: what it said as it ended, the variables it needs, and when. */
  not_configured?: { reason: string; missing: string[]; at: string };
}

export interface LastRunStatus {
  at: string;
  ok: boolean;
  age_seconds: number;
  /** What the owner should do, when it failed. */
  action?: string;
}

export interface SyncStatus extends LastRunStatus {
  message?: string;
}

export interface GuardStatus extends LastRunStatus {
  hits: number;
}

export interface OdooStatus {
  /** From the health monitor's state file (`<state>/odoo-health.json`), when it has run on this machine. */
  monitor?: { failures: number; alerted: boolean; last_ok?: string; last_error?: string };
  /** From `status --check` with ODOO_URL set: one live health check with a short timeout. */
  live?: { ok: boolean; detail: string };
  action?: string;
}

/**
 * The audit log's hash chains, checked for today's and yesterday's files only (UTC days, both roles): status
 * stays cheap. `ai-employee audit verify` checks every file.
 */
export interface AuditStatus {
  /** The days checked, `YYYY-MM-DD`. */
  days: string[];
  files: number;
  lines: number;
  /** Lines written before chaining began (counted, not broken). */
  legacy_lines: number;
  ok: boolean;
  /** The first broken link of each broken file. */
  broken: Array<{ file: string; line: number; reason: string; message: string }>;
  action?: string;
}

export interface StatusReport {
  generated_at: string;
  vault: string;
  state_dir: string;
  /** null when AGENT_ROLE is unset: status then reads the vault through the least-privileged policy. */
  role: 'cloud' | 'local' | null;
  draft_only: boolean;
  verdict: Verdict;
  /** Why the verdict is not ok, one short sentence each (empty when ok). */
  reasons: string[];
  folders: Record<string, number>;
  pending_approvals: PendingApprovalStatus[];
  daemons: DaemonStatus[];
  pm2: { reachable: boolean; home: string; error?: string };
  sync: SyncStatus | null;
  guard: GuardStatus | null;
  odoo: OdooStatus | null;
  audit: AuditStatus;
}
