import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { invalidInput, toAppError } from '../errors.js';
import { APPROVAL_ACTIONS, approvalContentHash } from '../vault/approval-actions.js';
import { relFolderOf, resolveIn, type VaultContext } from '../vault/context.js';
import { ownerEvidenceIn, type OwnerDecision } from '../vault/owner-evidence.js';
import { postUpdate } from '../vault/updates.js';
import { replaceFileDurable } from '../vault/durable.js';
import { parseTaskText, renderTaskText, setFields, type TaskText } from '../vault/frontmatter.js';
import { completeLoaded, failLoaded, moveToFolder } from '../vault/transitions.js';
import { inProgressFolder } from '../vault/layout.js';
import { otherRole } from '../roles.js';
import { readApprovalFile, type ApprovalDoc } from './approval-file.js';
import type { ActionHandler } from './handler.js';
import { ExecutionLedger, type LedgerEntry } from './ledger.js';

export interface ExecutorDeps {
  ctx: VaultContext;
  ledger: ExecutionLedger;
  handlers: readonly ActionHandler[];
  /** At most `hourly` executions of `actions` per hour (e.g. replies); more wait in Approved/ for the next hour. */
  limit?: { hourly: number; actions: readonly string[] };
}

export interface ExecutionOutcome {
  approval: string;
  /**
   * `deferred`: over the hourly limit; the file stays in Approved/ and is tried again later.
   * `suspicious`: no evidence of the owner's decision on this machine; nothing runs, the file stays, one alert.
   */
  status: 'executed' | 'refused' | 'failed' | 'rejected' | 'deferred' | 'suspicious';
  reason?: string;
  /** Where the approval file was filed. */
  filedAt: string;
  result?: Record<string, unknown>;
}

/**
 * Acts on a file in Approved/ (DESIGN §3, §6), only when every check holds: it never ran before; the role may
 * execute the action; this machine holds the owner's decision on it (owner-evidence.ts: never a git author or a
 * field in the file); it still hashes as it did when he decided; not expired. What runs is the file's own content
 * (parameters and text block), exactly what the owner read. Refusals and failures go to Failed/ with the reason;
 * a file without the owner's decision stays where it is, reported once; nothing is ever retried on its own.
 */
