import { mkdir, readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Role } from '../roles.js';
import { appendLine } from './durable.js';

/**
 * The audit log (DESIGN §3): one JSON object per line in `Logs/YYYY-MM-DD.<role>.jsonl`. One file per role
 * and day, so the two machines never append to the same file and git never merges logs.
 */
export interface AuditEntry {
  action_type: string;
  target?: string;
  parameters?: Record<string, unknown>;
  approval_status?: string;
  approved_by?: string;
  result: 'ok' | 'error' | 'denied' | 'skipped';
  error?: string;
}

export interface AuditRecord extends AuditEntry {
  timestamp: string;
  actor: { role: Role; process: string };
}

const SECRET_KEY = /token|secret|password|passwd|api_?key|authorization|credential|cookie/i;
export const AUDIT_RETENTION_DAYS = 90;

/** Copies `value` with every secret-looking key blanked, at any depth. */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [
      k,
      SECRET_KEY.test(k) ? '[redacted]' : redactSecrets(v, depth + 1),
    ]),
  );
}

export class AuditLog {
  constructor(
    private readonly logsDir: string,
    private readonly actor: { role: Role; process: string },
    private readonly clock: () => Date,
  ) {}

  fileFor(date: Date): string {
    return path.join(this.logsDir, `${date.toISOString().slice(0, 10)}.${this.actor.role}.jsonl`);
  }

  async record(entry: AuditEntry): Promise<void> {
    const now = this.clock();
    const record: AuditRecord = {
      timestamp: now.toISOString(),
      action_type: entry.action_type,
      actor: this.actor,
      target: entry.target,
      parameters: entry.parameters ? (redactSecrets(entry.parameters) as Record<string, unknown>) : undefined,
      approval_status: entry.approval_status,
      approved_by: entry.approved_by,
      result: entry.result,
      error: entry.error,
    };
    try {
      await appendLine(this.fileFor(now), JSON.stringify(record));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await mkdir(this.logsDir, { recursive: true });
      await appendLine(this.fileFor(now), JSON.stringify(record));
    }
  }

  /** Deletes this role's log files older than the retention period. Returns the names removed. */
  async prune(retentionDays = AUDIT_RETENTION_DAYS): Promise<string[]> {
    const cutoff = new Date(this.clock().getTime() - retentionDays * 86_400_000).toISOString().slice(0, 10);
    const suffix = `.${this.actor.role}.jsonl`;
    const removed: string[] = [];
    for (const name of await readdir(this.logsDir).catch(() => [] as string[])) {
      if (!name.endsWith(suffix)) continue;
      const day = name.slice(0, 10);
      if (/^\d{4}-\d{2}-\d{2}$/.test(day) && day < cutoff) {
        await unlink(path.join(this.logsDir, name));
        removed.push(name);
      }
    }
    return removed;
  }
}
