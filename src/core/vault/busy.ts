import { link, rename, unlink } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { AppError } from '../errors.js';

/**
 * Windows refuses to rename or delete a file that another program holds open without sharing it for deletion:
 * Obsidian with the note on screen, an antivirus scan, the search indexer. Node reports that as EBUSY, EPERM or
 * EACCES, and it passes within moments. Every move of a vault file goes through here, so such a refusal is
 * waited out with backoff instead of failing a claim or an approval. When it does not pass, the caller gets a
 * `timeout` that says which file is held, and the file is still where it was (docs/durability.md).
 *
 * Why EPERM and EACCES only on Windows: elsewhere they mean a real permission problem, which waiting never fixes.
 */

/** The file system calls a move makes. A seam for tests, which simulate a held file on a system that has none. */
export const vaultFs = { link, rename, unlink };

export const busyRetry = {
  platform: process.platform as NodeJS.Platform,
  /** Waits between attempts: about 6 s in all, longer than Obsidian holds a note it is saving. */
  delaysMs: [25, 50, 100, 200, 400, 800, 1600, 3000] as readonly number[],
  sleep: (ms: number): Promise<unknown> => delay(ms),
};

export function isBusyError(err: unknown, platform: NodeJS.Platform = busyRetry.platform): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EBUSY') return true;
  return platform === 'win32' && (code === 'EPERM' || code === 'EACCES');
}

/**
 * The error a caller reports when a held file never came free. Why `timeout` and not `conflict`: callers read a
 * conflict as "a file of that name is already there" and pick another name or give up on the task; here nothing
 * is wrong with the task, the wait for the file ran out.
 */
export function heldFileError(file: string, cause: unknown, after: 'stays' | 'recover' = 'stays'): AppError {
  const then =
    after === 'stays'
      ? 'it stays where it is and the move is tried again later'
      : 'the move is finished by "ai-employee recover" (or the next start of a worker) once it is closed';
  return new AppError(
    'timeout',
    `${file} is open in another program (Obsidian, an editor, a virus scanner), which stops it from being moved; ` +
      `${then}. Close it if this persists.`,
    { busy: true },
    { cause },
  );
}

/** Runs `op`, again after each wait while it fails because a file is held open; then throws its last error. */
export async function whileBusy<T>(op: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await op();
    } catch (err) {
      const wait = busyRetry.delaysMs[attempt];
      if (wait === undefined || !isBusyError(err)) throw err;
      await busyRetry.sleep(wait);
    }
  }
}

export const renameWhenFree = (from: string, to: string) => whileBusy(() => vaultFs.rename(from, to));
export const unlinkWhenFree = (file: string) => whileBusy(() => vaultFs.unlink(file));
