import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { conflict, invalidInput, policyDenied, toAppError } from '../errors.js';
import { unlinkWhenFree } from './busy.js';
import { absOf, relFolderOf, resolveIn, type VaultContext } from './context.js';
import { fsyncDir, linkThenUnlink, moveNoClobber, replaceFileDurable } from './durable.js';
import { newTaskText, parseTaskText, renderTaskText, setFields, type TaskText } from './frontmatter.js';
import { inProgressFolder, returnQueueFor } from './layout.js';
import { loadTaskText, viewOf, type TaskView } from './task-io.js';

/**
 * Moves of a claimed task out of In_Progress/<role>/: release (back to its queue), complete (Done/),
 * fail (Failed/), and quarantine of malformed files. Each first rewrites the file in place with its new
 * status, then moves it without clobbering. Why this order: a crash between the two leaves a file whose
 * status already says where it was going, so recovery can finish the move instead of guessing.
 */

/** Checks that `input` is a task this role has claimed, and loads it. */
export async function loadClaimed(
  ctx: VaultContext,
  input: unknown,
): Promise<{ rel: string; abs: string; task: TaskText }> {
  const { rel, abs } = await resolveIn(ctx, input);
  if (relFolderOf(rel) !== inProgressFolder(ctx.role)) {
    throw invalidInput(
      `"${rel}" is not a task claimed by ${ctx.role}; claim it first (its path will be in ${inProgressFolder(ctx.role)}/).`,
    );
  }
  const text = await readFile(abs, 'utf8');
  return { rel, abs, task: parseTaskText(text) };
}

/** Finds a free name in `folder` for `fileName` (Done/ may already hold an older task of the same name). */
export async function moveToFolder(ctx: VaultContext, abs: string, folder: string, fileName: string): Promise<string> {
  const stem = fileName.replace(/\.md$/i, '');
  const candidates = [fileName, `${stem}.${ctx.clock().toISOString().replace(/[:.]/g, '-')}.md`];
  for (const name of candidates) {
    const rel = `${folder}/${name}`;
    ctx.policy.requireWritable(rel, `Moving a file to ${folder}/`);
    try {
      await moveNoClobber(abs, await absOf(ctx, rel));
      return rel;
    } catch (err) {
      if (toAppError(err).code !== 'conflict') throw err;
    }
  }
  throw conflict(`${folder}/${fileName} already exists twice; move one of them away and try again.`);
}

export interface ReleaseOptions {
  retryAfterSeconds?: number;
  /** False for failures that are not the task's fault (a service down): they must not use up its attempts. */
  countAttempt?: boolean;
  /** Extra frontmatter to record (e.g. a failure counter for backoff). */
  fields?: Record<string, unknown>;
}

export async function releaseTask(
  ctx: VaultContext,
  input: unknown,
  reason: string,
  options: ReleaseOptions = {},
): Promise<TaskView> {
  ctx.policy.require('vault.claim', 'Releasing a task');
  const { rel, abs, task } = await loadClaimed(ctx, input);
  return releaseLoaded(ctx, rel, abs, task, reason, options);
}

