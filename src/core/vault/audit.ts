import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  linkSync,
  openSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { mkdir, readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../errors.js';
import type { Role } from '../roles.js';
import { TEMP_PREFIX } from './layout.js';

/**
 * The audit log (DESIGN §3): one JSON object per line in `Logs/YYYY-MM-DD.<role>.jsonl`. One file per role
 * and day, so the two machines never append to the same file and git never merges logs.
 *
 * Each line is a link of a hash chain (DESIGN §6, "each log is a hash chain"): its `prev` is the hex SHA-256
 * of the previous line's exact bytes (without the newline) in the same file; a file's first line has
 * `prev` = 64 zeros. Editing, deleting or reordering a line breaks the link after it, which
 * `ai-employee audit verify` (audit-verify.ts) reports.
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
  /** Hex SHA-256 of the previous line of the same file, or GENESIS_PREV on a file's first line. */
  prev: string;
}

const SECRET_KEY = /token|secret|password|passwd|api_?key|authorization|credential|cookie/i;
export const AUDIT_RETENTION_DAYS = 90;

/** The `prev` of a file's first line. */
export const GENESIS_PREV = '0'.repeat(64);

/** The chain hash of one line: hex SHA-256 of its exact bytes, without the newline. */
export function lineHash(line: Uint8Array | string): string {
  return createHash('sha256').update(line).digest('hex');
}

/** The hidden lock file next to a log file. Not `*.jsonl`, so no reader of logs ever lists it. */
export function auditLockPath(logFile: string): string {
  return path.join(path.dirname(logFile), `${TEMP_PREFIX}audit-${path.basename(logFile)}.lock`);
}

/** Timings of the cross-process append lock; tests shorten them. */
export interface AuditLockTimes {
  /**
   * A lock a waiter sees unchanged for this long is stale: its holder died inside the critical section. Why a
   * few seconds is safe: the holder runs the whole critical section synchronously (a handful of syscalls, well
   * under a millisecond), so a busy event loop cannot stretch it. The same bound keeps the lock clear of
   * recovery: its name starts with TEMP_PREFIX, and claim.ts sweepTempFiles deletes such files once 60 s old,
   * which a live lock never is.
   */
  staleMs: number;
  /** Longest wait for the lock before record() gives up; a stale lock is broken long before this. */
  waitMs: number;
}
export const AUDIT_LOCK_TIMES: AuditLockTimes = { staleMs: 5_000, waitMs: 15_000 };

/**
 * How much of the file's end is read at first to find the previous line; four times more until a whole line
 * fits. Why this small: an audit line is a few hundred bytes, and reading 64 KiB per append cost a third of
 * the append's time.
 */
const TAIL_BYTES = 4 * 1024;

