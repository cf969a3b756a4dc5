import { randomBytes } from 'node:crypto';
import { copyFile, lstat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SimpleGit } from 'simple-git';
import { AppError } from '../../core/errors.js';
import type { Role } from '../../core/roles.js';
import { parseRawDiff, sameBlob, type BlobRef, type ChangeSet, type PathChange } from '../../core/sync/changes.js';
import { baseName } from '../../core/sync/paths.js';
import { conflictFile } from '../../core/sync/conflict-file.js';
import { planIntegration, type IntegrationPlan } from '../../core/sync/plan.js';
import { gitFor } from './git.js';
import { withPaths } from './worktree.js';

export const REMOTE_REF = 'refs/remotes/origin/main';
export const BRANCH_REF = 'refs/heads/main';

export interface RefusedCommit {
  commit: string;
  author: string;
  subject: string;
  paths: string[];
}

export interface IntegrationOutcome {
  plan: IntegrationPlan;
  refusedCommits: RefusedCommit[];
  conflictFiles: string[];
  head: string;
  pushed: boolean;
}

export interface IntegrateDeps {
  git: SimpleGit;
  root: string;
  gitDir: string;
  role: Role;
  /** The one door (core/sync/door.ts): whether an incoming change may enter this work tree. */
  accepts: (change: PathChange) => boolean;
  peerClaims: (queue: string) => boolean;
  /** Called with each incoming approval request the sync is about to write into Pending_Approval/. */
  sightPending?: (name: string, text: string) => Promise<void>;
  now: () => Date;
}

export const revOf = async (git: SimpleGit, ref: string): Promise<string | undefined> =>
  (await git.raw(['rev-parse', '-q', '--verify', `${ref}^{commit}`]).catch(() => '')).trim() || undefined;