export async function releaseLoaded(
  ctx: VaultContext,
  rel: string,
  abs: string,
  task: TaskText,
  reason: string,
  options: ReleaseOptions = {},
): Promise<TaskView> {
  const attempts = Number(task.data['attempts'] ?? 0) + (options.countAttempt === false ? 0 : 1);
  if (attempts >= ctx.lease.maxAttempts) {
    return failLoaded(
      ctx,
      rel,
      abs,
      task,
      `Released ${attempts} times (limit ${ctx.lease.maxAttempts}); last reason: ${reason}`,
    );
  }
  const name = path.posix.basename(rel);
  const queue = returnQueueFor(task.data['claimed_from'], name, ctx.role);
  if (queue === undefined) {
    return failLoaded(ctx, rel, abs, task, notAQueueReason(task.data['claimed_from']));
  }
  const now = ctx.clock();
  setFields(task, {
    status: 'new',
    claimed_by: undefined,
    claimed_at: undefined,
    lease_until: undefined,
    // claimed_from stays: a release cut short by a crash must still know where the task goes back to.
    attempts,
    last_release_reason: reason,
    ...options.fields,
    retry_after: options.retryAfterSeconds
      ? new Date(now.getTime() + options.retryAfterSeconds * 1000).toISOString()
      : undefined,
  });
  await replaceFileDurable(abs, renderTaskText(task), { syncDir: false });
  const dest = `${queue}/${name}`;
  ctx.policy.requireWritable(dest, 'Releasing a task');
  try {
    await moveNoClobber(abs, await absOf(ctx, dest));
  } catch (err) {
    if (toAppError(err).code !== 'conflict') throw err;
    // A new task of the same name arrived meanwhile: keep both, let a human look.
    return failLoaded(ctx, rel, abs, task, `Could not go back to ${queue}/: a file named ${name} is already there.`);
  }
  await ctx.audit.record({
    action_type: 'task.release',
    target: dest,
    parameters: { from: rel, reason, attempts },
    result: 'ok',
  });
  return viewOf(dest, task);
}

/**
 * A task whose approval request still waits for the owner (in Pending_Approval/) or for the executor (in
 * Approved/) is not finished by hand: the request would point at a task that is gone, and the executor files
 * the task itself once the decision is carried out. Throws a conflict that names the request.
 */
export async function refuseWhileAwaitingApproval(
  ctx: VaultContext,
  rel: string,
  task: TaskText,
  verb: string,
): Promise<void> {
  const approval = task.data['approval'];
  if (task.data['status'] !== 'awaiting_approval' || typeof approval !== 'string') return;
  const name = path.posix.basename(approval);
  for (const candidate of [`Pending_Approval/${name}`, `Approved/${name}`]) {
    const there = await stat(await absOf(ctx, candidate)).then(
      () => true,
      () => false,
    );
    if (there)
      throw conflict(
        `${rel} cannot be ${verb}: its approval request ${candidate} is still open. The owner decides it (approve or reject), and the task is filed with the outcome.`,
        { approval: candidate },
      );
  }
}

/** Why a task was filed in Failed/ instead of going back: its `claimed_from` is no queue. */
export function notAQueueReason(claimedFrom: unknown): string {
  return `Not released: its claimed_from (${JSON.stringify(claimedFrom)}) is not a queue folder, and a task only ever goes back to Needs_Action/. Look at the file before you move it anywhere.`;
}

export async function completeTask(
  ctx: VaultContext,
  input: unknown,
  outcome: string,
  note?: string,
): Promise<TaskView> {
  ctx.policy.require('vault.claim', 'Completing a task');
  const { rel, abs, task } = await loadClaimed(ctx, input);
  await refuseWhileAwaitingApproval(ctx, rel, task, 'completed');
  return completeLoaded(ctx, rel, abs, task, outcome, note);
}

export async function completeLoaded(
  ctx: VaultContext,
  rel: string,
  abs: string,
  task: TaskText,
  outcome: string,
  note?: string,
  extra: Record<string, unknown> = {},
): Promise<TaskView> {
  setFields(task, {
    status: 'done',
    lease_until: undefined,
    outcome,
    completed_at: ctx.clock().toISOString(),
    completed_by: ctx.actor,
    ...extra,
  });
  if (note) task.body = `${task.body.replace(/\s*$/, '')}\n\n## Outcome\n\n${note}\n`;
  await replaceFileDurable(abs, renderTaskText(task), { syncDir: false });
  const dest = await moveToFolder(ctx, abs, 'Done', path.posix.basename(rel));
  await ctx.audit.record({
    action_type: 'task.complete',
    target: dest,
    parameters: { from: rel, outcome },
    result: 'ok',
  });
  await fileDraftWith(ctx, rel, 'Done');
  return viewOf(dest, task);
}

