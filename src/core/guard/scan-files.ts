import path from 'node:path';
import { readText } from './read.js';
import { TextScanner } from './text-scan.js';
import { unreadableHit, unscannableHit } from './unscannable.js';
import type { GuardHit, GuardSkip } from './types.js';

/** What scanning one batch of files found; batches from any thread merge into one report. */
export interface BatchResult {
  readonly hits: GuardHit[];
  readonly skipped: GuardSkip[];
  scanned: number;
}

/** The absolute path of a root-relative POSIX path. Why not path.join on POSIX: it re-normalises every time. */
export const absolute = (base: string, rel: string): string =>
  path.sep === '/' ? `${base === '/' ? '' : base}/${rel}` : path.join(base, rel);

/**
 * Reads and scans the content of `rels` (files already cleared by the name rules), in order, on whichever
 * thread calls it. Fails closed: a file it cannot read, or a binary of a type not on the allowed list, is a
 * hit. `scratch` is the first-read buffer (see read.ts), shared by every batch on this thread.
 */
export async function scanFileBatch(
  base: string,
  rels: readonly string[],
  chunkBytes: number,
  scratch: Buffer,
): Promise<BatchResult> {
  const result: BatchResult = { hits: [], skipped: [], scanned: 0 };
  for (const rel of rels) {
    const scanner = new TextScanner(rel);
    const outcome = await readText(absolute(base, rel), rel, chunkBytes, scratch, scanner.onText);
    if (outcome.kind === 'text') {
      result.scanned++;
      for (const hit of scanner.hits) result.hits.push(hit);
    } else if (outcome.kind === 'missing') result.skipped.push({ path: rel, reason: 'missing' });
    else if (outcome.kind === 'allowed-binary')
      result.skipped.push({ path: rel, reason: 'binary', type: outcome.type });
    else if (outcome.kind === 'binary') result.hits.push(unscannableHit(rel));
    else result.hits.push(unreadableHit(rel, outcome.code, false));
  }
  return result;
}
