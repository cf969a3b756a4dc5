import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { conflict } from '../../core/errors.js';

/**
 * One sync at a time per vault, across processes (the PM2 daemon, an MCP tool call, a human's
 * `ai-employee sync --once`). The lock is a file in the vault's .git folder created with O_EXCL; it names
 * its holder so a lock left by a crash can be told apart from a live one.
 */
export interface LockHolder {
  pid: number;
  host: string;
  at: string;
  token: string;
}

export interface HeldLock {
  release(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readHolder(file: string): Promise<LockHolder | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

/** Why the lock at `file` no longer protects anything, or undefined when its holder may still be working. */
async function staleReason(file: string, holder: LockHolder | undefined, staleMs: number, now: number) {
  const info = await stat(file).catch(() => undefined);
  if (!info) return 'gone';
  if (now - info.mtimeMs > staleMs) return `older than ${Math.round(staleMs / 60_000)} min`;
  // A half-written lock (the holder crashed between create and write) is judged by age alone.
  if (!holder) return now - info.mtimeMs > 5_000 ? 'unreadable' : undefined;
  if (holder.host === os.hostname() && !alive(holder.pid)) return `its process ${holder.pid} is gone`;
  return undefined;
}

export async function acquireSyncLock(
  file: string,
  options: { staleMs: number; now?: () => number } = { staleMs: 15 * 60_000 },
): Promise<HeldLock> {
  const now = options.now ?? Date.now;
  const me: LockHolder = {
    pid: process.pid,
    host: os.hostname(),
    at: new Date(now()).toISOString(),
    token: randomBytes(8).toString('hex'),
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o644);
      try {
        await handle.writeFile(JSON.stringify(me));
      } finally {
        await handle.close();
      }
      return { release: () => releaseIfMine(file, me.token) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = await readHolder(file);
    const why = await staleReason(file, holder, options.staleMs, now());
    if (why === undefined) {
      throw conflict(
        `Another sync of this vault is running (pid ${holder?.pid ?? '?'} since ${holder?.at ?? '?'}); this one was skipped. Try again in a minute.`,
        { holder },
      );
    }
    // Why rename and re-check: two processes may find the same stale lock; only the one whose renamed
    // file is still that stale lock removes it. A fresh lock taken meanwhile is put back untouched.
    const aside = `${file}.stale-${me.token}`;
    try {
      await rename(file, aside);
    } catch {
      continue;
    }
    const moved = await readHolder(aside);
    if (holder && moved && moved.token !== holder.token) {
      await rename(aside, file).catch(() => undefined);
      continue;
    }
    await unlink(aside).catch(() => undefined);
  }
  throw conflict('Could not take the sync lock after recovering a stale one; another sync started. Try again.');
}

async function releaseIfMine(file: string, token: string): Promise<void> {
  const holder = await readHolder(file);
  if (holder?.token === token) await unlink(file).catch(() => undefined);
}
