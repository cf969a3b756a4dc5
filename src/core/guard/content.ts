import { CONTENT_RULES } from './rules.js';
import type { ContentRule, GuardHit } from './types.js';

/** How much text before a secret a preview may show (a key name or a known prefix, never the value). */
const PREVIEW_MAX = 40;
const REDACTED = '…(redacted)';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/**
 * Every rule keyword in one regexp, longest first, restarted one character after each match.
 * Why one regexp: 40-odd `includes` per file cost more than reading the file; one pass over the lower-cased
 * text finds them all. Why restart at the next character: keywords overlap (`sk-`, `sk-ant-`), and
 * stepping over a whole match could hide a keyword that starts inside it.
 */
const KEYWORDS = [...new Set(CONTENT_RULES.flatMap((r) => r.keywords))].sort((a, b) => b.length - a.length);
const KEYWORD_SCAN = new RegExp(KEYWORDS.map(escape).join('|'), 'g');
/** For a keyword found at a position, every keyword that is a prefix of it is there too. */
const PREFIXES = new Map(KEYWORDS.map((k) => [k, KEYWORDS.filter((p) => k.startsWith(p))]));
/** Rules without keywords run on every text (their regexp starts with a rare literal). */
const ALWAYS = CONTENT_RULES.filter((r) => r.keywords.length === 0);

function keywordsIn(lower: string): Set<string> | undefined {
  let found: Set<string> | undefined;
  KEYWORD_SCAN.lastIndex = 0;
  for (let m = KEYWORD_SCAN.exec(lower); m !== null; m = KEYWORD_SCAN.exec(lower)) {
    found ??= new Set();
    for (const k of PREFIXES.get(m[0]) ?? []) found.add(k);
    KEYWORD_SCAN.lastIndex = m.index + 1;
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
  const lines = new Set<number>();
  // Why a running count: matches come in order, so each newline between them is counted once.
  let line = 1;
  let counted = 0;
  for (const match of text.matchAll(rule.test)) {
    const secret = match.groups?.['secret'];
    const secretStart = match.indices?.groups?.['secret']?.[0];
    if (secret === undefined || secretStart === undefined) continue;
    if (rule.accept && !rule.accept(secret, { text, end: secretStart + secret.length })) continue;
    line += countNewlines(text, counted, match.index);
    counted = match.index;
    if (lines.has(line)) continue;
    lines.add(line);
    hits.push({
      path: relPath,
      rule: rule.id,
      kind: 'content',
      description: rule.description,
      line,
      preview: preview(text.slice(match.index, secretStart)),
    });
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
