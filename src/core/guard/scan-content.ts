import { contentHits } from './content.js';
import { compileGlobs } from './glob.js';
import { pathNameHits } from './names.js';
import type { GuardHit } from './types.js';

/**
 * Checks one file held in memory (a staged blob before a commit): its path by name, then its text by
 * content. `relPath` is relative to the vault root. Like scanPaths, a name hit is the whole answer.
 * Returns no hits when the file may be committed.
 */
export function scanContent(
  relPath: string,
  text: string,
  options: { extraBlockedNames?: readonly string[] } = {},
): GuardHit[] {
  const rel = relPath.split('\\').join('/').replace(/^\.\//, '');
  const names = pathNameHits(rel, compileGlobs(options.extraBlockedNames ?? []));
  if (names.length > 0) return names;
  return contentHits(rel, text);
}
