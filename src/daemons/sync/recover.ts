import { readdir, readFile, readlink, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { SimpleGit } from 'simple-git';
import { AppError } from '../../core/errors.js';

/**
 * Puts a vault's git state in order before (and after) a sync: a rebase or merge left half done is aborted,
 * and a stale `index.lock` is removed. Why abort and not continue: a half-done rebase was started by a
 * person or a crashed process; the sync's own integration never uses `git rebase`, and finishing someone
 * else's rebase could commit a conflict marker. Aborting returns to the last commit; nothing committed is lost.
 */
export interface RepairReport {
  abortedRebase: boolean;
  abortedMerge: boolean;
  removedIndexLock: boolean;
}

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

export async function repairRepo(
  git: SimpleGit,
  gitDir: string,
  options: { indexLockStaleMs: number; now?: number },
): Promise<RepairReport> {
  const report: RepairReport = { abortedRebase: false, abortedMerge: false, removedIndexLock: false };
  const lock = path.join(gitDir, 'index.lock');
  const lockInfo = await stat(lock).catch(() => undefined);
  if (lockInfo) {
    const age = (options.now ?? Date.now()) - lockInfo.mtimeMs;
    const worktree = path.dirname(gitDir);
    if (age < options.indexLockStaleMs || (await gitRunningIn(worktree))) {
      throw new AppError(
        'conflict',
        `${lock} exists and may belong to a running git command; the sync waits. If no git runs, delete the file.`,
      );
    }
    await unlink(lock).catch(() => undefined);
    report.removedIndexLock = true;
  }
  if ((await exists(path.join(gitDir, 'rebase-merge'))) || (await exists(path.join(gitDir, 'rebase-apply')))) {
    await git.raw(['rebase', '--abort']).catch(async () => {
      // A rebase whose state is too broken to abort: drop the state; the branch still points at its last commit.
      await rm(path.join(gitDir, 'rebase-merge'), { recursive: true, force: true });
      await rm(path.join(gitDir, 'rebase-apply'), { recursive: true, force: true });
    });
    report.abortedRebase = true;
  }
  if (await exists(path.join(gitDir, 'MERGE_HEAD'))) {
    await git.raw(['merge', '--abort']).catch(() => undefined);
    report.abortedMerge = true;
  }
  return report;
}

/** True when a git process runs with its working folder inside `worktree` (Linux /proc; elsewhere assume yes). */
export async function gitRunningIn(worktree: string): Promise<boolean> {
  let pids: string[];
  try {
    pids = (await readdir('/proc')).filter((n) => /^\d+$/.test(n));
  } catch {
    return true;
  }
  for (const pid of pids) {
    try {
      const comm = (await readFile(`/proc/${pid}/comm`, 'utf8')).trim();
      if (comm !== 'git') continue;
      const cwd = await readlink(`/proc/${pid}/cwd`);
      if (cwd === worktree || cwd.startsWith(`${worktree}${path.sep}`)) return true;
    } catch {
      // gone, or not ours to read
    }
  }
  return false;
}
