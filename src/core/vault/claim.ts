import { randomBytes } from 'node:crypto';
import { readdir, readFile, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { conflict, invalidInput, notFound, policyDenied, toAppError } from '../errors.js';
import { heldFileError, isBusyError, renameWhenFree, unlinkWhenFree } from './busy.js';
import { absOf, folderAbs, relFolderOf, resolveIn, type VaultContext } from './context.js';
import { createFileDurable, fsyncDir } from './durable.js';
import { parseTaskText } from './frontmatter.js';
import {
  CLAIMING_PREFIX,
  inProgressFolder,
  returnQueueFor,
  roleQueueFolder,
  TEMP_PREFIX,
  VAULT_FOLDERS,
} from './layout.js';
import { normalisedText, decodeUtf8, readTaskText, type Normalised } from './normalise.js';
import { PRIORITIES } from './schemas.js';
import { listFiles } from './reading.js';
import { viewOf, type TaskView } from './task-io.js';
import {
  completeLoaded,
  denyQueue,
  dropIfSameInode,
  failLoaded,
  fileFinishedDrafts,
  notAQueueReason,
  putBack,
  quarantine,
  releaseLoaded,
} from './transitions.js';

/**
 * Claim-by-move (DESIGN §3). The take is one rename(2) of the queue file to a unique hidden name in
 * In_Progress/<role>/: of any number of racing claimers, across processes and roles, exactly one rename
 * succeeds and the rest get ENOENT ("already claimed"). The claimed file is then written under its real name
 * with link(2), which never clobbers, and the hidden name is removed. A crash leaves either the queue file,
 * the hidden file or the claimed file; `recoverClaims` turns the middle state back into one of the others.
 */

export interface ClaimResult extends TaskView {
  attempts: number;
}

export async function claimPath(ctx: VaultContext, input: unknown): Promise<ClaimResult> {
  ctx.policy.require('vault.claim', 'Claiming a task');
  const { rel, abs } = await resolveIn(ctx, input, { mustExist: false });
  const queue = relFolderOf(rel);
  if (!ctx.policy.claimQueues.includes(queue)) denyQueue(ctx, queue);
  const name = path.posix.basename(rel);
  if (!name.toLowerCase().endsWith('.md')) throw invalidInput(`"${rel}" is not a task file (tasks end in .md).`);

  const claimedRel = `${inProgressFolder(ctx.role)}/${name}`;
  ctx.policy.requireWritable(claimedRel, 'Claiming a task');
  const inProgress = await folderAbs(ctx, inProgressFolder(ctx.role));
  const taking = path.join(inProgress, takeName(name, ctx.clock()));
  try {
    await renameWhenFree(abs, taking);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw conflict(`"${rel}" is already claimed (or was moved) by another agent; pick another task.`, { path: rel });
    }
    if (isBusyError(err)) throw heldFileError(rel, err);
    throw err;
  }

  const bytes = await readFile(taking);
  const mtime = (await stat(taking)).mtime;
  const read = await readOrQuarantine(ctx, rel, taking, name, bytes, mtime);
  const text = read.text;
  const type = read.task.type;
  if (!ctx.policy.canClaim(type, queue)) {
    // Why put it back: it is a task for someone else (another role, or a human); do not hide it.
    if (!(await putBack(taking, abs)))
      await quarantine(ctx, taking, name, text, `Could not return ${name} to ${queue}/.`);
    throw policyDenied(notMineReason(ctx, type, queue, read.task.data), { path: rel, type });
  }

  const now = ctx.clock();
  const attempts = Number(read.task.data['attempts'] ?? 0);
  const claimedText = normalisedText(read.task, {
    status: 'in_progress',
    claimed_by: ctx.actor,
    claimed_at: now.toISOString(),
    claimed_from: queue,
    lease_until: new Date(now.getTime() + ctx.lease.minutes * 60_000).toISOString(),
    retry_after: undefined,
  });
  const loaded = parseTaskText(claimedText);
  try {
    await createFileDurable(path.join(inProgress, name), claimedText, { syncDir: false });
  } catch (err) {
    if (toAppError(err).code !== 'conflict') throw err;
    const dest = await quarantine(
      ctx,
      taking,
      name,
      text,
      `A task named ${name} is already claimed in ${inProgressFolder(ctx.role)}/.`,
    );
    throw conflict(
      `A task named ${name} is already in progress; this copy was moved to ${dest} for a human to compare.`,
    );
  }
  await unlinkWhenFree(taking);
  await Promise.all([fsyncDir(inProgress), fsyncDir(path.dirname(abs))]);
  await ctx.audit.record({
    action_type: 'task.claim',
    target: claimedRel,
    parameters: { from: rel, type },
    result: 'ok',
  });
  return { ...viewOf(claimedRel, loaded), attempts };
}