export async function executeApproved(deps: ExecutorDeps, input: string): Promise<ExecutionOutcome> {
  const { ctx } = deps;
  if (!ctx.policy.has('approval.execute')) {
    // Every approval decision is audited, a refusal by role too; the file is left where it is.
    const reason = `The ${ctx.role} role may not execute approvals${ctx.policy.draftOnly ? ' (draft-only is on)' : ''}.`;
    await ctx.audit.record({ action_type: 'execute.refused', target: String(input), result: 'denied', error: reason });
    ctx.policy.require('approval.execute', 'Executing an approval');
  }
  const { rel } = await resolveIn(ctx, input);
  if (relFolderOf(rel) !== 'Approved')
    throw invalidInput(`"${rel}" is not in Approved/; the owner approves by moving the file there.`);

  let doc: ApprovalDoc;
  try {
    doc = await readApprovalFile(ctx, rel);
  } catch (err) {
    return refuseUnreadable(deps, rel, toAppError(err).message);
  }
  const key = ExecutionLedger.keyOf(doc.id, doc.created);
  const earlier = await deps.ledger.get(key);
  // Executed here, but its filing was cut short: finish it (an entry without `filed` predates the field: filed).
  if (earlier?.state === 'done' && earlier.filed === false && earlier.approval === rel)
    return fileExecuted(deps, doc, key, earlier);
  if (earlier) {
    return refuse(
      deps,
      doc,
      `This approval was already executed (${earlier.state} at ${earlier.at}); it runs once. Ask for a fresh approval to do it again.`,
      {
        touchTask: false,
      },
    );
  }
  const needs = APPROVAL_ACTIONS[doc.action].executes;
  if (!ctx.policy.has(needs)) {
    const why = `The ${ctx.role} role may not execute ${doc.action} (needs "${needs}"${ctx.policy.draftOnly ? '; draft-only is on' : ''}).`;
    return refuse(deps, doc, why, { touchTask: true });
  }
  const decision = await ownerDecisionOn(ctx, doc);
  if (!decision) return reportSuspicious(ctx, doc);
  const why = firstFailedCheck(ctx, doc, decision);
  if (why) return refuse(deps, doc, why, { touchTask: true });
  const handler = deps.handlers.find((h) => h.action === doc.action);
  if (!handler)
    return refuse(deps, doc, `No executor for "${doc.action}" is configured on this machine (missing credentials?).`, {
      touchTask: false,
    });

  if (deps.limit && deps.limit.actions.includes(doc.action)) {
    const since = new Date(ctx.clock().getTime() - 3_600_000);
    if ((await deps.ledger.countStartedSince(deps.limit.actions, since)) >= deps.limit.hourly) {
      const reason = `The hourly limit of ${deps.limit.hourly} replies is reached; it stays in Approved/ and goes out within the hour.`;
      await ctx.audit.record({
        action_type: `execute.${doc.action}`,
        target: rel,
        approval_status: 'approved',
        result: 'skipped',
        error: reason,
      });
      return { approval: rel, status: 'deferred', reason, filedAt: rel };
    }
  }
  if (!(await deps.ledger.begin(key, rel, ctx.clock(), doc.action))) {
    return refuse(deps, doc, 'Another executor started this approval at the same moment; it runs once.', {
      touchTask: false,
    });
  }
  let result: Record<string, string | number | boolean | null>;
  try {
    result = await handler.execute(doc);
  } catch (err) {
    const error = toAppError(err);
    await deps.ledger.finish(key, {
      approval: rel,
      state: 'failed',
      at: ctx.clock().toISOString(),
      error: error.message,
    });
    await ctx.audit.record({
      action_type: `execute.${doc.action}`,
      target: rel,
      parameters: doc.params,
      approval_status: 'approved',
      approved_by: 'owner',
      result: 'error',
      error: error.message,
    });
    const reason = `The approved ${doc.action} failed and will not be retried: ${error.message} Check the outcome, then request a fresh approval if it is still needed.`;
    const filedAt = await fileApproval(ctx, doc.abs, doc.text, 'Failed', { status: 'failed', failed_reason: reason });
    await fileSourceTask(ctx, doc, 'failed', reason);
    return { approval: rel, status: 'failed', reason, filedAt };
  }
  const now = ctx.clock().toISOString();
  const done = { approval: rel, state: 'done', at: now, result, filed: false } as const;
  await deps.ledger.finish(key, done);
  await ctx.audit.record({
    action_type: `execute.${doc.action}`,
    target: rel,
    parameters: { ...doc.params, ...result },
    approval_status: 'approved',
    approved_by: 'owner',
    result: 'ok',
  });
  return fileExecuted(deps, doc, key, done);
}

/**
 * Files an executed approval and its task in Done/, then marks the ledger entry filed. Why in that order: when the
 * filing fails (Windows refuses to move a note the owner still has open in Obsidian), the next pass finds the
 * entry done but not filed and finishes the filing, instead of calling it a second approval of the same thing.
 */
async function fileExecuted(
  deps: ExecutorDeps,
  doc: ApprovalDoc,
  key: string,
  done: Omit<LedgerEntry, 'key'>,
): Promise<ExecutionOutcome> {
  const { ctx } = deps;
  const result = done.result ?? {};
  const filedAt = await fileApproval(ctx, doc.abs, doc.text, 'Done', {
    status: 'executed',
    executed_at: done.at,
    executed_by: ctx.actor,
    ...prefixKeys(result),
  });
  await fileSourceTask(ctx, doc, 'done', `${doc.action} executed`, prefixKeys(result));
  await deps.ledger.finish(key, { ...done, filed: true });
  return { approval: doc.rel, status: 'executed', filedAt, result };
}

