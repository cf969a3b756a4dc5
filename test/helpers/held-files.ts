import path from 'node:path';
import { busyRetry, vaultFs } from '../../src/core/vault/busy.js';

/**
 * Simulates Windows holding a vault file open (Obsidian with the note on screen) on a system that never does:
 * renames and deletes of a held file fail the way Node reports it there (EPERM or EBUSY), until it is let go.
 * Waits between retries are recorded, not slept.
 */
export interface HeldFiles {
  /**
   * Holds files whose name is `name` for the next `times` attempts (Infinity: until `release`); `only` limits
   * the hold to renames or to deletes (a move by link and unlink fails only at the delete).
   */
  hold(
    name: string,
    options?: { times?: number; code?: 'EPERM' | 'EBUSY' | 'EACCES'; only?: 'rename' | 'unlink' },
  ): void;
  release(name: string): void;
  /** Every refused attempt, as `rename <name>` or `unlink <name>`. */
  readonly refused: string[];
  readonly waitsMs: number[];
  restore(): void;
}

export function simulateWindowsHeldFiles(): HeldFiles {
  const original = { ...vaultFs };
  const originalRetry = { ...busyRetry };
  const holds = new Map<string, { left: number; code: string; only?: string }>();
  const refused: string[] = [];
  const waitsMs: number[] = [];

  const refuse = (op: string, ...files: string[]) => {
    const file = files.find((f) => holds.has(path.basename(f)));
    const hold = file === undefined ? undefined : holds.get(path.basename(file));
    if (file === undefined || !hold || hold.left <= 0 || (hold.only !== undefined && hold.only !== op)) return;
    hold.left -= 1;
    refused.push(`${op} ${path.basename(file)}`);
    throw Object.assign(new Error(`${hold.code}: resource busy or locked, ${op} '${file}'`), {
      code: hold.code,
      syscall: op,
      path: file,
    });
  };
  vaultFs.rename = async (from, to) => {
    // Windows refuses to move a held file and to replace one.
    refuse('rename', String(from), String(to));
    return original.rename(from, to);
  };
  // A hard link is another name of the same file: Windows holds it too.
  vaultFs.link = async (from, to) => {
    const hold = holds.get(path.basename(String(from)));
    await original.link(from, to);
    if (hold) holds.set(path.basename(String(to)), hold);
  };
  vaultFs.unlink = async (file) => {
    refuse('unlink', String(file));
    return original.unlink(file);
  };
  busyRetry.platform = 'win32';
  busyRetry.sleep = async (ms) => {
    waitsMs.push(ms);
  };

  return {
    hold: (name, { times = Infinity, code = 'EPERM', only } = {}) => void holds.set(name, { left: times, code, only }),
    release(name) {
      const hold = holds.get(name);
      for (const [other, h] of [...holds]) if (h === hold) holds.delete(other);
    },
    refused,
    waitsMs,
    restore() {
      Object.assign(vaultFs, original);
      Object.assign(busyRetry, originalRetry);
    },
  };
}