/**
 * Reads a taken file tolerantly (normalise.ts). A file that cannot be read at all (not UTF-8, broken YAML) goes
 * to Failed/ with the reason, and the caller gets an invalid_input that says so; its exact bytes are kept
 * beside it as `<name>.original` when they are not UTF-8 (the Failed/ copy shows them as text as best it can).
 */
async function readOrQuarantine(
  ctx: VaultContext,
  rel: string,
  taking: string,
  name: string,
  bytes: Uint8Array,
  mtime: Date,
): Promise<{ text: string; task: Normalised }> {
  const decoded = decodeUtf8(bytes);
  let reason: string;
  let text: string;
  if (decoded.ok) {
    text = decoded.text;
    const read = readTaskText(text, { fileName: name, mtime, timeZone: ctx.timeZone });
    if (read.ok) return { text, task: read.task };
    reason = read.reason;
  } else {
    text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    reason = decoded.reason;
    const original = await keepOriginalBytes(ctx, name, bytes);
    reason = `${reason} The exact bytes are kept in ${original}.`;
  }
  const dest = await quarantine(ctx, taking, name, text, reason);
  throw invalidInput(`${rel} was moved to ${dest} because it cannot be read: ${reason}`, { moved_to: dest });
}

/** Writes `Failed/<name>.original` (or a stamped name) with the file's exact bytes; never replaces one. */
async function keepOriginalBytes(ctx: VaultContext, name: string, bytes: Uint8Array): Promise<string> {
  const stamp = ctx.clock().toISOString().replace(/[:.]/g, '-');
  for (const candidate of [`${name}.original`, `${name}.${stamp}.original`]) {
    const rel = `Failed/${candidate}`;
    ctx.policy.requireWritable(rel, 'Keeping an unreadable file');
    try {
      await createFileDurable(await absOf(ctx, rel), bytes);
      return rel;
    } catch (err) {
      if (toAppError(err).code !== 'conflict') throw err;
    }
  }
  throw conflict(`Failed/${name}.original exists twice; move them away and claim again.`);
}

/** A queued file, read tolerantly; 'gone' when it was moved away meanwhile. */
export async function readQueued(
  ctx: VaultContext,
  rel: string,
): Promise<'gone' | { ok: true; task: Normalised; text: string } | { ok: false; reason: string }> {
  let bytes: Buffer;
  let mtime: Date;
  try {
    const abs = await absOf(ctx, rel);
    [bytes, mtime] = await Promise.all([readFile(abs), stat(abs).then((s) => s.mtime)]);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw err;
  }
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) return decoded;
  const read = readTaskText(decoded.text, { fileName: path.posix.basename(rel), mtime, timeZone: ctx.timeZone });
  return read.ok ? { ...read, text: decoded.text } : read;
}

/** The other role: where a task this role does not take belongs (DESIGN §3: local takes what cloud may not). */
const otherRole = (ctx: VaultContext) => (ctx.role === 'cloud' ? 'local' : 'cloud');

/** Why this role does not take a file it can read, in words that say who does. */
function notMineReason(ctx: VaultContext, type: string, queue: string, data: Record<string, unknown>): string {
  if (type === 'draft')
    return `${queue}/ holds this draft for its task (${String(data['task'] ?? 'see its "task" field')}); a draft is not claimed: it follows its task to Done/.`;
  const other = otherRole(ctx);
  const original = typeof data['original_type'] === 'string' ? ` (read from type "${data['original_type']}")` : '';
  const where =
    other === 'local'
      ? `; the cloud draft worker moves such files to ${roleQueueFolder('local')}/, or move it there yourself`
      : '';
  return `This role (${ctx.role}) does not take \`${type}\` files${original} from ${queue}/; ${other} does${where}.`;
}

/**
 * Tidies the shared Needs_Action/ for the role that works it (cloud), in each draft-worker pass:
 * - routing (policy-driven): a file whose type this role does not claim goes to local's queue, where local
 *   claims it (DESIGN §3: Needs_Action/local holds anything cloud may not handle). A move, no rewrite: local
 *   normalises on its claim;
 * - a file that cannot be read at all is claimed, which files it in Failed/ with the reason (the draft
 *   worker only claims the types it drafts, so nothing else would).
 * Files younger than a minute are left alone: a watcher that writes in place (Python's write_text) may still
 * be writing, and half a frontmatter reads as another type or as broken YAML.
 */
