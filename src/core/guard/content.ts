import { CONTENT_RULES } from './rules.js';
import type { ContentRule, GuardHit } from './types.js';

/** How much text before a secret a preview may show (a key name or a known prefix, never the value). */
const PREVIEW_MAX = 40;
const REDACTED = '…(redacted)';

/** Content hits in `text`, one per rule and line. The matched secret itself never leaves this function. */
export function contentHits(relPath: string, text: string): GuardHit[] {
  // Why lower-case once: every rule's keyword pre-filter then costs one substring search, not a regexp run.
  const lower = text.toLowerCase();
  const specific: GuardHit[] = [];
  const fallback: GuardHit[] = [];
  for (const rule of CONTENT_RULES) {
    if (!rule.keywords.some((k) => lower.includes(k))) continue;
    (rule.fallback ? fallback : specific).push(...ruleHits(rule, relPath, text));
  }
  if (fallback.length === 0) return specific;
  // Why: `aws_secret_access_key=...` would also match the generic assignment rule; one hit per line is enough.
  const taken = new Set(specific.map((h) => h.line));
  return [...specific, ...fallback.filter((h) => !taken.has(h.line))];
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
    if (rule.accept && !rule.accept(secret)) continue;
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

function countNewlines(text: string, from: number, to: number): number {
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