export async function failTask(ctx: VaultContext, input: unknown, reason: string): Promise<TaskView> {
  ctx.policy.require('vault.claim', 'Failing a task');
  const { rel, abs, task } = await loadClaimed(ctx, input);
  await refuseWhileAwaitingApproval(ctx, rel, task, 'failed');
  return failLoaded(ctx, rel, abs, task, reason);
}

export async function failLoaded(
  ctx: VaultContext,
  rel: string,
  abs: string,
  task: TaskText,
  reason: string,
): Promise<TaskView> {
  setFields(task, {
    status: 'failed',
    lease_until: undefined,
    failed_reason: reason,
    failed_at: ctx.clock().toISOString(),
    failed_by: ctx.actor,
  });
  task.body = `${task.body.replace(/\s*$/, '')}\n\n## Failed\n\n${reason}\n`;
  await replaceFileDurable(abs, renderTaskText(task), { syncDir: false });
  const dest = await moveToFolder(ctx, abs, 'Failed', path.posix.basename(rel));
  await ctx.audit.record({
    action_type: 'task.fail',
    target: dest,
    parameters: { from: rel },
    result: 'ok',
    error: reason,
  });
  await fileDraftWith(ctx, rel, 'Failed');
  return viewOf(dest, task);
}

/**
 * Moves a file that cannot be parsed or fails its schema to Failed/, with the reason in its frontmatter and
 * body. A file with no readable frontmatter gets a fresh one wrapped around its original text, so nothing
 * the human wrote is lost.
 */
export async function quarantine(
  ctx: VaultContext,
  abs: string,
  fileName: string,
  text: string,
  reason: string,
): Promise<string> {
  let rendered: string;
  try {
    const parsed = parseTaskText(text);
    setFields(parsed, { status: 'failed', failed_reason: reason, failed_at: ctx.clock().toISOString() });
    parsed.body = `${parsed.body.replace(/\s*$/, '')}\n\n## Failed\n\n${reason}\n`;
    rendered = renderTaskText(parsed);
  } catch {
    rendered = newTaskText(
      { status: 'failed', failed_reason: reason, failed_at: ctx.clock().toISOString() },
      `## Failed\n\n${reason}\n\n## Original file\n\n${text}`,
    );
  }
  await replaceFileDurable(abs, rendered, { syncDir: false });
  const dest = await moveToFolder(ctx, abs, 'Failed', fileName);
  await ctx.audit.record({ action_type: 'task.quarantine', target: dest, result: 'ok', error: reason });
  ctx.logger.warn({ target: dest, reason }, 'malformed task moved to Failed/');
  return dest;
}

/** Marks a claimed task as waiting on a human: no lease, so recovery leaves it alone (DESIGN §3). */
export async function markAwaitingApproval(ctx: VaultContext, rel: string, approvalRel: string): Promise<void> {
  const abs = await absOf(ctx, rel);
  const task = parseTaskText(await readFile(abs, 'utf8'));
  setFields(task, { status: 'awaiting_approval', lease_until: undefined, approval: approvalRel });
  await replaceFileDurable(abs, renderTaskText(task));
}

/** Validates a loaded claim; a malformed one is quarantined and reported as invalid_input. */
export async function validateOrQuarantine(ctx: VaultContext, abs: string, fileName: string, text: string) {
  try {
    return loadTaskText(text);
  } catch (err) {
    const reason = toAppError(err).message;
    const dest = await quarantine(ctx, abs, fileName, text, reason);
    throw invalidInput(`The task was malformed and has been moved to ${dest}: ${reason}`, { moved_to: dest });
  }
}

