// Cheap tests that tell a random secret from prose, placeholders and code (used by rules.ts).

/** Shannon entropy in bits per character: random keys score high, words and repeated characters low. */
export function shannonEntropy(text: string): number {
  if (text.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** How many of lower, upper, digit and other characters appear. */
export function charClasses(text: string): number {
  return (
    Number(/[a-z]/.test(text)) +
    Number(/[A-Z]/.test(text)) +
    Number(/[0-9]/.test(text)) +
    Number(/[^A-Za-z0-9]/.test(text))
  );
}

const PLACEHOLDER =
  /^(?:x+|\*+|\.+|-+|_+|0+|none|null|nil|undefined|empty|todo|tbd|changeme|change[_-]?me|password|passwd|pass|secret|redacted|\[redacted\]|example|sample|dummy|placeholder|your[_-].*|<.*>|\{.*\}|\$.*|%.*%|.*\bexample\b.*|.*_here)$/i;

/** True for values people write where a secret would go: `changeme`, `<your key>`, `${ODOO_API_KEY}`. */
export function looksLikePlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value) || value.includes('${') || value.includes('process.env') || /^(.)\1*$/.test(value);
}

/**
 * A member chain or a call (`e.MCP_AUTH_TOKEN,`, `process.env.KEY`, `z.string().min(16`): code that reads
 * a secret, not one. Members after the first dot must be plain words, so a random value that merely holds
 * a dot (`Xk9.fj3Lm2...`) still counts as a secret.
 */
const MEMBER_CHAIN = /^[A-Za-z_$][\w$]*(?:\??\.[A-Za-z_$]+)+[,;)\]]*$/;
const CALL = /^[A-Za-z_$][\w$.]*\(/;

export function looksLikeCode(value: string): boolean {
  return MEMBER_CHAIN.test(value) || CALL.test(value);
}
