import { CONTENT_RULES } from './rules.js';
import type { ContentRule, GuardHit } from './types.js';

/** How much text before a secret a preview may show (a key name or a known prefix, never the value). */
const PREVIEW_MAX = 40;
const REDACTED = '…(redacted)';

/**
 * Finding which rules' keywords a text holds, in one pass over it. Why not one regexp of every keyword (as
 * before) or an `includes` per keyword: on the 20,000-note bench either costs more than reading the files,
 * because irregexp tries all 45 alternatives at nearly every position (their first letters are common ones).
 * Here each position costs one table look-up of the 3 characters ending there; only where those 3 begin a
 * keyword are the keywords compared. Every keyword has at least 3 characters (checked below).
 */
const KEYWORDS = [...new Set(CONTENT_RULES.flatMap((r) => r.keywords))];
const TRIGRAM_SLOTS = 1 << 16;
const trigram = (a: number, b: number, c: number) => ((a << 10) ^ (b << 5) ^ c) & (TRIGRAM_SLOTS - 1);
/** For each trigram slot, 0 or 1 + the index in BUCKETS of the keywords whose first 3 characters hash there. */
const SLOT = new Uint16Array(TRIGRAM_SLOTS);
const BUCKETS: string[][] = [];
for (const keyword of KEYWORDS) {
  if (keyword.length < 3 || keyword !== keyword.toLowerCase()) {
    throw new Error(`guard rule keyword "${keyword}" must be lower case and at least 3 characters long`);
  }
  const slot = trigram(keyword.charCodeAt(0), keyword.charCodeAt(1), keyword.charCodeAt(2));
  if (SLOT[slot] === 0) SLOT[slot] = BUCKETS.push([]);
  BUCKETS[(SLOT[slot] as number) - 1]?.push(keyword);
}
/** Rules without keywords run on every text (their regexp starts with a rare literal). */
const ALWAYS = CONTENT_RULES.filter((r) => r.keywords.length === 0);

/** The keywords that occur in `lower` (a lower-cased text); undefined when none does. */
export function keywordsIn(lower: string): Set<string> | undefined {
  let found: Set<string> | undefined;
  let b = lower.charCodeAt(0);
  let c = lower.charCodeAt(1);
  for (let i = 2; i < lower.length; i++) {
    const a = b;
    b = c;
    c = lower.charCodeAt(i);
    const slot = SLOT[trigram(a, b, c)] as number;
    if (slot === 0) continue;
    for (const keyword of BUCKETS[slot - 1] as string[]) {
      if (lower.startsWith(keyword, i - 2)) (found ??= new Set()).add(keyword);
    }
  }
  return found;
}

/** Content hits in `text`, one per rule and line. The matched secret itself never leaves this function. */
export function contentHits(relPath: string, text: string): GuardHit[] {
  const found = keywordsIn(text.toLowerCase());
  if (found === undefined && ALWAYS.length === 0) return [];
  const specific: GuardHit[] = [];
  const fallback: GuardHit[] = [];
  for (const rule of CONTENT_RULES) {
    if (rule.keywords.length > 0 && !rule.keywords.some((k) => found?.has(k))) continue;
    (rule.fallback ? fallback : specific).push(...ruleHits(rule, relPath, text));
  }
  if (fallback.length === 0) return specific;
  // Why: `aws_secret_access_key=...` would also match a generic assignment rule; one hit per line is enough,
  // and among the generic rules the first in the table speaks for the line.
  const taken = new Set(specific.map((h) => h.line));
  const kept = fallback.filter((h) => !taken.has(h.line) && (taken.add(h.line), true));
  return [...specific, ...kept];
}

function ruleHits(rule: ContentRule, relPath: string, text: string): GuardHit[] {
  const hits: GuardHit[] = [];
  let from = 0;
  if (rule.gate) {
    const gate = rule.gate.exec(text);
    if (gate === null) return hits;
    // Why the line's start is safe: every match holds a gate match on its own line, so none starts earlier.
    from = text.lastIndexOf('\n', gate.index) + 1;
  }
  let lines: Set<number> | undefined;
  // Why a running count: matches come in order, so each newline between them is counted once.
  let line = 1;
  let counted = 0;
  // Why exec on the rule's own regexp and not matchAll: matchAll clones the regexp for every text, which
  // cost more than the search on small notes. The loop is synchronous and lastIndex is reset in `finally`,
  // so no other scan ever sees it.
  const re = rule.test;
  re.lastIndex = from;
  try {
    for (let match = re.exec(text); match !== null; match = re.exec(text)) {
      if (match[0] === '') re.lastIndex++;
      const secret = match.groups?.['secret'];
      const secretStart = match.indices?.groups?.['secret']?.[0];
      if (secret === undefined || secretStart === undefined) continue;
      if (rule.accept && !rule.accept(secret, { text, end: secretStart + secret.length })) continue;
      line += countNewlines(text, counted, match.index);
      counted = match.index;
      if (lines?.has(line)) continue;
      (lines ??= new Set()).add(line);
      hits.push({
        path: relPath,
        rule: rule.id,
        kind: 'content',
        description: rule.description,
        line,
        preview: preview(text.slice(match.index, secretStart)),
      });
    }
  } finally {
    re.lastIndex = 0;
  }
  return hits;
}

export function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** The text before the secret (prefix or key name), on one line and cut short, then the redaction mark. */
function preview(before: string): string {
  const flat = before.replace(/\s+/g, ' ').trim();
  const cut = flat.length > PREVIEW_MAX ? `…${flat.slice(-PREVIEW_MAX)}` : flat;
  return `${cut}${REDACTED}`;
}
