import { mkdir, open, readdir, readFile, rename } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';

/**
 * One execution per approval (DESIGN §3), remembered outside the vault (in AI_EMPLOYEE_STATE_DIR) so that
 * neither a git pull nor a human's undo can make an approval run again. The entry is created with O_EXCL
 * *before* the action runs: a crash mid-action leaves it "started", and a started entry is never run again
 * automatically — a payment that may have gone through must be checked by a human, not retried.
 */
export interface LedgerEntry {
  key: string;
  approval: string;
  state: 'started' | 'done' | 'failed';
  at: string;
  /** The approval's action, for the hourly limits. */
  action?: string;
  /** When it started (kept when `finish` rewrites the entry). */
  started_at?: string;
  result?: Record<string, unknown>;
  error?: string;
  /** For `done`: false until the approval is filed in Done/ (a filing cut short is finished by the next pass). */
  filed?: boolean;
}

export class ExecutionLedger {
  constructor(private readonly dir: string) {}

  /** The key of one approval: its id and its creation time (a fresh approval of the same task is a new key). */
  static keyOf(id: string, created: string): string {
    return createHash('sha256').update(`${id}\n${created}`).digest('hex').slice(0, 32);
  }

  private file(key: string): string {
    return path.join(this.dir, `${key}.json`);
  }

  async get(key: string): Promise<LedgerEntry | undefined> {
    try {
      return JSON.parse(await readFile(this.file(key), 'utf8')) as LedgerEntry;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /** Records the start of an execution; returns false when this approval was already started once. */
  async begin(key: string, approval: string, now: Date, action?: string): Promise<boolean> {
    await mkdir(this.dir, { recursive: true });
    let handle;
    try {
      handle = await open(this.file(key), 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    }
    try {
      const entry: LedgerEntry = {
        key,
        approval,
        state: 'started',
        at: now.toISOString(),
        started_at: now.toISOString(),
        action,
      };
      await handle.writeFile(JSON.stringify(entry));
      await handle.sync();
    } finally {
      await handle.close();
    }
    return true;
  }

  /** How many executions of `actions` started at or after `since` (for the hourly limit on replies). */
  async countStartedSince(actions: readonly string[], since: Date): Promise<number> {
    const cutoff = since.toISOString();
    let count = 0;
    for (const name of await readdir(this.dir).catch(() => [] as string[])) {
      if (!name.endsWith('.json')) continue;
      const entry = await this.get(name.slice(0, -'.json'.length)).catch(() => undefined);
      if (entry?.action && actions.includes(entry.action) && (entry.started_at ?? entry.at) >= cutoff) count += 1;
    }
    return count;
  }

  async finish(key: string, entry: Omit<LedgerEntry, 'key'>): Promise<void> {
    const earlier = await this.get(key);
    entry = { action: earlier?.action, started_at: earlier?.started_at, ...entry };
    const temp = `${this.file(key)}.tmp`;
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(JSON.stringify({ key, ...entry }));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, this.file(key));
  }
}