/** The owner moved the request to Rejected/: file it and its task in Done/ as rejected. Nothing runs. */
export async function recordRejection(deps: ExecutorDeps, input: string): Promise<ExecutionOutcome> {
  const { ctx } = deps;
  const { rel, abs } = await resolveIn(ctx, input);
  if (relFolderOf(rel) !== 'Rejected') throw invalidInput(`"${rel}" is not in Rejected/.`);
  let text: TaskText;
  try {
    text = parseTaskText(await readFile(abs, 'utf8'));
  } catch (err) {
    return refuseUnreadable(deps, rel, toAppError(err).message);
  }
  const filedAt = await fileApproval(ctx, abs, text, 'Done', {
    status: 'rejected',
    rejected_at: ctx.clock().toISOString(),
  });
  const field = (key: string) => (typeof text.data[key] === 'string' ? text.data[key] : undefined);
  await fileSourceTask(
    ctx,
    { id: field('id') ?? '', created: field('created') ?? '', sourceTask: field('source_task') },
    'done',
    'rejected by the owner',
  );
  await ctx.audit.record({
    action_type: 'approval.reject',
    target: rel,
    approval_status: 'rejected',
    approved_by: 'owner',
    result: 'ok',
  });
  return { approval: rel, status: 'rejected', filedAt };
}

/** The content hash of what this approval would do now: its parameters and its text block. */
const hashOf = (doc: ApprovalDoc) => approvalContentHash(doc.action, doc.params, doc.sendText);

/**
 * The owner's decision on this approval, from this machine's evidence. When there is none yet, a file that was
 * seen in Pending_Approval/ here and has left it for Approved/ was moved by the owner (the sync never writes
 * Approved/ on local: the one door refuses it): that move is his decision, on the file as it is now.
 */
async function ownerDecisionOn(ctx: VaultContext, doc: ApprovalDoc): Promise<OwnerDecision | undefined> {
  const evidence = ownerEvidenceIn(ctx.stateDir);
  const recorded = await evidence.decisionOf(doc.id, doc.created);
  if (recorded) return recorded;
  const name = path.posix.basename(doc.rel);
  // Why no check that Pending_Approval/ no longer holds it: cloud may put a request back there at any time (an
  // addition the door takes), and that must not void the owner's move. What no pull can do is write Approved/.
  const sighting = await evidence.sightingOf(name, doc.id, doc.created);
  if (!sighting) return undefined;
  // A request first seen pending only after this file already stood in Approved/ without a decision is no move
  // of the owner's: cloud could otherwise "sight" a planted file into being approved.
  const suspicious = await evidence.suspiciousSince(doc.id, doc.created);
  if (suspicious !== undefined && sighting.seen_at >= suspicious) return undefined;
  const decision: OwnerDecision = {
    id: doc.id,
    created: doc.created,
    name,
    decision: 'approved',
    content_sha256: hashOf(doc),
    decided_at: ctx.clock().toISOString(),
    via: 'moved',
  };
  await evidence.decided(decision);
  await ctx.audit.record({
    action_type: 'approval.approve',
    target: doc.rel,
    parameters: { content_sha256: decision.content_sha256, via: 'moved' },
    approval_status: 'approved',
    approved_by: 'owner',
    result: 'ok',
  });
  return decision;
}

function firstFailedCheck(ctx: VaultContext, doc: ApprovalDoc, decision: OwnerDecision): string | undefined {
  if (hashOf(doc) !== decision.content_sha256)
    return `The approval changed after the owner's decision (${decision.via === 'command' ? 'ai-employee approve' : 'the move to Approved/'} at ${decision.decided_at}); nothing was done. Request a fresh approval.`;
  if (Date.parse(doc.expires) <= ctx.clock().getTime())
    return `The approval expired at ${doc.expires}; request a fresh one.`;
  return undefined;
}

/** No decision of the owner's on this machine: nothing runs, the file stays for him to look at, one alert. */
async function reportSuspicious(ctx: VaultContext, doc: ApprovalDoc): Promise<ExecutionOutcome> {
  const reason =
    'This machine holds no decision of the owner on it: it was not approved here with `ai-employee approve`, nor moved here from Pending_Approval/ on this machine. Nothing was done; it stays in Approved/ for you to look at. If you want it, move it back to Pending_Approval/, read it, and run `ai-employee approve Pending_Approval/<its name>`.';
  if (await ownerEvidenceIn(ctx.stateDir).reportOnce(doc.id, doc.created, ctx.clock())) {
    await ctx.audit.record({
      action_type: `execute.${doc.action}`,
      target: doc.rel,
      parameters: doc.params,
      approval_status: 'suspicious',
      result: 'denied',
      error: reason,
    });
    ctx.logger.warn({ approval: doc.rel }, 'approval without the owner’s decision: not executed');
    if (ctx.policy.has('vault.update'))
      await postUpdate(ctx, {
        title: `Not executed: ${doc.rel} has no decision of yours on this machine`,
        body: `${doc.rel} (${doc.action}) is in Approved/, but this machine never saw you approve it.\n\n${reason}`,
        level: 'alert',
        source: 'local-executor',
      });
  }
  return { approval: doc.rel, status: 'suspicious', reason, filedAt: doc.rel };
}

