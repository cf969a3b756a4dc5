import { contentHits, countNewlines } from './content.js';
import type { GuardHit } from './types.js';

/**
 * How much of the previous piece of text each chunk repeats. A secret that starts in the last OVERLAP
 * characters of a chunk is seen whole in the next one; every rule's match (a key of a few hundred
 * characters, a PEM header and its first line, a base64 run's first 4 KiB) is far shorter than this.
 */
export const OVERLAP_CHARS = 16 * 1024;

/**
 * Scans a file's decoded text piece by piece with overlap, so memory stays bounded for a file of any size
 * while line numbers keep counting from the file's start. A hit seen twice (in a chunk and again in the
 * next chunk's overlap) is reported once.
 *
 * Why NULs are also stripped: text with stray NULs (a terminal capture, a half-binary export, a UTF-16 or
 * UTF-32 file that was not recognised as such) may hold a secret with NULs between its characters.
 */
export class TextScanner {
  private carry = '';
  private carryLine = 1;
  /** Hits already reported, by rule and line; made only when a file comes in more than one piece. */
  private seen: Set<string> | undefined;
  readonly hits: GuardHit[] = [];

  constructor(
    private readonly relPath: string,
    private readonly overlap = OVERLAP_CHARS,
  ) {}

  /** `push` as a bound function, for readText's callback. */
  readonly onText = (piece: string, last: boolean): void => this.push(piece, last);

  /** One piece of the file's text, in order. `last` says no more follows (no overlap to keep). */
  push(piece: string, last: boolean): void {
    const text = this.carry === '' ? piece : this.carry + piece;
    const hits = contentHits(this.relPath, text);
    const whole = last && this.seen === undefined;
    const nul = text.includes('\0');
    // The common case, a small file in one piece: nothing to shift or de-duplicate.
    if (whole && !nul) {
      for (const hit of hits) this.hits.push(hit);
      return;
    }
    this.seen ??= new Set();
    this.collect(hits);
    if (nul) this.collect(contentHits(this.relPath, text.replaceAll('\0', '')));
    if (last) {
      this.carry = '';
      return;
    }
    const cut = Math.max(0, text.length - this.overlap);
    this.carryLine += countNewlines(text, 0, cut);
    this.carry = text.slice(cut);
  }

  private collect(hits: readonly GuardHit[]): void {
    for (const hit of hits) {
      const line = hit.line === undefined ? undefined : hit.line + this.carryLine - 1;
      const key = `${hit.rule}\n${line ?? ''}`;
      if (this.seen?.has(key)) continue;
      this.seen?.add(key);
      this.hits.push(line === undefined ? hit : { ...hit, line });
    }
  }
}
