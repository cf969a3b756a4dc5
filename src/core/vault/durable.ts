import { randomBytes } from 'node:crypto';
import { link, open, unlink } from 'node:fs/promises';
import path from 'node:path';
import { conflict } from '../errors.js';
import { heldFileError, isBusyError, renameWhenFree, unlinkWhenFree, vaultFs } from './busy.js';
import { TEMP_PREFIX } from './layout.js';

/**
 * Durable file operations (DESIGN §3): write to a temp file in the same folder, fsync it, link or rename it
 * into place, fsync the folder. A crash leaves either the old state or the new, plus at most a temp file.
 */

/**
 * fsync a folder, so that a rename or link in it survives a power cut (docs/durability.md). Linux and macOS sync
 * the folder itself (Node's fsync is `F_FULLFSYNC` on macOS, which also flushes the drive's cache). Windows cannot
 * open a folder for syncing (EPERM), and NTFS journals a rename as one metadata transaction, so there is nothing
 * to do: the file's own flush (FlushFileBuffers, Node's fsync there) is what makes its bytes durable.
 */
export async function fsyncDir(dir: string, platform: NodeJS.Platform = process.platform): Promise<void> {
  if (platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (err) {
    // Why: some macOS file systems (network shares, FAT on a stick) refuse to sync a folder; the file was synced.
    const code = (err as NodeJS.ErrnoException).code;
    if (!(platform === 'darwin' && (code === 'ENOTSUP' || code === 'EINVAL'))) throw err;
  } finally {
    await handle.close();
  }
}

export function tempPathFor(target: string): string {
  return path.join(path.dirname(target), `${TEMP_PREFIX}${randomBytes(6).toString('hex')}-${path.basename(target)}`);
}

async function writeTemp(target: string, data: string | Uint8Array): Promise<string> {
  const temp = tempPathFor(target);
  const handle = await open(temp, 'wx', 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return temp;
}

/**
 * Creates `target` with `data`; refuses (conflict) if it exists.
 * Why link and not rename: rename(2) silently replaces an existing target, link(2) fails with EEXIST.
 */
export async function createFileDurable(
  target: string,
  data: string | Uint8Array,
  options: { syncDir?: boolean } = {},
): Promise<void> {
  const temp = await writeTemp(target, data);
  try {
    await link(temp, target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw conflict(`${path.basename(target)} already exists; nothing was overwritten.`);
    }
    throw err;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  if (options.syncDir !== false) await fsyncDir(path.dirname(target));
}

/** Replaces `target` (which the caller owns) with `data`, atomically. */
export async function replaceFileDurable(
  target: string,
  data: string,
  options: { syncDir?: boolean } = {},
): Promise<void> {
  const temp = await writeTemp(target, data);
  try {
    await renameWhenFree(temp, target);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw isBusyError(err) ? heldFileError(path.basename(target), err) : err;
  }
  if (options.syncDir !== false) await fsyncDir(path.dirname(target));
}

/**
 * Moves `source` to `target` unless a file is already there (then returns false and nothing moved).
 * A crash between link and unlink leaves the file in both places with the same inode; recovery
 * (see claim.ts) notices and removes the source. When Windows will not let go of the source (held open,
 * busy.ts), the new link is removed again, so the file stays only where it was, and the caller hears why.
 */
export async function linkThenUnlink(source: string, target: string): Promise<boolean> {
  try {
    await vaultFs.link(source, target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    await unlinkWhenFree(source);
  } catch (err) {
    if (!isBusyError(err)) throw err;
    const undone = await vaultFs.unlink(target).then(
      () => true,
      () => false,
    );
    // Not undone (Windows holds every name of a held file): both names stay with one inode, the state a crash
    // between link and unlink leaves, which recovery finishes (claim.ts).
    throw heldFileError(path.basename(source), err, undone ? 'stays' : 'recover');
  }
  await Promise.all([fsyncDir(path.dirname(target)), fsyncDir(path.dirname(source))]);
  return true;
}

/** Moves a file the caller owns to `target` without ever replacing an existing file there. */
export async function moveNoClobber(source: string, target: string): Promise<void> {
  if (!(await linkThenUnlink(source, target)))
    throw conflict(`${path.relative(path.dirname(path.dirname(target)), target)} already exists; nothing was moved.`);
}