/** Removes `abs` when `twin` is the same inode: the tail of a link-then-unlink move cut by a crash. */
export async function dropIfSameInode(abs: string, twin: string): Promise<boolean> {
  try {
    const [a, b] = await Promise.all([stat(abs), stat(twin)]);
    if (a.ino !== b.ino || a.dev !== b.dev) return false;
  } catch {
    return false;
  }
  await unlinkWhenFree(abs);
  await fsyncDir(path.dirname(abs));
  return true;
}

/** Puts a file back at `target` without clobbering; used to undo a take. */
export const putBack = (source: string, target: string): Promise<boolean> => linkThenUnlink(source, target);

export function denyQueue(ctx: VaultContext, queue: string): never {
  throw policyDenied(
    `The ${ctx.role} role does not claim from ${queue}/; its queues are ${ctx.policy.claimQueues.join(', ')}.`,
  );
}

/**
 * Drafts follow their task (docs/task-files.md). A draft lives in its claiming role's queue,
 * `Needs_Action/<role>/DRAFT_<task>.md`; when the task is filed in Done/ or Failed/, the draft goes to the same
 * folder, so Needs_Action/ only ever holds work. Order: the task first, then its draft; a crash between the
 * two leaves a draft whose task is filed, which `fileFinishedDrafts` (run by every recovery) files later.
 * A role that may not write the draft's queue (local completing cloud's task after executing its approval:
 * local never writes Needs_Action/cloud/) leaves it: the draft's own role files it when it sees the task filed.
 */
export const draftRelOf = (taskRel: string) => {
  const role = taskRel.split('/')[1] ?? '';
  return `Needs_Action/${role}/DRAFT_${path.posix.basename(taskRel)}`;
};