async function refuse(
  deps: ExecutorDeps,
  doc: ApprovalDoc,
  reason: string,
  options: { touchTask: boolean },
): Promise<ExecutionOutcome> {
  const { ctx } = deps;
  await ctx.audit.record({
    action_type: `execute.${doc.action}`,
    target: doc.rel,
    parameters: doc.params,
    approval_status: 'refused',
    result: 'denied',
    error: reason,
  });
  ctx.logger.warn({ approval: doc.rel, reason }, 'approval refused');
  const filedAt = await fileApproval(ctx, doc.abs, doc.text, 'Failed', { status: 'refused', failed_reason: reason });
  if (options.touchTask) await fileSourceTask(ctx, doc, 'failed', `Approval refused: ${reason}`);
  return { approval: doc.rel, status: 'refused', reason, filedAt };
}

async function refuseUnreadable(deps: ExecutorDeps, rel: string, reason: string): Promise<ExecutionOutcome> {
  const { ctx } = deps;
  const abs = (await resolveIn(ctx, rel)).abs;
  const raw = await readFile(abs, 'utf8');
  let text: TaskText;
  try {
    text = parseTaskText(raw);
  } catch {
    text = parseTaskText(`---\n{}\n---\n${raw}`);
  }
  await ctx.audit.record({ action_type: 'execute.unreadable', target: rel, result: 'denied', error: reason });
  const filedAt = await fileApproval(ctx, abs, text, 'Failed', { status: 'refused', failed_reason: reason });
  return { approval: rel, status: 'refused', reason, filedAt };
}

async function fileApproval(
  ctx: VaultContext,
  abs: string,
  text: TaskText,
  folder: 'Done' | 'Failed',
  fields: Record<string, unknown>,
): Promise<string> {
  setFields(text, fields);
  if (typeof fields['failed_reason'] === 'string')
    text.body = `${text.body.replace(/\s*$/, '')}\n\n## Not executed\n\n${fields['failed_reason']}\n`;
  await replaceFileDurable(abs, renderTaskText(text), { syncDir: false });
  return moveToFolder(ctx, abs, folder, path.basename(abs));
}

/**
 * Files the task the approval came from, if it is still there. `source_task` is a field of the request, which the
 * other machine may have written: it is followed only into the other machine's In_Progress/ folder, or into this
 * machine's own when this machine made the request itself (owner-evidence.ts), never anywhere else. A task that
 * cannot be read is left for a human; the approval's own outcome stands either way.
 */
async function fileSourceTask(
  ctx: VaultContext,
  approval: { id: string; created: string; sourceTask: string | undefined },
  outcome: 'done' | 'failed',
  note: string,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const source = approval.sourceTask;
  if (!source) return;
  const own = await ownerEvidenceIn(ctx.stateDir).isOwnRequest(approval.id, approval.created);
  const folder = inProgressFolder(own ? ctx.role : otherRole(ctx.role));
  if (relFolderOf(source) !== folder) {
    ctx.logger.warn({ approval: approval.id, source }, 'source_task outside the requester’s In_Progress/: left alone');
    return;
  }
  try {
    const resolved = await resolveIn(ctx, source);
    const task = parseTaskText(await readFile(resolved.abs, 'utf8'));
    if (outcome === 'done') await completeLoaded(ctx, resolved.rel, resolved.abs, task, note, undefined, extra);
    else await failLoaded(ctx, resolved.rel, resolved.abs, task, note);
  } catch (err) {
    // Already filed (an earlier run), never synced here, or not a readable task any more.
    ctx.logger.warn({ approval: approval.id, source, err: toAppError(err).message }, 'source task not filed');
  }
}

function prefixKeys(result: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(result).map(([k, v]) => [`result_${k}`, v]));
}
