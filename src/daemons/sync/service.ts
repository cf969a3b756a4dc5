import path from 'node:path';
import { GitError, type SimpleGit } from 'simple-git';
import { formatGuardHit, scanPaths, type GuardReport } from '../../core/guard/index.js';
import { AppError, toAppError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { acceptsIncoming } from '../../core/sync/door.js';
import { restoreVaultFolders } from '../../core/vault/init.js';
import { ownerEvidenceIn, sightApproval } from '../../core/vault/owner-evidence.js';
import type { SyncResult, VaultSync } from '../../core/sync/types.js';
import type { Vault } from '../../core/vault/vault.js';
import { runGuard } from '../guard-run.js';
import { gitFor } from './git.js';
import {
  fetchRemote,
  integrate,
  joinRemote,
  push,
  revOf,
  type IntegrateDeps,
  type RefusedCommit,
} from './integrate.js';
import { acquireSyncLock } from './lock.js';
import { repairRepo } from './recover.js';
import { failureMarkdown, lostClaimMarkdown, refusedMarkdown } from './report.js';
import { ensureGitDir, ensureOnMain, ensureRemote } from './repo.js';
import { readSyncState, writeSyncState } from './state.js';
import { commitOwnChanges, readStatus, type StatusEntry } from './worktree.js';

export interface GitSyncOptions {
  vault: Vault;
  /** Outside the vault: the sync's state for `status`, and the guard's last result. */
  stateDir: string;
  /** VAULT_REMOTE; when unset, the vault's existing `origin` is used. */
  remote?: string;
  logger: Logger;
  /** How often a sync scans the whole vault instead of only the changed and ignored files. Default 15 min. */
  fullGuardEveryMs?: number;
  /** A sync lock older than this is taken over even if its process seems alive. Default 15 min. */
  lockStaleMs?: number;
  /** An `index.lock` older than this, with no git process running in the vault, is removed. Default 10 min. */
  indexLockStaleMs?: number;
  /** Pushes retried when the remote moved meanwhile. Default 4. */
  maxPushAttempts?: number;
  now?: () => Date;
}

interface Collected {
  refused: RefusedCommit[];
  conflicts: string[];
  lostClaims: Array<{ task: string; queuePath: string; dropped: string[] }>;
  received: number;
}

/**
 * `ai-employee sync` (DESIGN §6): guard, commit this role's changes, fetch, integrate onto origin/main,
 * push. One run at a time per vault: within this process the same run is shared, across processes a lock
 * file in .git/ decides. Every outcome is recorded in the state dir; every distinct failure is announced
 * once in Updates/. A run never throws: the result says what happened and what to do.
 */
export class GitSyncService implements VaultSync {
  private inFlight: Promise<SyncResult> | undefined;
  private lastFullGuardAt = Number.NEGATIVE_INFINITY;
  /** Set once the repository's layout and remote were checked; later runs only re-check the branch. */
  private checkedGitDir: string | undefined;
  private joined = false;
  private readonly git: SimpleGit;
  private readonly log: Logger;

  constructor(private readonly options: GitSyncOptions) {
    this.git = gitFor(options.vault.root, options.vault.role);
    this.log = options.logger.child({ component: 'git-sync' });
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  syncOnce(): Promise<SyncResult> {
    this.inFlight ??= this.run().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async run(): Promise<SyncResult> {
    const root = this.options.vault.root;
    let gitDir: string;
    let lock;
    try {
      gitDir = this.checkedGitDir ?? (await ensureGitDir(this.git, root));
      lock = await acquireSyncLock(path.join(gitDir, 'ai-employee-sync.lock'), {
        staleMs: this.options.lockStaleMs ?? 15 * 60_000,
      });
    } catch (err) {
      const error = toAppError(err);
      if (error.code === 'conflict') return { ...emptyResult('busy'), message: error.message };
      return this.recordFailure(asAppError(err));
    }
    try {
      return await this.runLocked(gitDir);
    } catch (err) {
      // Never leave the work tree mid-rebase or mid-merge, whatever failed.
      await repairRepo(this.git, gitDir, { indexLockStaleMs: Number.POSITIVE_INFINITY }).catch(() => undefined);
      return this.recordFailure(asAppError(err));
    } finally {
      await lock.release();
    }
  }

  private async runLocked(gitDir: string): Promise<SyncResult> {
    const { vault } = this.options;
    const repaired = await repairRepo(this.git, gitDir, { indexLockStaleMs: this.options.indexLockStaleMs ?? 600_000 });
    if (repaired.abortedRebase || repaired.abortedMerge || repaired.removedIndexLock)
      this.log.warn(repaired, 'repaired the vault repository before syncing');
    if (this.checkedGitDir === undefined) {
      await ensureRemote(this.git, this.options.remote);
      this.checkedGitDir = gitDir;
    }
    await ensureOnMain(this.git);
    let remote = await fetchRemote(this.git);
    const deps: IntegrateDeps = {
      git: this.git,
      root: vault.root,
      gitDir,
      role: vault.role,
      accepts: (change) => acceptsIncoming(vault.policy, change),
      peerClaims: (queue) => vault.policy.peerClaims(queue),
      sightPending: vault.policy.has('approval.execute')
        ? (name, text) => sightApproval(ownerEvidenceIn(this.options.stateDir), name, text, this.now())
        : undefined,
      now: () => this.now(),
    };
    const collected: Collected = { refused: [], conflicts: [], lostClaims: [], received: 0 };
    // A vault with no commit yet joins the remote, through the same door; once main has a commit, never again.
    if (!this.joined) {
      this.joined = (await revOf(this.git, 'HEAD')) !== undefined;
      if (!this.joined && remote !== undefined) {
        const joined = await joinRemote(deps, remote);
        collected.refused.push(...joined.refusedCommits);
        collected.received += joined.plan.accepted;
        this.joined = true;
      }
    }

    const status = await readStatus(this.git);
    const blocked = await this.guard(status);
    if (blocked) return this.recordBlocked(blocked);
    const committed = await commitOwnChanges(this.git, status, `sync(${vault.role}): commit local changes`);

    const attempts = this.options.maxPushAttempts ?? 4;
    for (let attempt = 1; ; attempt++) {
      const outcome = await integrate(deps, remote);
      collected.refused.push(...outcome.refusedCommits);
      collected.conflicts.push(...outcome.conflictFiles);
      collected.received += outcome.plan.accepted;
      for (const c of outcome.plan.claimConflicts)
        collected.lostClaims.push({ task: c.taskId, queuePath: c.queuePath, dropped: c.dropped });
      if (outcome.head === '' || outcome.head === remote)
        return this.recordSuccess(committed, collected, false, remote);
      if ((await push(this.git, outcome.head)) === 'pushed')
        return this.recordSuccess(committed, collected, true, outcome.head);
      if (attempt >= attempts) {
        throw new AppError(
          'conflict',
          `The remote moved ${attempts} times while this sync ran (another machine is pushing); the next sync tries again.`,
          { kind: 'remote-moving' },
        );
      }
      remote = await fetchRemote(this.git);
    }
  }

  /**
   * The guard before every commit (DESIGN §6). Each run scans the files git reports as changed, untracked
   * or ignored (the only ones that could reach the remote, plus secrets lying in the vault); the whole vault
   * is scanned at the first run of a process and then every `fullGuardEveryMs`. A hit raises one alert.
   */
  private async guard(status: StatusEntry[]): Promise<GuardReport | undefined> {
    const { vault, stateDir } = this.options;
    const nowMs = this.now().getTime();
    if (nowMs - this.lastFullGuardAt >= (this.options.fullGuardEveryMs ?? 15 * 60_000)) {
      const { report } = await runGuard({ target: vault.root, stateDir, vault, now: this.now() });
      if (report.ok) this.lastFullGuardAt = nowMs;
      return report.ok ? undefined : report;
    }
    const files = status.map((e) => e.path.replace(/\/$/, ''));
    if (files.length === 0) return undefined;
    const quick = await scanPaths(vault.root, { files, extraBlockedNames: vault.policy.guardBlockedNames });
    if (quick.ok) return undefined;
    // Raise the alert (once per distinct set of hits) from a full scan, which also records it for `status`.
    const { report } = await runGuard({ target: vault.root, stateDir, vault, now: this.now() });
    return report.ok ? quick : report;
  }

  private async recordBlocked(report: GuardReport): Promise<SyncResult> {
    const first = report.hits[0];
    const message = `The security guard blocked the sync: ${report.hits.length} hit(s)${first ? `, first ${formatGuardHit(first)}` : ''}. Nothing was committed or pushed.`;
    const whatToDo =
      'Remove each file named in the alert in Updates/ (or move its secret out of the vault), run `ai-employee guard`, and the sync resumes.';
    const state = await readSyncState(this.options.stateDir);
    await writeSyncState(this.options.stateDir, {
      ...state,
      last_attempt_at: this.now().toISOString(),
      result: 'blocked',
      message,
      what_to_do: whatToDo,
      totals: { ...state.totals, syncs: state.totals.syncs + 1, failures: state.totals.failures + 1 },
    });
    this.log.warn({ hits: report.hits.length }, 'sync blocked by the security guard');
    return { ...emptyResult('blocked'), message: `${message} ${whatToDo}` };
  }

  private async recordSuccess(
    committed: string[],
    collected: Collected,
    pushed: boolean,
    head: string | undefined,
  ): Promise<SyncResult> {
    const { vault, stateDir } = this.options;
    await restoreVaultFolders(vault.root);
    const state = await readSyncState(stateDir);
    const known = new Set(state.refused_commits);
    const fresh = collected.refused.filter((c) => !known.has(c.commit));
    const canPost = vault.policy.has('vault.update');
    // Why after the push: these notes are this side's own new files; the next sync carries them.
    if (fresh.length > 0 && canPost) {
      await vault.postUpdate({
        title: `Sync refused ${fresh.length} incoming commit(s) from the other machine`,
        body: refusedMarkdown(vault.role, fresh),
        level: 'alert',
        source: 'git-sync',
      });
    }
    if (canPost)
      for (const lost of collected.lostClaims) {
        await vault.postUpdate({
          title: `Claim conflict: dropped our claim of ${lost.queuePath.split('/').pop() ?? lost.queuePath}`,
          body: lostClaimMarkdown(vault.role, lost.task, lost.queuePath, lost.dropped),
          level: 'info',
          source: 'git-sync',
        });
      }
    const parts = [
      `committed ${committed.length}`,
      `received ${collected.received}`,
      pushed ? 'pushed' : 'nothing to push',
    ];
    if (collected.refused.length) parts.push(`refused ${collected.refused.length} incoming commit(s)`);
    if (collected.conflicts.length) parts.push(`${collected.conflicts.length} conflict(s) left in Needs_Action/local/`);
    if (collected.lostClaims.length) parts.push(`lost ${collected.lostClaims.length} claim(s)`);
    const message = `Synced: ${parts.join(', ')}.`;
    await writeSyncState(stateDir, {
      ...state,
      last_attempt_at: this.now().toISOString(),
      last_success_at: this.now().toISOString(),
      result: 'ok',
      message,
      what_to_do: undefined,
      head,
      announced_failure: undefined,
      refused_commits: [...state.refused_commits, ...fresh.map((c) => c.commit)],
      totals: {
        syncs: state.totals.syncs + 1,
        failures: state.totals.failures,
        refused_commits: state.totals.refused_commits + fresh.length,
        conflicts: state.totals.conflicts + collected.conflicts.length,
        lost_claims: state.totals.lost_claims + collected.lostClaims.length,
      },
    });
    this.log.info({ committed: committed.length, received: collected.received, pushed }, 'vault synced');
    return {
      status: 'ok',
      committed: committed.length,
      received: collected.received,
      pushed,
      refused: collected.refused.map(({ commit, author, subject, paths }) => ({ commit, author, subject, paths })),
      conflicts: collected.conflicts,
      lostClaims: collected.lostClaims.map(({ task, dropped }) => ({ task, dropped })),
      message,
      head,
    };
  }

  private async recordFailure(error: AppError): Promise<SyncResult> {
    const { vault, stateDir } = this.options;
    const whatToDo = whatToDoFor(error);
    const at = this.now().toISOString();
    const fingerprint = `${error.code}:${String(error.details?.['kind'] ?? '')}:${error.message.replace(/[0-9a-f]{7,}|\d+/g, '#')}`;
    try {
      await restoreVaultFolders(vault.root);
      const state = await readSyncState(stateDir);
      let announced = state.announced_failure;
      if (announced !== fingerprint && vault.policy.has('vault.update')) {
        await vault.postUpdate({
          title: 'Vault sync failed',
          body: failureMarkdown(error.message, whatToDo, at),
          level: 'alert',
          source: 'git-sync',
        });
        announced = fingerprint;
      }
      await writeSyncState(stateDir, {
        ...state,
        last_attempt_at: at,
        result: 'failed',
        message: error.message,
        what_to_do: whatToDo,
        announced_failure: announced,
        totals: { ...state.totals, syncs: state.totals.syncs + 1, failures: state.totals.failures + 1 },
      });
    } catch (err) {
      this.log.error({ err }, 'could not record the sync failure');
    }
    this.log.warn({ code: error.code, err: error.message }, 'vault sync failed');
    return { ...emptyResult('failed'), message: `${error.message} ${whatToDo}` };
  }
}

/** A git command that failed unexpectedly keeps git's own first line: it is what a human needs to see. */
function asAppError(err: unknown): AppError {
  if (err instanceof GitError && !(err instanceof AppError)) {
    const line = err.message.split('\n').find((l) => l.trim() !== '') ?? 'git failed';
    return new AppError('internal', `A git command failed in the vault: ${line.trim().slice(0, 240)}.`, {
      kind: 'git',
    });
  }
  return toAppError(err);
}

function whatToDoFor(error: AppError): string {
  switch (error.details?.['kind']) {
    case 'remote':
      return 'Check the network and the credentials for VAULT_REMOTE; the sync retries on its own.';
    case 'busy-worktree':
      return 'Nothing to do: the next sync takes the new edit in.';
    case 'config':
    case 'branch':
    case 'unrelated':
      return 'Follow the message above, then run `ai-employee sync --once`.';
    default:
      return error.code === 'internal'
        ? 'Run `ai-employee sync --once` with LOG_LEVEL=debug and read the log; the daemon keeps retrying meanwhile.'
        : 'Follow the message above; the daemon keeps retrying meanwhile.';
  }
}

function emptyResult(status: SyncResult['status']): SyncResult {
  return { status, committed: 0, received: 0, pushed: false, refused: [], conflicts: [], lostClaims: [], message: '' };
}
