import { mkdir, readFile, realpath, stat, writeFile } from 'node:fs/promises';
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
  await ensureByteExact(gitDir);
  return gitDir;
}

const BYTE_EXACT = '# ai-employee: vault files move byte for byte (hashes depend on bytes)\n* -text\n';

/**
 * Turns off git's line-ending conversion for every vault file. Why: Git for Windows installs with
 * `core.autocrlf=true`, which checks files out with CRLF and commits CRLF as LF, so the two machines would
 * hold different bytes under one name, and an approval's hash or an audit line would no longer match. Why
 * `.git/info/attributes` and not a `.gitattributes` in the vault: it is this machine's own setting, never
 * synced, so the other machine cannot change it (the sync door refuses `.gitattributes` for that reason).
 */
async function ensureByteExact(gitDir: string): Promise<void> {
  const file = path.join(gitDir, 'info', 'attributes');
  const current = await readFile(file, 'utf8').catch(() => '');
  if (current.includes(BYTE_EXACT)) return;
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, current === '' ? BYTE_EXACT : `${current.replace(/\n?$/, '\n')}${BYTE_EXACT}`);
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