export async function tidyQueue(ctx: VaultContext): Promise<{ routed: string[]; failed: string[] }> {
  const out = { routed: [] as string[], failed: [] as string[] };
  const target = roleQueueFolder(otherRole(ctx));
  if (ctx.role !== 'cloud' || !ctx.policy.claimQueues.includes('Needs_Action')) return out;
  if (!ctx.policy.canWrite(`${target}/x.md`) || !ctx.policy.canWrite('Needs_Action/x.md')) return out;
  const moved = out.routed;
  const now = ctx.clock().getTime();
  for (const name of (await listFiles(ctx, 'Needs_Action')).sort()) {
    const rel = `Needs_Action/${name}`;
    const mtime = await stat(await absOf(ctx, rel)).then(
      (st) => st.mtimeMs,
      () => undefined,
    );
    if (mtime === undefined || now - mtime < IN_FLIGHT_MS) continue;
    const read = await readQueued(ctx, rel);
    if (read === 'gone') continue;
    if (!read.ok) {
      try {
        await claimPath(ctx, rel);
      } catch (err) {
        const filed = toAppError(err).details?.['moved_to'];
        if (typeof filed === 'string') out.failed.push(filed);
      }
      continue;
    }
    if (read.task.type === 'draft' || ctx.policy.canClaim(read.task.type, 'Needs_Action')) continue;
    // Why take it first (as a claim does): a plain link-and-unlink could race a claimer's rename and leave the
    // file in two queues. A take is one rename; recovery returns a take cut short to its queue.
    const taking = path.join(await folderAbs(ctx, inProgressFolder(ctx.role)), takeName(name, ctx.clock()));
    try {
      await renameWhenFree(await absOf(ctx, rel), taking);
    } catch (err) {
      // Claimed or moved meanwhile, or held open by another program: routed on a later pass.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || isBusyError(err)) continue;
      throw err;
    }
    if (!(await putBack(taking, await absOf(ctx, `${target}/${name}`)))) {
      // A namesake already waits in local's queue: leave this one where it was, for a person to compare.
      if (!(await putBack(taking, await absOf(ctx, rel))))
        await quarantine(
          ctx,
          taking,
          name,
          read.text,
          `Could not route ${name}: ${target}/ and Needs_Action/ both hold a file of that name.`,
        );
      continue;
    }
    moved.push(`${target}/${name}`);
    await ctx.audit.record({
      action_type: 'task.route',
      target: `${target}/${name}`,
      parameters: { from: rel, type: read.task.type },
      result: 'ok',
    });
  }
  return out;
}

interface Candidate {
  rel: string;
  priority: number;
  /** ms since the epoch; Why not the string: naive times read in a zone carry offsets, which do not sort as text. */
  created: number;
}

const PRIORITY_RANK: Record<string, number> = Object.fromEntries(PRIORITIES.map((p, i) => [p, i + 1]));

/** Lists the claimable tasks of this role, best first: priority, then oldest `created`, then name. */
export async function claimCandidates(ctx: VaultContext, type?: string | readonly string[]): Promise<Candidate[]> {
  const wanted = type === undefined ? undefined : new Set(typeof type === 'string' ? [type] : type);
  const now = ctx.clock().getTime();
  const found: Candidate[] = [];
  for (const queue of ctx.policy.claimQueues) {
    const names = await listFiles(ctx, queue);
    for (const name of names) {
      const rel = `${queue}/${name}`;
      const read = await readQueued(ctx, rel);
      if (read === 'gone') continue;
      if (!read.ok) {
        // Unreadable: offer it (when not filtering), so that claiming files it in Failed/ with the reason
        // instead of skipping it forever.
        if (wanted === undefined) found.push({ rel, priority: 0, created: 0 });
        continue;
      }
      const data = read.task.data;
      const taskType = read.task.type;
      if (wanted !== undefined && !wanted.has(taskType)) continue;
      if (!ctx.policy.canClaim(taskType, queue)) continue;
      if (typeof data['retry_after'] === 'string' && Date.parse(data['retry_after']) > now) continue;
      const created = Date.parse(String(data['created'] ?? ''));
      found.push({
        rel,
        priority: PRIORITY_RANK[String(data['priority'] ?? 'normal')] ?? 0,
        created: Number.isNaN(created) ? 0 : created,
      });
    }
  }
  return found.sort((a, b) => b.priority - a.priority || a.created - b.created || a.rel.localeCompare(b.rel));
}

