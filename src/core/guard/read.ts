import { closeSync, constants, openSync, readSync } from 'node:fs';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { allowedBinaryType } from './binary-types.js';
import { classify, decodeAll, textStream } from './decode.js';

const { O_RDONLY } = constants;

/** What reading a file for the guard came to. Only `text` means its content reached `onText`. */
export type ReadOutcome =
  | { readonly kind: 'text' }
  | { readonly kind: 'allowed-binary'; readonly type: string }
  | { readonly kind: 'binary' }
  | { readonly kind: 'unreadable'; readonly code: string }
  | { readonly kind: 'missing' };

/** The first read of every file: nearly every vault file fits, so it is one open, one read, one close. */
export const FIRST_READ_BYTES = 64 * 1024;
export const DEFAULT_CHUNK_BYTES = 1024 * 1024;

/**
 * Reads a file and hands its decoded text to `onText`, whole or in pieces (`last` on the final one).
 * A file that fits the first read is read, decoded and scanned synchronously; a larger one goes on in
 * chunks of `chunkBytes`, yielding to the event loop between them, so a 1 GB log costs time but not memory
 * and does not stall a daemon. `scratch` is the caller's buffer for the first read (at least
 * FIRST_READ_BYTES); it is only used before the first await.
 *
 * Why synchronous reads: vault files are small, and for small files the thread-pool round trips of async
 * fs (open, stat, read, close: four hops each) cost several times the reads themselves.
 */
export async function readText(
  absPath: string,
  relPath: string,
  chunkBytes: number,
  scratch: Buffer,
  onText: (text: string, last: boolean) => void,
): Promise<ReadOutcome> {
  let fd: number;
  try {
    // Why the numeric flag: 'r' is parsed again on every call, and this runs once per file.
    fd = openSync(absPath, O_RDONLY);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
    return code === 'ENOENT' ? { kind: 'missing' } : { kind: 'unreadable', code };
  }
  try {
    const first = Math.min(FIRST_READ_BYTES, chunkBytes);
    const n = readFull(fd, scratch, first);
    if (n < first) {
      const bytes = scratch.subarray(0, n);
      const cls = classify(bytes, true);
      if ('binary' in cls) return binaryOutcome(relPath, bytes);
      onText(cls.text ?? decodeAll(bytes.subarray(cls.bomBytes), cls.encoding), true);
      return { kind: 'text' };
    }
    // A large file: fill the first chunk, classify it, then stream the rest through one decoder.
    const chunk = Buffer.allocUnsafe(chunkBytes);
    scratch.copy(chunk, 0, 0, n);
    let filled = n + readFull(fd, chunk.subarray(n), chunkBytes - n);
    const cls = classify(chunk.subarray(0, filled), filled < chunkBytes);
    if ('binary' in cls) return binaryOutcome(relPath, chunk.subarray(0, filled));
    const stream = textStream(cls.encoding);
    let text = stream.write(chunk.subarray(cls.bomBytes, filled));
    while (filled === chunkBytes) {
      await yieldToEventLoop();
      filled = readFull(fd, chunk, chunkBytes);
      // Why the copy of the bytes is not needed: the decoder copies out before the next read reuses `chunk`.
      onText(text, false);
      text = stream.write(chunk.subarray(0, filled));
    }
    onText(text + stream.end(), true);
    return { kind: 'text' };
  } catch (err) {
    return { kind: 'unreadable', code: (err as NodeJS.ErrnoException).code ?? 'EIO' };
  } finally {
    closeSync(fd);
  }
}

/** Reads until `length` bytes or the end of the file; fewer than `length` means the end was reached. */
function readFull(fd: number, into: Buffer, length: number): number {
  let got = 0;
  while (got < length) {
    // Why position null: the file's own offset, so sequential reads need no bookkeeping here.
    const n = readSync(fd, into, got, length - got, null);
    if (n === 0) break;
    got += n;
  }
  return got;
}

function binaryOutcome(relPath: string, head: Buffer): ReadOutcome {
  const type = allowedBinaryType(relPath, head);
  return type === undefined ? { kind: 'binary' } : { kind: 'allowed-binary', type };
}
