import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { SimpleGit } from 'simple-git';
import { AppError } from '../../core/errors.js';
import { BRANCH_REF } from './integrate.js';

/**
 * Makes the vault a git work tree of its own with `origin` set, on branch main. Why check the top level:
 * a vault inside another repository (the project's own checkout) must get its own .git, or the sync would
 * commit into the wrong repository.
 */
export async function ensureGitDir(git: SimpleGit, root: string): Promise<string> {
  const gitDir = path.join(root, '.git');
  const info = await stat(gitDir).catch(() => undefined);
  if (!info) await git.raw(['init', '-q', '-b', 'main']);
  else if (!info.isDirectory())
    throw new AppError(
      'invalid_input',
      `${gitDir} is not a folder (a linked work tree?); give the vault its own clone.`,
    );
  const top = (await git.raw(['rev-parse', '--show-toplevel'])).trim();
  if ((await realpath(top)) !== root)
    throw new AppError('internal', `git sees ${top} as the top of the vault's repository, not ${root}.`);
  return gitDir;
}

export async function ensureRemote(git: SimpleGit, remote: string | undefined): Promise<void> {
  const current = (await git.raw(['remote', 'get-url', 'origin']).catch(() => '')).trim();
  if (current === '' && remote === undefined) {
    throw new AppError(
      'invalid_input',
      'The vault has no git remote: set VAULT_REMOTE to the shared repository (for example git@host:owner/vault.git).',
      { kind: 'config' },
    );
  }
  if (current === '') await git.raw(['remote', 'add', 'origin', remote as string]);
  else if (remote !== undefined && current !== remote) await git.raw(['remote', 'set-url', 'origin', remote]);
}

/** Refuses to run on another branch or a detached HEAD: the sync only ever moves main. */
export async function ensureOnMain(git: SimpleGit): Promise<void> {
  const ref = (await git.raw(['symbolic-ref', '-q', 'HEAD']).catch(() => '')).trim();
  if (ref !== BRANCH_REF) {
    throw new AppError(
      'conflict',
      `The vault's git work tree is on ${ref || 'a detached HEAD'}, not main; run "git -C <vault> switch main" and sync again.`,
      { kind: 'branch' },
    );
  }
}