/** Claims `path`, or else the best claimable task (of `type`, if given). */
export async function claimTask(
  ctx: VaultContext,
  args: { path?: string; type?: string | readonly string[] },
): Promise<ClaimResult> {
  if (args.path !== undefined) return claimPath(ctx, args.path);
  ctx.policy.require('vault.claim', 'Claiming a task');
  for (const candidate of await claimCandidates(ctx, args.type)) {
    try {
      return await claimPath(ctx, candidate.rel);
    } catch (err) {
      const { code, details } = toAppError(err);
      // Lost a race, it was malformed and is now in Failed/, or it is held open (busy.ts): try the next one.
      if (code === 'conflict' || code === 'invalid_input' || code === 'policy_denied' || details?.['busy']) continue;
      throw err;
    }
  }
  throw notFound(
    `No claimable ${args.type ? `"${String(args.type)}" ` : ''}task is waiting for ${ctx.role}; try again later.`,
  );
}

export interface RecoveryReport {
  finishedClaims: number;
  returnedTakes: number;
  expiredReleased: number;
  failed: number;
  completedMoves: number;
  tempFilesRemoved: number;
}

/** Files younger than this may belong to a live operation of another process: recovery leaves them alone. */
const IN_FLIGHT_MS = 60_000;

/**
 * Puts this role's In_Progress/ in order after a crash or a lapsed lease. Safe to run at any time, also while
 * other processes claim: it only touches this role's folder, and leaves alone anything younger than a minute
 * (a take, a rewrite or a move that a live process is in the middle of).
 */
export async function recoverClaims(ctx: VaultContext): Promise<RecoveryReport> {
  const report: RecoveryReport = {
    finishedClaims: 0,
    returnedTakes: 0,
    expiredReleased: 0,
    failed: 0,
    completedMoves: 0,
    tempFilesRemoved: 0,
  };
  const folder = inProgressFolder(ctx.role);
  const dir = await folderAbs(ctx, folder);
  const now = ctx.clock();
  report.tempFilesRemoved = await sweepTempFiles(ctx, now);
  // Not in the report (its counts are a fixed shape): drafts whose task is filed follow it (transitions.ts).
  const drafts = await fileFinishedDrafts(ctx);
  if (drafts.length > 0) ctx.logger.info({ drafts }, 'filed drafts whose task is done');
  const entries = await readdir(dir, { withFileTypes: true });
  for (const name of entries.filter((e) => e.isFile()).map((e) => e.name)) {
    const abs = path.join(dir, name);
    try {
      if (name.startsWith(CLAIMING_PREFIX)) await recoverTake(ctx, abs, name, now, report);
      else if (!name.startsWith('.') && name.endsWith('.md'))
        await recoverClaimed(ctx, `${folder}/${name}`, abs, now, report);
    } catch (err) {
      // Gone meanwhile: another process finished it. Anything else is a real problem.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && toAppError(err).code !== 'not_found') throw err;
    }
  }
  return report;
}

/** Removes temp files of durable writes cut short by a crash, in every folder this role writes. */
async function sweepTempFiles(ctx: VaultContext, now: Date): Promise<number> {
  let removed = 0;
  for (const folder of VAULT_FOLDERS) {
    if (!ctx.policy.canWrite(`${folder}/x.md`)) continue;
    let dir: string;
    try {
      dir = await folderAbs(ctx, folder);
    } catch {
      continue;
    }
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      if (!entry.isFile() || !entry.name.startsWith(TEMP_PREFIX)) continue;
      const abs = path.join(dir, entry.name);
      const stats = await stat(abs).catch(() => undefined);
      if (stats && now.getTime() - stats.mtimeMs > IN_FLIGHT_MS) {
        await unlink(abs).catch(() => undefined);
        removed += 1;
      }
    }
  }
  return removed;
}

/** The hidden name of a take: `.claiming-<time base36>-<12 hex>-<name>`, so recovery can tell its age. */
export function takeName(name: string, now: Date): string {
  return `${CLAIMING_PREFIX}${now.getTime().toString(36)}-${randomBytes(6).toString('hex')}-${name}`;
}

function parseTakeName(hiddenName: string): { name: string; takenAt: number } {
  const match = /^([0-9a-z]+)-[0-9a-f]{12}-(.+)$/.exec(hiddenName.slice(CLAIMING_PREFIX.length));
  // Without a time (an older name): treat it as old, and strip its random part.
  if (!match) return { name: hiddenName.slice(CLAIMING_PREFIX.length).replace(/^[0-9a-f]{12}-/, ''), takenAt: 0 };
  return { name: match[2] as string, takenAt: parseInt(match[1] as string, 36) };
}

/**
 * True when `abs` has another name among `folders` (the same inode): the tail of a link-then-unlink move cut
 * short. Looks for the plain name and for the renamed `<stem>.<stamp>.md` a move into Done/ may choose.
 */