async function fileDraftWith(ctx: VaultContext, taskRel: string, folder: 'Done' | 'Failed'): Promise<void> {
  if (!taskRel.startsWith('In_Progress/')) return;
  const draftRel = draftRelOf(taskRel);
  if (!ctx.policy.canWrite(draftRel) || !ctx.policy.canWrite(`${folder}/x.md`)) return;
  try {
    const abs = await absOf(ctx, draftRel);
    let data: Record<string, unknown>;
    try {
      data = parseTaskText(await readFile(abs, 'utf8')).data;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    if (data['type'] !== 'draft' || data['task'] !== taskRel) return; // someone else's file of that name
    await moveDraft(ctx, abs, draftRel, folder, taskRel);
  } catch (err) {
    // Why not fail the completion: the task is filed already; the draft is filed by the next recovery.
    ctx.logger.warn({ draft: draftRel, err: toAppError(err).message }, 'draft not filed with its task; recovery will');
  }
}

async function moveDraft(
  ctx: VaultContext,
  abs: string,
  draftRel: string,
  folder: 'Done' | 'Failed',
  taskRel: string,
): Promise<string> {
  const dest = await moveToFolder(ctx, abs, folder, path.posix.basename(draftRel));
  await ctx.audit.record({
    action_type: 'draft.file',
    target: dest,
    parameters: { from: draftRel, task: taskRel },
    result: 'ok',
  });
  return dest;
}

/** A filed task's (Done/ or Failed/) file younger than this may be mid-completion in another process. */
const DRAFT_IN_FLIGHT_MS = 60_000;

/**
 * Files the drafts of this role's queue whose task is filed in Done/ or Failed/ (matched by the draft's `task`
 * name and `task_id`), into the same folder. Runs with every recovery (the draft worker runs one each pass):
 * it finishes a filing cut short by a crash, and it files the drafts of tasks the other role completed.
 * Why the age check: a task this role filed a moment ago may still be moving its draft in another process;
 * two movers of one draft would make two copies. A task the other role filed cannot be (it never moves our
 * drafts), so those are filed at once. Returns the drafts filed.
 */
export async function fileFinishedDrafts(ctx: VaultContext): Promise<string[]> {
  const queue = `Needs_Action/${ctx.role}`;
  const filed: string[] = [];
  let names: string[];
  try {
    const dir = await absOf(ctx, `${queue}/x.md`).then((a) => path.dirname(a));
    names = (await readdir(dir)).filter((n) => n.startsWith('DRAFT_') && n.endsWith('.md'));
  } catch {
    return filed;
  }
  if (names.length === 0) return filed;
  const listed = new Map<string, string[]>();
  const namesIn = async (folder: string) => {
    if (!listed.has(folder)) {
      const dir = await absOf(ctx, `${folder}/x.md`).then((a) => path.dirname(a));
      listed.set(folder, await readdir(dir).catch(() => []));
    }
    return listed.get(folder) as string[];
  };
  const now = ctx.clock().getTime();
  for (const name of names.sort()) {
    const draftRel = `${queue}/${name}`;
    try {
      const abs = await absOf(ctx, draftRel);
      const stats = await stat(abs);
      const stem = name.replace(/\.md$/i, '');
      // The tail of a move cut short: the draft already stands in Done/ or Failed/ (same inode). Drop this name.
      if (stats.nlink > 1) {
        let dropped = false;
        for (const folder of ['Done', 'Failed'] as const)
          for (const other of await namesIn(folder))
            if (!dropped && (other === name || other.startsWith(`${stem}.`)))
              dropped = await dropIfSameInode(abs, await absOf(ctx, `${folder}/${other}`));
        if (dropped) {
          filed.push(draftRel);
          continue;
        }
      }
      const data = parseTaskText(await readFile(abs, 'utf8')).data;
      const taskRel = data['task'];
      if (data['type'] !== 'draft' || typeof taskRel !== 'string' || !taskRel.startsWith('In_Progress/')) continue;
      const exists = await absOf(ctx, taskRel)
        .then((a) => stat(a))
        .then(
          () => true,
          () => false,
        );
      if (exists) continue; // still being worked
      const taskStem = path.posix.basename(taskRel).replace(/\.md$/i, '');
      const home = await filedTask(ctx, namesIn, taskStem, data['task_id']);
      if (!home) continue; // released to a queue, or not synced here yet: the draft waits
      const ours = typeof home.by !== 'string' || home.by.startsWith(`${ctx.role}:`);
      if (ours && now - home.mtimeMs < DRAFT_IN_FLIGHT_MS) continue;
      if (!ctx.policy.canWrite(draftRel) || !ctx.policy.canWrite(`${home.folder}/x.md`)) continue;
      await moveDraft(ctx, abs, draftRel, home.folder, taskRel);
      filed.push(draftRel);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // filed by another process meanwhile
      ctx.logger.warn({ draft: draftRel, err: toAppError(err).message }, 'could not file a finished draft');
    }
  }
  return filed;
}

/** Where the task named `<stem>.md` (or `<stem>.<stamp>.md`) with id `taskId` was filed, if it was. */
async function filedTask(
  ctx: VaultContext,
  namesIn: (folder: string) => Promise<string[]>,
  stem: string,
  taskId: unknown,
): Promise<{ folder: 'Done' | 'Failed'; mtimeMs: number; by: unknown } | undefined> {
  for (const folder of ['Done', 'Failed'] as const) {
    for (const other of await namesIn(folder)) {
      if (other !== `${stem}.md` && !(other.startsWith(`${stem}.`) && other.endsWith('.md'))) continue;
      if (other.startsWith('DRAFT_')) continue;
      try {
        const abs = await absOf(ctx, `${folder}/${other}`);
        const data = parseTaskText(await readFile(abs, 'utf8')).data;
        if (taskId !== undefined && String(data['id']) !== String(taskId)) continue;
        if (data['status'] !== (folder === 'Done' ? 'done' : 'failed')) continue;
        const st = await stat(abs);
        return { folder, mtimeMs: st.mtimeMs, by: data['completed_by'] ?? data['failed_by'] };
      } catch {
        continue;
      }
    }
  }
  return undefined;
}
