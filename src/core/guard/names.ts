import type { NameGlob } from './glob.js';
import { NAME_RULES, POLICY_NAME_RULE_ID } from './rules.js';
import type { GuardHit } from './types.js';

/**
 * Name hits for one path segment (`name` is its base name). `hitPath` is what the report shows: the
 * segment itself in a tree walk, or the listed file when the segment is one of its parent folders.
 */
export function nameHits(hitPath: string, name: string, isDir: boolean, globs: readonly NameGlob[]): GuardHit[] {
  const lower = name.toLowerCase();
  const hits: GuardHit[] = [];
  for (const rule of NAME_RULES) {
    if (rule.test(lower, isDir))
      hits.push({ path: hitPath, rule: rule.id, kind: 'name', description: rule.description });
  }
  for (const glob of globs) {
    if (glob.matches(name)) {
      hits.push({
        path: hitPath,
        rule: POLICY_NAME_RULE_ID,
        kind: 'name',
        description: `name matches the role policy's blocked pattern "${glob.pattern}"`,
      });
    }
  }
  return hits;
}

/**
 * Name hits for a relative path checked on its own (a listed or staged file): every folder segment is
 * checked as a folder and the last one as a file, so `foo_session/Cookies` is caught by its folder.
 */
export function pathNameHits(relPath: string, globs: readonly NameGlob[], lastIsDir = false): GuardHit[] {
  const segments = relPath.split('/').filter((s) => s !== '');
  const hits: GuardHit[] = [];
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    hits.push(...nameHits(relPath, segment, last ? lastIsDir : true, globs));
  });
  return hits;
}