// Why O_NOFOLLOW: a log name that is a symbolic link (a hostile peer's commit) must not make us append elsewhere.
const LOG_FLAGS = constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0);
const LOCK_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

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
    private readonly lockTimes: AuditLockTimes = AUDIT_LOCK_TIMES,
  ) {}

  fileFor(date: Date): string {
    return path.join(this.logsDir, `${date.toISOString().slice(0, 10)}.${this.actor.role}.jsonl`);
  }

  async record(entry: AuditEntry): Promise<void> {
    const now = this.clock();
    const record: Omit<AuditRecord, 'prev'> = {
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
    // `prev` goes last, spliced in under the lock: everything else is serialised before we take it.
    const body = JSON.stringify(record).slice(0, -1);
    await appendChained(this.fileFor(now), (prev) => `${body},"prev":"${prev}"}`, this.lockTimes);
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

/**
 * Appends the line `lineFor(prev)` to `file`, where `prev` is the chain hash of the file's last line.
 *
 * Several processes on one machine append to the same file, so reading the last line and appending ours must
 * be one step: a cross-process lock (an O_EXCL file next to the log) makes it one. Why the critical section is
 * synchronous: nothing else of this process can run inside it, so it lasts a few syscalls whatever the event
 * loop is doing, and a lock that stays for seconds can only be a dead holder's. Waiting for the lock is
 * asynchronous. The append itself stays one write(2) on an O_APPEND descriptor, so a reader never sees half a line.
 */
export async function appendChained(
  file: string,
  lineFor: (prev: string) => string,
  times: AuditLockTimes = AUDIT_LOCK_TIMES,
): Promise<void> {
  const lock = auditLockPath(file);
  // Why the monotonic clock and the waiter's own observation, not the lock's mtime against Date.now(): the
  // process clock and the file system's clock can disagree (a shifted clock, faketime in test:future), and a
  // lock judged stale by a wrong clock would let two writers fork the chain.
  const started = performance.now();
  let watched: { id: FileId; since: number } | undefined;
  let madeDir = false;
  for (let attempt = 0; ; attempt++) {
    const held = tryLock(lock);
    if (held === 'missing-dir') {
      if (madeDir) throw Object.assign(new Error(`no folder for ${file}`), { code: 'ENOENT' });
      await mkdir(path.dirname(file), { recursive: true });
      madeDir = true;
      continue;
    }
    if (held) {
      try {
        appendUnderLock(file, lineFor);
      } finally {
        unlock(lock, held);
      }
      return;
    }
    const now = performance.now();
    const current = statOrUndefined(lock);
    if (!current) watched = undefined;
    else if (!watched || !sameFile(watched.id, current)) watched = { id: fileId(current), since: now };
    else if (now - watched.since >= times.staleMs) {
      breakStale(lock, watched.id);
      watched = undefined;
      continue;
    }
    if (now - started > times.waitMs)
      throw new AppError(
        'timeout',
        `The audit log ${path.basename(file)} stayed locked for ${Math.round(times.waitMs / 1000)} s; remove ${lock} if no ai-employee process is running, then try again.`,
      );
    // Why yield first and sleep later: the holder is inside a sub-millisecond critical section.
    if (attempt < 8) await new Promise((resolve) => setImmediate(resolve));
    else await sleep(Math.min(4, 2 ** Math.min(attempt - 8, 2)) * (0.5 + Math.random()));
  }
}

/** Which lock file: a new lock is a new inode or, if the inode number is reused, a new mtime. */
interface FileId {
  ino: number;
  mtimeMs: number;
}
const fileId = (s: FileId): FileId => ({ ino: s.ino, mtimeMs: s.mtimeMs });
const sameFile = (a: FileId, b: FileId) => a.ino === b.ino && a.mtimeMs === b.mtimeMs;

function tryLock(lock: string): FileId | 'missing-dir' | undefined {
  let fd: number;
  try {
    fd = openSync(lock, LOCK_FLAGS, 0o644);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'missing-dir';
    if (code === 'EEXIST') return undefined;
    throw err;
  }
  try {
    return fileId(fstatSync(fd));
  } finally {
    closeSync(fd);
  }
}

function unlock(lock: string, held: FileId): void {
  const now = statOrUndefined(lock);
  // Why check: had we stalled inside the critical section (SIGSTOP), a waiter may have broken our lock and
  // taken its own; removing that one would let a third writer in beside it.
  if (now && sameFile(now, held)) unlinkSync(lock);
}

/**
 * Removes the stale lock `stale`. Why rename first: two waiters may judge the same lock stale; the rename
 * lets exactly one of them take it away, and if what it took is a fresh lock (taken since we last looked),
 * it is put back without clobbering.
 */
function breakStale(lock: string, stale: FileId): void {
  const aside = path.join(path.dirname(lock), `${TEMP_PREFIX}audit-stale-${randomBytes(6).toString('hex')}.lock`);
  try {
    renameSync(lock, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // another waiter broke it first
    throw err;
  }
  const taken = statOrUndefined(aside);
  if (taken && !sameFile(taken, stale)) {
    try {
      linkSync(aside, lock);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    // Gone already; nothing to clean.
  }
}

function statOrUndefined(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function appendUnderLock(file: string, lineFor: (prev: string) => string): void {
  const fd = openSync(file, LOG_FLAGS, 0o644);
  try {
    const size = fstatSync(fd).size;
    const last = size === 0 ? undefined : lastLine(fd, size);
    const prev = last ? lineHash(last.bytes) : GENESIS_PREV;
    // A file that does not end in a newline ends in a torn write: end it, so that our line stays one line
    // (the torn one is then a bad line that `audit verify` reports, and our `prev` still names it).
    const line = `${last?.torn ? '\n' : ''}${lineFor(prev)}\n`;
    writeSync(fd, line);
  } finally {
    closeSync(fd);
  }
}

/** The last line of the file (without its newline), read from the tail only: never the whole file per append. */
function lastLine(fd: number, size: number): { bytes: Buffer; torn: boolean } {
  for (let window = Math.min(size, TAIL_BYTES); ; window = Math.min(size, window * 4)) {
    const buf = Buffer.allocUnsafe(window);
    let got = 0;
    while (got < window) {
      const n = readSync(fd, buf, got, window - got, size - window + got);
      if (n === 0) break;
      got += n;
    }
    const tail = buf.subarray(0, got);
    const torn = tail[tail.length - 1] !== 0x0a;
    const end = torn ? tail.length : tail.length - 1;
    const newline = end === 0 ? -1 : tail.lastIndexOf(0x0a, end - 1);
    if (newline >= 0 || window >= size) return { bytes: tail.subarray(newline + 1, end), torn };
  }
}