async function dropIfMovedAlready(
  ctx: VaultContext,
  abs: string,
  name: string,
  folders: readonly string[],
): Promise<boolean> {
  const stats = await stat(abs);
  if (stats.nlink < 2) return false;
  const stem = name.replace(/\.md$/i, '');
  for (const folder of folders) {
    for (const candidate of await listFiles(ctx, folder)) {
      if (candidate !== name && !candidate.startsWith(`${stem}.`)) continue;
      if (await dropIfSameInode(abs, await absOf(ctx, `${folder}/${candidate}`))) return true;
    }
  }
  return false;
}

async function recoverTake(
  ctx: VaultContext,
  abs: string,
  hiddenName: string,
  now: Date,
  report: RecoveryReport,
): Promise<void> {
  const { name, takenAt } = parseTakeName(hiddenName);
  if (now.getTime() - takenAt < IN_FLIGHT_MS) return; // a live claim in progress
  // An interrupted put-back or quarantine: the file already stands at its destination.
  // Local's queue too: a route (routeForeignTasks) cut short stands there.
  if (
    await dropIfMovedAlready(ctx, abs, name, ['Failed', ...ctx.policy.claimQueues, roleQueueFolder(otherRole(ctx))])
  ) {
    report.completedMoves += 1;
    return;
  }
  const claimed = await absOf(ctx, `${inProgressFolder(ctx.role)}/${name}`);
  // Crashed after writing the claimed file: the claim stands, drop the hidden copy.
  const exists = await stat(claimed).then(
    () => true,
    () => false,
  );
  if (exists) {
    await unlinkWhenFree(abs);
    report.finishedClaims += 1;
    return;
  }
  // Crashed before: the take never became a claim. Return it to its queue (or Failed/ if the name is taken).
  const text = await readFile(abs, 'utf8');
  let claimedFrom: unknown;
  try {
    claimedFrom = parseTaskText(text).data['claimed_from'];
  } catch {
    claimedFrom = undefined;
  }
  const queue = returnQueueFor(claimedFrom, name, ctx.role);
  if (queue === undefined) {
    await quarantine(ctx, abs, name, text, notAQueueReason(claimedFrom));
    report.failed += 1;
    return;
  }
  if (await putBack(abs, await absOf(ctx, `${queue}/${name}`))) report.returnedTakes += 1;
  else {
    await quarantine(ctx, abs, name, text, `Recovered an interrupted claim, but ${queue}/${name} exists already.`);
    report.failed += 1;
  }
}

async function recoverClaimed(
  ctx: VaultContext,
  rel: string,
  abs: string,
  now: Date,
  report: RecoveryReport,
): Promise<void> {
  const name = path.posix.basename(rel);
  const stats = await stat(abs);
  // Just rewritten or linked: maybe a live complete, fail or release in another process. Its lease does not
  // protect it (the lease is for the work, not for the move), so leave it for a minute.
  const young = now.getTime() - stats.mtimeMs < IN_FLIGHT_MS;
  if (stats.nlink > 1) {
    if (young) return;
    if (await dropIfMovedAlready(ctx, abs, name, ['Done', 'Failed', ...ctx.policy.claimQueues])) {
      report.completedMoves += 1;
      return;
    }
  }
  const text = await readFile(abs, 'utf8');
  let task;
  try {
    task = parseTaskText(text);
  } catch (err) {
    await quarantine(ctx, abs, name, text, toAppError(err).message);
    report.failed += 1;
    return;
  }
  const status = task.data['status'];
  if (status === 'awaiting_approval') return;
  if (young && (status === 'done' || status === 'failed' || status === 'new')) return;
  // A move that was decided (status rewritten) but cut short: finish it.
  if (status === 'done') {
    await completeLoaded(ctx, rel, abs, task, String(task.data['outcome'] ?? 'done'));
    report.completedMoves += 1;
    return;
  }
  if (status === 'failed') {
    await failLoaded(ctx, rel, abs, task, String(task.data['failed_reason'] ?? 'failed before a crash'));
    report.failed += 1;
    return;
  }
  if (status === 'new') {
    await releaseLoaded(ctx, rel, abs, task, String(task.data['last_release_reason'] ?? 'interrupted release'), {
      countAttempt: false,
    });
    report.expiredReleased += 1;
    return;
  }
  const lease = task.data['lease_until'];
  if (typeof lease === 'string' && lease > now.toISOString()) return;
  const result = await releaseLoaded(ctx, rel, abs, task, 'the claim lease expired');
  if (result.path.startsWith('Failed/')) report.failed += 1;
  else report.expiredReleased += 1;
}
