import type { SimpleGit } from 'simple-git';
import { isStatePath } from '../../core/sync/paths.js';

/** One entry of `git status --porcelain=v1 -z`: the index (x) and work-tree (y) state of a path. */
export interface StatusEntry {
  path: string;
  x: string;
  y: string;
}

export async function readStatus(git: SimpleGit): Promise<StatusEntry[]> {
  const raw = await git.raw([
    'status',
    '--porcelain=v1',
    '-z',
    '--untracked-files=all',
    '--ignored=traditional',
    '--no-renames',
  ]);
  const out: StatusEntry[] = [];
  for (const item of raw.split('\0')) {
    if (item.length < 4) continue;
    out.push({ x: item[0] as string, y: item[1] as string, path: item.slice(3) });
  }
  return out;
}

export const isIgnored = (e: StatusEntry) => e.x === '!';

/** Runs `git <args> -- <paths>` in chunks, so a sync of thousands of files never exceeds the argument limit. */
export async function withPaths(git: SimpleGit, args: string[], paths: readonly string[]): Promise<void> {
  for (let i = 0; i < paths.length; i += 500) await git.raw([...args, '--', ...paths.slice(i, i + 500)]);
}

/**
 * Commits this role's changes: the changed vault-state paths, named one by one (never `git add -A` of the
 * whole tree). Ignored files never appear here, so nothing the vault's .gitignore blocks can be staged, and
 * anything else a person staged by hand outside the vault state is unstaged first.
 * Returns the committed paths.
 */
export async function commitOwnChanges(git: SimpleGit, status: StatusEntry[], message: string): Promise<string[]> {
  const strays = status.filter((e) => !isIgnored(e) && e.x !== '?' && e.x !== ' ' && !isStatePath(e.path));
  if (strays.length > 0)
    await withPaths(
      git,
      ['reset', '-q'],
      strays.map((e) => e.path),
    );
  const paths = status.filter((e) => !isIgnored(e) && isStatePath(e.path)).map((e) => e.path);
  if (paths.length === 0) return [];
  await withPaths(git, ['add', '-A'], paths);
  try {
    await git.raw(['commit', '--no-verify', '-q', '-m', message]);
  } catch (err) {
    // Listed as changed but identical once staged (a file rewritten with the same text): nothing to commit.
    if (/nothing to commit|no changes added/i.test(String((err as Error).message))) return [];
    throw err;
  }
  return paths;
}
