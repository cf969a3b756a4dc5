import { isUtf8 } from 'node:buffer';

/**
 * Telling text from binary, and decoding text, for the guard (issue 12). The guard scans what it can
 * decode: UTF-8 (with or without BOM, with stray NULs), UTF-16 and UTF-32 (little or big endian, with a BOM
 * or recognised by where their NUL bytes fall), and single-byte text such as Windows-1252 (every ASCII
 * secret reads the same in it). Anything else is binary, which the caller blocks unless its type is on
 * the allowed list.
 */
export type TextEncoding = 'utf8' | 'latin1' | 'utf16le' | 'utf16be' | 'utf32le' | 'utf32be';

/**
 * A text encoding and its BOM's length; `text` is the decoded whole when classifying already had to decode
 * it (a complete, small file told by its NUL pattern), so the caller need not decode it again.
 */
export type Classified =
  { readonly encoding: TextEncoding; readonly bomBytes: number; readonly text?: string } | { readonly binary: true };

/** How many bytes the pattern checks look at: enough to see a file's nature, cheap for a large one. */
const SAMPLE = 64 * 1024;
/** Text has almost no control characters besides tab, newlines, form feed and escape (ANSI colours). */
const MAX_CONTROL_RATIO = 0.02;

const BOMS: ReadonlyArray<[readonly number[], TextEncoding]> = [
  // Why UTF-32 first: its little-endian BOM starts with UTF-16's.
  [[0xff, 0xfe, 0, 0], 'utf32le'],
  [[0, 0, 0xfe, 0xff], 'utf32be'],
  [[0xef, 0xbb, 0xbf], 'utf8'],
  [[0xff, 0xfe], 'utf16le'],
  [[0xfe, 0xff], 'utf16be'],
];

/**
 * What `head` (a whole file when `complete`, else its first chunk) holds. Fast path first: a file with no
 * NUL that is valid UTF-8, which is nearly every note, costs one native check.
 */
export function classify(head: Buffer, complete: boolean): Classified {
  for (const [bom, encoding] of BOMS) {
    if (head.length >= bom.length && bom.every((b, i) => head[i] === b)) return { encoding, bomBytes: bom.length };
  }
  const utf8 = isUtf8(complete ? head : withoutCutCharacter(head));
  const hasNul = head.includes(0);
  if (!hasNul) return utf8 || controlRatio(head) <= MAX_CONTROL_RATIO ? text(utf8 ? 'utf8' : 'latin1') : BINARY;
  const sample = head.subarray(0, SAMPLE);
  const wide = widePattern(sample);
  if (wide) {
    const decoded = decodeAll(sample, wide);
    if (looksLikeText(decoded))
      return complete && sample.length === head.length ? { encoding: wide, bomBytes: 0, text: decoded } : text(wide);
  }
  if (utf8) return text('utf8');
  return controlRatio(head) <= MAX_CONTROL_RATIO ? text('latin1') : BINARY;
}

const BINARY = { binary: true } as const;
const text = (encoding: TextEncoding) => ({ encoding, bomBytes: 0 });

/** The whole of `bytes` as text (a small file in one piece). */
export function decodeAll(bytes: Buffer, encoding: TextEncoding): string {
  // Why Buffer's own decoders where they exist: a TextDecoder per small file costs more than the read.
  if (encoding === 'utf8' || encoding === 'latin1') return bytes.toString(encoding);
  if (encoding === 'utf16le') return bytes.toString('utf16le', 0, bytes.length - (bytes.length % 2));
  const stream = textStream(encoding);
  return stream.write(bytes) + stream.end();
}

export interface TextStream {
  /** The text of the next bytes; a character cut at the end of `chunk` waits for the next call. */
  write(chunk: Buffer): string;
  end(): string;
}

