import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { GuardSkipReason } from './types.js';

export type ReadResult = { readonly text: string } | { readonly skip: GuardSkipReason };

/**
 * Reads a file for content scanning in one pass: stat through the open descriptor (so a file swapped
 * between stat and read cannot slip past the size limit), refuse large files before reading a byte, and
 * treat a NUL byte as binary (git's own test).
 *
 * Why synchronous: vault files are small, and for small files the thread-pool round trips of async fs
 * (open, stat, read, close: four hops each) cost several times the reads themselves: 20,000 notes took
 * 1-2 s async and about 0.3 s sync on the same disk. The caller reads in small batches and yields to the
 * event loop between them, so a daemon stays responsive.
 */
export function readForScan(absPath: string, maxBytes: number): ReadResult {
  let fd: number;
  try {
    fd = openSync(absPath, 'r');
  } catch (err) {
    return { skip: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable' };
  }
  try {
    const { size } = fstatSync(fd);
    if (size > maxBytes) return { skip: 'too_large' };
    // Why size + 1: one spare byte shows whether the file grew past the limit after the stat.
    const buffer = Buffer.allocUnsafe(Math.min(size, maxBytes) + 1);
    let length = 0;
    while (length < buffer.length) {
      const bytesRead = readSync(fd, buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes) return { skip: 'too_large' };
    const bytes = buffer.subarray(0, length);
    if (bytes.includes(0)) return { skip: 'binary' };
    return { text: bytes.toString('utf8') };
  } catch {
    return { skip: 'unreadable' };
  } finally {
    closeSync(fd);
  }
}
