/**
 * A tiny glob matcher for the policy's extra blocked names: `*` is any run of characters, `?` is one
 * character, everything else is literal. Matching ignores case, like the built-in name rules.
 * Why no dependency: the patterns are short, trusted data from policies/<role>.json.
 */
export interface NameGlob {
  readonly pattern: string;
  readonly matches: (name: string) => boolean;
}

export function compileGlob(pattern: string): NameGlob {
  // Why: a trailing slash (`*_session/`) is how people write "a folder"; a name glob matches either way.
  const body = pattern.endsWith('/') ? pattern.slice(0, -1) : pattern;
  let source = '';
  for (const ch of body) {
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else source += ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
  }
  const re = new RegExp(`^${source}$`, 'is');
  return { pattern, matches: (name) => re.test(name) };
}

export function compileGlobs(patterns: readonly string[]): NameGlob[] {
  return patterns.filter((p) => p.trim() !== '').map((p) => compileGlob(p.trim()));
}
