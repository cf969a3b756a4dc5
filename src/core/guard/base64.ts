import type { AcceptContext } from './types.js';

/**
 * Base64-wrapped PEM private keys (a Kubernetes secret, an env var holding a key, a mail attachment, a
 * base64 service-account JSON). Base64 hides `-----BEGIN` from the PEM rules, but "-----BEGIN" encodes
 * to one of three fixed strings, one per byte offset of the marker modulo 3. The rule looks for those; this
 * decodes from there and checks that a private key (not a certificate) follows.
 */
const MARKER = '-----BEGIN';

export interface MarkerForm {
  /** The base64 characters fully determined by the marker at this offset. */
  readonly text: string;
  /** How many characters of its 4-character group come before `text` (where decoding must start). */
  readonly lead: number;
}

/** The three forms, computed rather than written out, so the source holds no key-shaped literal. */
export const BASE64_MARKERS: readonly MarkerForm[] = [0, 1, 2].map((offset) => {
  const encoded = Buffer.from('\0'.repeat(offset) + MARKER, 'latin1').toString('base64');
  const firstBit = offset * 8;
  const endBit = firstBit + MARKER.length * 8;
  const first = Math.ceil(firstBit / 6);
  const last = Math.floor(endBit / 6);
  return { text: encoded.slice(first, last), lead: first };
});

const LEAD = new Map(BASE64_MARKERS.map((m) => [m.text, m.lead]));
const PRIVATE_KEY =
  /-----BEGIN (?:(?!PGP )(?:[A-Z0-9]+ ){0,2}PRIVATE KEY|PGP PRIVATE KEY BLOCK)-----[\s\S]{0,300}?[A-Za-z0-9+/]{40}/;
/** Enough base64 to decode a header and its first lines, not a whole attachment. */
const MAX_CHARS = 4096;
const B64 = /[A-Za-z0-9+/]/;

/** `accept` for the rule: decodes the base64 run from the marker's group on and looks for a private key. */
export function wrapsPrivateKey(marker: string, { text, end }: AcceptContext): boolean {
  const lead = LEAD.get(marker);
  if (lead === undefined) return false;
  let i = end - marker.length - lead;
  let run = '';
  // Why 'A' for missing lead characters: they only affect the bytes before the marker.
  while (i < 0) {
    run += 'A';
    i++;
  }
  for (let k = i; k < end - marker.length; k++) run += B64.test(text[k] ?? '') ? text[k] : 'A';
  // Read on across line wraps (MIME at 76, PEM at 64, an indented YAML block) until the run ends.
  for (let k = end - marker.length; k < text.length && run.length < MAX_CHARS; k++) {
    const c = text[k] as string;
    if (B64.test(c)) run += c;
    else if (c === '\r' || c === '\n') {
      while (text[k + 1] === ' ' || text[k + 1] === '\t') k++;
    } else break;
  }
  const decoded = Buffer.from(run.slice(0, run.length - (run.length % 4)), 'base64').toString('latin1');
  return PRIVATE_KEY.test(decoded);
}