export async function fetchRemote(git: SimpleGit): Promise<string | undefined> {
  try {
    await git.raw(['fetch', '--no-tags', '--quiet', 'origin', `+${BRANCH_REF}:${REMOTE_REF}`]);
  } catch (err) {
    const text = String((err as Error).message);
    // An empty remote has no main yet: the first push creates it.
    if (!/couldn't find remote ref|could not find remote ref/i.test(text)) throw upstream('fetch from', text);
  }
  return revOf(git, REMOTE_REF);
}

function upstream(what: string, text: string): AppError {
  const line = text.split('\n').find((l) => /fatal|error|rejected|denied/i.test(l)) ?? text.split('\n')[0] ?? '';
  return new AppError(
    'upstream',
    `Could not ${what} the vault remote (${line.trim().slice(0, 200)}). Check the network and the credentials for VAULT_REMOTE (ssh key or credential helper in the environment); the sync retries on its own.`,
    { kind: 'remote' },
  );
}

const diff = async (git: SimpleGit, a: string, b: string) =>
  parseRawDiff(await git.raw(['diff-tree', '-r', '-z', '--no-renames', '--no-commit-id', a, b]));

/**
 * Brings HEAD in step with the fetched remote, then pushes. The result is always a fast-forward of the
 * remote: either the remote itself, or one commit on top of it (authored by this role) whose tree is the
 * remote's plus the plan's overrides. Why not `git rebase`: a rebase checks the incoming files out into the
 * work tree while it replays (the executor watches Approved/), stops at every conflict, and has no way to
 * say "this incoming path is refused". Here the tree is built in a scratch index and the work tree is moved
 * once, from our last commit to the result, by `read-tree -m -u`, which refuses to overwrite a file someone
 * changed meanwhile.
 */
export async function integrate(deps: IntegrateDeps, remote: string | undefined): Promise<IntegrationOutcome> {
  const { git } = deps;
  const head = await revOf(git, 'HEAD');
  const empty: IntegrationPlan = { overrides: new Map(), refused: [], conflicts: [], claimConflicts: [], accepted: 0 };
  if (head === undefined) {
    if (remote === undefined) return { plan: empty, refusedCommits: [], conflictFiles: [], head: '', pushed: false };
    throw new AppError('internal', 'The vault has no commit yet although the remote has one; run the sync again.');
  }
  if (remote === undefined) return { plan: empty, refusedCommits: [], conflictFiles: [], head, pushed: false };
  const base = (await git.raw(['merge-base', head, remote]).catch(() => '')).trim();
  if (base === '') {
    throw new AppError(
      'conflict',
      'This vault and the remote have unrelated histories (the vault was started separately). Move the vault aside, clone VAULT_REMOTE in its place, and copy your own files back.',
      { kind: 'unrelated' },
    );
  }
  if (base === remote) return { plan: empty, refusedCommits: [], conflictFiles: [], head, pushed: false };

  const theirs = await diff(git, base, remote);
  const ours = base === head ? new Map<string, PathChange>() : await diff(git, base, head);
  const read = (oid: string) => git.raw(['cat-file', 'blob', oid]);
  const existing = (await git.raw(['ls-tree', '-r', '--name-only', '-z', head])).split('\0').filter(Boolean);
  const plan = await planIntegration({
    ours,
    theirs,
    accepts: deps.accepts,
    peerClaims: deps.peerClaims,
    read,
    existing,
  });

  const conflictFiles: string[] = [];
  for (const c of plan.conflicts) {
    const file = conflictFile({
      conflict: c,
      role: deps.role,
      peer: deps.role === 'local' ? 'cloud' : 'local',
      ours: c.ours ? await read(c.ours.oid) : null,
      theirs: c.theirs ? await read(c.theirs.oid) : null,
      now: deps.now(),
    });
    if (theirs.has(file.rel) || ours.has(file.rel)) continue; // the same conflict, already recorded
    plan.overrides.set(file.rel, { mode: '100644', oid: await writeBlob(deps, file.text) });
    conflictFiles.push(file.rel);
  }

  const refusedCommits = plan.refused.length > 0 ? await refusedCommitsOf(git, base, remote, plan) : [];
  let result = remote;
  if (plan.overrides.size > 0) {
    const tree = await buildTree(deps, ours, theirs, plan.overrides);
    const message = commitMessage(deps.role, ours.size, plan, conflictFiles.length);
    result = (await git.raw(['commit-tree', tree, '-p', remote, '-m', message])).trim();
  }
  await sightIncomingRequests(deps, theirs, plan);
  await moveWorkTree(git, head, result);
  return { plan, refusedCommits, conflictFiles, head: result, pushed: false };
}

/**
 * Records each accepted incoming request in Pending_Approval/ before the work tree shows it (owner-evidence.ts):
 * from the moment the owner can see it, this machine knows it stood there.
 */
async function sightIncomingRequests(deps: IntegrateDeps, theirs: ChangeSet, plan: IntegrationPlan): Promise<void> {
  if (!deps.sightPending) return;
  const refused = new Set(plan.refused.map((r) => r.path));
  for (const change of theirs.values()) {
    if (change.after === null || refused.has(change.path) || !/^Pending_Approval\/[^/]+\.md$/.test(change.path))
      continue;
    await deps.sightPending(baseName(change.path), await deps.git.raw(['cat-file', 'blob', change.after.oid]));
  }
}

/** The tree of a commit with no files: the base of a first join. */
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

/**
 * A vault with no commit yet joins the remote through the same door as every later sync: the remote's whole
 * tree is an incoming change from an empty base, planned path by path, and a refused path is left out of the
 * joined commit, so it is never checked out. Main starts at that commit (the remote plus our refusals, pushed
 * by the caller), and the files of it that are missing here are written; files already here stay as they are
 * (local edits, committed by the normal path): a fresh laptop must never push the deletion of what it lacks.
 */
export async function joinRemote(deps: IntegrateDeps, remote: string): Promise<IntegrationOutcome> {
  const { git } = deps;
  const theirs = await diff(git, EMPTY_TREE, remote);
  const read = (oid: string) => git.raw(['cat-file', 'blob', oid]);
  const plan = await planIntegration({ ours: new Map(), theirs, accepts: deps.accepts, read });
  await keepWhatWeHaveAlready(deps, plan);
  let result = remote;
  if (plan.overrides.size > 0) {
    const indexFile = path.join(deps.gitDir, `ai-employee-index-${randomBytes(6).toString('hex')}`);
    const scratch = gitFor(deps.root, deps.role, { indexFile });
    try {
      // Why not `read-tree <remote>`: the remote may hold paths git refuses to check out (a `.git` folder, `..`);
      // only what the door took is written into the index, the rest never touches it.
      const taken: Array<[string, BlobRef]> = [];
      for (const [rel, change] of theirs)
        if (change.after !== null && !plan.overrides.has(rel)) taken.push([rel, change.after]);
      for (let i = 0; i < taken.length; i += 200) {
        const args = taken.slice(i, i + 200).flatMap(([rel, b]) => ['--cacheinfo', `${b.mode},${b.oid},${rel}`]);
        await scratch.raw(['update-index', '--add', ...args]);
      }
      const tree = (await scratch.raw(['write-tree'])).trim();
      const message = `sync(${deps.role}): joined the remote; refused ${plan.refused.length} incoming path(s)`;
      result = (await git.raw(['commit-tree', tree, '-p', remote, '-m', message])).trim();
    } finally {
      await unlink(indexFile).catch(() => undefined);
    }
  }
  await sightIncomingRequests(deps, theirs, plan);
  await git.raw(['reset', '-q', result]);
  const missing = (await git.raw(['ls-files', '-d', '-z'])).split('\0').filter(Boolean);
  if (missing.length > 0) await withPaths(git, ['checkout', '-q'], missing);
  const refusedCommits = plan.refused.length > 0 ? await refusedCommitsOf(git, undefined, remote, plan) : [];
  return { plan, refusedCommits, conflictFiles: [], head: result, pushed: false };
}

/**
 * At a join, a refused path whose incoming version is byte for byte the file already here (the skeleton both
 * machines' `init` wrote: `.gitkeep`s, the Dashboard template) is not a refusal: taking it changes nothing in
 * the work tree. Dropping those from the refusals keeps a fresh join from raising a false alarm.
 */
async function keepWhatWeHaveAlready(deps: IntegrateDeps, plan: IntegrationPlan): Promise<void> {
  const candidates = plan.refused.filter((r) => r.theirs !== null);
  if (candidates.length === 0) return;
  const here: string[] = [];
  for (const r of candidates) {
    const info = await lstat(path.join(deps.root, r.path)).catch(() => undefined);
    if (info?.isFile()) here.push(r.path);
  }
  if (here.length === 0) return;
  const oids = (await deps.git.raw(['hash-object', '--no-filters', '--', ...here])).trim().split('\n');
  const same = new Set(here.filter((rel, i) => oids[i] === candidates.find((c) => c.path === rel)?.theirs?.oid));
  plan.refused = plan.refused.filter((r) => !same.has(r.path));
  for (const rel of same) plan.overrides.delete(rel);
}

/**
 * The result tree (the remote's, with the overrides applied), built in a scratch index: the real index is
 * untouched. Why start from a copy of our index (which is our commit, HEAD) rather than `read-tree` of the
 * remote: with 20,000 files the copy keeps git's cached stat data and tree hashes, so only the paths that
 * differ from HEAD (ours and theirs, a few hundred at most) are written, and only their folders rehashed.
 */
async function buildTree(
  deps: IntegrateDeps,
  ours: ReadonlyMap<string, PathChange>,
  theirs: ReadonlyMap<string, PathChange>,
  overrides: Map<string, BlobRef | null>,
) {
  const indexFile = path.join(deps.gitDir, `ai-employee-index-${randomBytes(6).toString('hex')}`);
  await copyFile(path.join(deps.gitDir, 'index'), indexFile);
  const scratch = gitFor(deps.root, deps.role, { indexFile });
  try {
    const sets: Array<[string, BlobRef]> = [];
    const removes: string[] = [];
    for (const rel of new Set([...ours.keys(), ...theirs.keys(), ...overrides.keys()])) {
      const o = ours.get(rel);
      const t = theirs.get(rel);
      // What HEAD has at rel, and what the result must have: the override, else the remote's version.
      const inHead = o ? o.after : t ? t.before : undefined;
      const wanted = overrides.has(rel) ? (overrides.get(rel) ?? null) : t ? t.after : o ? o.before : inHead;
      if (wanted === undefined || (inHead !== undefined && sameBlob(inHead, wanted))) continue;
      if (wanted === null) removes.push(rel);
      else sets.push([rel, wanted]);
    }
    // Removals first: a file that became a folder of the same name (or back) is a removal and an addition,
    // and git refuses an index that holds both at once.
    if (removes.length > 0) await withPaths(scratch, ['update-index', '--force-remove'], removes);
    for (let i = 0; i < sets.length; i += 200) {
      const args = sets.slice(i, i + 200).flatMap(([rel, b]) => ['--cacheinfo', `${b.mode},${b.oid},${rel}`]);
      await scratch.raw(['update-index', '--add', ...args]);
    }
    return (await scratch.raw(['write-tree'])).trim();
  } finally {
    await unlink(indexFile).catch(() => undefined);
  }
}

async function writeBlob(deps: IntegrateDeps, text: string): Promise<string> {
  const temp = path.join(deps.gitDir, `ai-employee-blob-${randomBytes(6).toString('hex')}`);
  await writeFile(temp, text);
  try {
    return (await deps.git.raw(['hash-object', '-w', '--no-filters', temp])).trim();
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/**
 * Moves index and work tree from `from` to `to` and points main at `to`. `read-tree -m -u` fails, changing
 * nothing, when a file it must replace was edited since our commit: that edit is kept and the next sync
 * commits it and integrates again.
 */
async function moveWorkTree(git: SimpleGit, from: string, to: string): Promise<void> {
  if (from === to) return;
  try {
    await git.raw(['read-tree', '-m', '-u', from, to]);
  } catch (err) {
    throw new AppError(
      'conflict',
      `A file the sync had to update changed while it ran; nothing was overwritten, and the next sync takes it in (${String(
        (err as Error).message,
      )
        .split('\n')[0]
        ?.slice(0, 160)}).`,
      { kind: 'busy-worktree' },
    );
  }
  await git.raw(['update-ref', '-m', 'ai-employee sync', BRANCH_REF, to, from]);
}

export async function push(git: SimpleGit, head: string): Promise<'pushed' | 'rejected'> {
  try {
    await git.raw(['push', '--no-verify', '--quiet', 'origin', `${head}:${BRANCH_REF}`]);
    return 'pushed';
  } catch (err) {
    const text = String((err as Error).message);
    if (/non-fast-forward|fetch first|rejected|stale info/i.test(text) && !/denied|permission/i.test(text))
      return 'rejected';
    throw upstream('push to', text);
  }
}

function commitMessage(role: Role, own: number, plan: IntegrationPlan, conflicts: number): string {
  const parts = [`sync(${role}): ${own} own change(s) on top of the remote`];
  if (plan.refused.length) parts.push(`refused ${plan.refused.length} incoming path(s)`);
  if (plan.claimConflicts.length) parts.push(`dropped ${plan.claimConflicts.length} losing claim(s)`);
  if (conflicts) parts.push(`${conflicts} conflict(s) kept for the human`);
  return parts.join('; ');
}

/** The incoming commits that touched a refused path, oldest first, with the refused paths of each. */
async function refusedCommitsOf(
  git: SimpleGit,
  base: string | undefined,
  remote: string,
  plan: IntegrationPlan,
): Promise<RefusedCommit[]> {
  const refused = new Set(plan.refused.map((r) => r.path));
  const raw = await git.raw([
    'log',
    '-z',
    '--reverse',
    '--no-renames',
    '--name-only',
    '--format=%x1e%H%x1f%an%x1f%s',
    base === undefined ? remote : `${base}..${remote}`,
  ]);
  const out: RefusedCommit[] = [];
  // Why -z: without it git quotes a name with odd characters, and the refused path would go unnamed.
  for (const record of raw.split('\x1e').slice(1)) {
    const [header = '', ...names] = record.split('\0');
    const [commit = '', author = '', subject = ''] = header.split('\x1f');
    const paths = names.map((l) => l.replace(/^\n/, '')).filter((l) => refused.has(l));
    if (paths.length > 0) out.push({ commit, author, subject, paths });
  }
  return out;
}