/** A decoder for a file read in chunks. */
export function textStream(encoding: TextEncoding): TextStream {
  if (encoding === 'latin1') return { write: (c) => c.toString('latin1'), end: () => '' };
  if (encoding === 'utf8') {
    const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
    return { write: (c) => decoder.decode(c, { stream: true }), end: () => decoder.decode() };
  }
  const unit = encoding.startsWith('utf32') ? 4 : 2;
  const bigEndian = encoding.endsWith('be');
  const utf16 = new TextDecoder('utf-16le', { ignoreBOM: true });
  let rest = Buffer.alloc(0);
  const write = (chunk: Buffer): string => {
    const all = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
    const whole = all.length - (all.length % unit);
    // Why a copy: swapping in place would change the caller's buffer.
    const units = Buffer.from(all.subarray(0, whole));
    rest = Buffer.from(all.subarray(whole));
    if (unit === 2) return utf16.decode(bigEndian ? units.swap16() : units, { stream: true });
    let out = '';
    for (let i = 0; i < units.length; i += 4) {
      const point = bigEndian ? units.readUInt32BE(i) : units.readUInt32LE(i);
      out += point <= 0x10ffff && (point < 0xd800 || point > 0xdfff) ? String.fromCodePoint(point) : '\ufffd';
    }
    return out;
  };
  return { write, end: () => (unit === 2 ? utf16.decode() : '') + (rest.length > 0 ? '\ufffd' : '') };
}

/**
 * UTF-16 or UTF-32 without a BOM, told by where NUL bytes fall: ASCII-range text in UTF-16LE has a NUL in
 * every odd byte and almost none in even ones; UTF-32 has three NULs of four. Undefined when no pattern.
 */
function widePattern(bytes: Buffer): TextEncoding | undefined {
  const n = bytes.length - (bytes.length % 4);
  if (n < 4) return undefined;
  // Why four counters and a stride of 4: this runs on every file with a NUL (each UTF-16 note without a
  // BOM), and indexing arrays by `i % 4` per byte cost as much as scanning the text for secrets.
  let z0 = 0;
  let z1 = 0;
  let z2 = 0;
  let z3 = 0;
  for (let i = 0; i < n; i += 4) {
    if (bytes[i] === 0) z0++;
    if (bytes[i + 1] === 0) z1++;
    if (bytes[i + 2] === 0) z2++;
    if (bytes[i + 3] === 0) z3++;
  }
  const per = n / 4;
  const [r0, r1, r2, r3] = [z0 / per, z1 / per, z2 / per, z3 / per];
  const high = (x: number) => x >= 0.9;
  const low = (x: number) => x <= 0.1;
  if (high(r1) && high(r2) && high(r3) && r0 <= 0.5) return 'utf32le';
  if (high(r0) && high(r1) && high(r2) && r3 <= 0.5) return 'utf32be';
  if (r1 >= 0.3 && r3 >= 0.3 && low(r0) && low(r2)) return 'utf16le';
  if (r0 >= 0.3 && r2 >= 0.3 && low(r1) && low(r3)) return 'utf16be';
  return undefined;
}

/** Decoded text that is mostly printable: not binary that happened to fit a pattern. */
function looksLikeText(decoded: string): boolean {
  let bad = 0;
  for (let i = 0; i < decoded.length; i++) {
    const c = decoded.charCodeAt(i);
    if ((c < 0x20 && c !== 9 && c !== 10 && c !== 11 && c !== 12 && c !== 13 && c !== 27) || c === 0xfffd) bad++;
  }
  return bad <= decoded.length * MAX_CONTROL_RATIO;
}

/** Share of control bytes (NUL included) in the first SAMPLE bytes. */
function controlRatio(bytes: Buffer): number {
  const n = Math.min(bytes.length, SAMPLE);
  if (n === 0) return 0;
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i] as number;
    if (b < 0x20 && b !== 9 && b !== 10 && b !== 11 && b !== 12 && b !== 13 && b !== 27) bad++;
  }
  return bad / n;
}

/** A chunk may end inside a UTF-8 character; drop that partial character before checking validity. */
function withoutCutCharacter(bytes: Buffer): Buffer {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const b = bytes[bytes.length - back] as number;
    if (b < 0x80) return bytes;
    if (b >= 0xc0) {
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return need > back ? bytes.subarray(0, bytes.length - back) : bytes;
    }
  }
  return bytes;
}
