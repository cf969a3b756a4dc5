import { readFile } from 'node:fs/promises';
import { conflict, invalidInput } from '../errors.js';
import { absOf, resolveIn, stemOf, type VaultContext } from './context.js';
import { createFileDurable } from './durable.js';
import { newTaskText, parseTaskText } from './frontmatter.js';
import { APPROVAL_ACTIONS, approvalContentHash, type ApprovalAction } from './approval-actions.js';
import { normaliseApprovalText, renderTextBlock } from './approval-text.js';
import { ownerEvidenceIn, sightApproval } from './owner-evidence.js';
import { markAwaitingApproval, loadClaimed } from './transitions.js';

export interface ApprovalRequest {
  /** The claimed task this approval is for; without one, `subject` names what it is about. */
  task?: string;
  /** With no task: a short name for the file, e.g. `invoice-42` (letters, digits, `-` and `_`). */
  subject?: string;
  action: string;
  params: Record<string, unknown>;
  draft?: string;
  reason?: string;
  expiresInHours?: number;
}

export interface ApprovalResult {
  path: string;
  id: string;
  action: ApprovalAction;
  content_sha256: string;
  expires: string;
  task: string | undefined;
}

const DEFAULT_EXPIRY_HOURS = 48;
const MAX_EXPIRY_HOURS = 24 * 30;

function describe(action: ApprovalAction, params: Record<string, unknown>): string {
  switch (action) {
    case 'send_email':
      return `send an email to **${String(params['to'])}** with the subject "${String(params['subject'])}"`;
    case 'post_invoice':
      return `post invoice #${String(params['invoice_id'])} in Odoo for **${String(params['amount'])} ${String(params['currency'])}**`;
    case 'register_payment':
      return `register a payment of **${String(params['amount'])} ${String(params['currency'])}** on invoice #${String(params['invoice_id'])}`;
    case 'publish_reply':
      return `publish a public reply on ${String(params['platform'])} to ${String(params['target_id'])}`;
  }
}

/**
 * Writes `Pending_Approval/<PREFIX>_<task>.md` and marks the task awaiting approval. Asking twice with the
 * same content returns the existing request (a retry after a crash); different content is a conflict.
 */
export async function requestApproval(ctx: VaultContext, req: ApprovalRequest): Promise<ApprovalResult> {
  ctx.policy.require('approval.request', 'Requesting an approval');
  if (!(req.action in APPROVAL_ACTIONS)) {
    throw invalidInput(`Unknown action "${req.action}"; use one of: ${Object.keys(APPROVAL_ACTIONS).join(', ')}.`);
  }
  const action = req.action as ApprovalAction;
  const spec = APPROVAL_ACTIONS[action];
  const parsed = spec.params.safeParse(req.params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalidInput(
      `params for ${action} are invalid at ${issue?.path.join('.') || '(params)'}: ${issue?.message}.`,
    );
  }
  const params = parsed.data as Record<string, unknown>;
  const hours = req.expiresInHours ?? DEFAULT_EXPIRY_HOURS;
  if (!(hours > 0 && hours <= MAX_EXPIRY_HOURS))
    throw invalidInput(`expires_in_hours must be between 0 and ${MAX_EXPIRY_HOURS}.`);

  const claimed = req.task === undefined ? undefined : await loadClaimed(ctx, req.task);
  const stem = claimed ? stemOf(claimed.rel) : req.subject;
  if (stem === undefined || !/^[A-Za-z0-9_-]{1,120}$/.test(stem)) {
    throw invalidInput(
      'Give the claimed task this approval is for ("task"), or a short "subject" of letters, digits, "-" and "_".',
    );
  }
  let draftRel: string | undefined;
  let text = '';
  if (req.draft !== undefined) {
    const draft = await resolveIn(ctx, req.draft);
    const parsedDraft = parseTaskText(await readFile(draft.abs, 'utf8'));
    if (parsedDraft.data['type'] !== 'draft')
      throw invalidInput(`"${draft.rel}" is not a draft; pass the path write_draft returned.`);
    draftRel = draft.rel;
    if (spec.sendsText) text = normaliseApprovalText(parsedDraft.body);
  }
  if (spec.sendsText && text === '')
    throw invalidInput(
      `${action} sends a text: write it with write_draft first, and pass the draft's path as "draft".`,
    );

  const id = `${spec.prefix}_${stem}`;
  const rel = `Pending_Approval/${id}.md`;
  ctx.policy.requireWritable(rel, 'Requesting an approval');
  const hash = approvalContentHash(action, params, text);
  const now = ctx.clock();
  let expires = new Date(now.getTime() + hours * 3_600_000).toISOString();
  const fileText = newTaskText(
    {
      type: 'approval_request',
      id,
      action,
      ...params,
      reason: req.reason ?? (claimed ? `Requested while handling ${claimed.rel}` : `Requested for ${stem}`),
      created: now.toISOString(),
      expires,
      status: 'pending',
      requested_by: ctx.actor,
      source_task: claimed?.rel,
      source_task_id: claimed?.task.data['id'],
      draft: draftRel,
      content_sha256: hash,
    },
    [
      `# Approval needed: ${action.replace('_', ' ')}`,
      '',
      `If you approve, the AI employee will ${describe(action, params)}.`,
      '',
      ...(spec.sendsText
        ? [
            'The text, exactly as it will be sent (you may edit it here before you decide):',
            '',
            renderTextBlock(text),
            '',
          ]
        : []),
      `- **To approve:** move this file to \`Approved/\` (or run \`ai-employee approve ${rel}\`).`,
      `- **To reject:** move it to \`Rejected/\`.`,
      `- It expires at ${expires}; after that it will not be executed.`,
      `- What you approve is what this file says when you decide: its parameters above and the text block. A change after your decision stops it.`,
    ].join('\n'),
  );
  let createdHere = true;
  try {
    await createFileDurable(await absOf(ctx, rel), fileText);
  } catch (err) {
    createdHere = false;
    if ((err as { code?: string }).code !== 'conflict') throw err;
    const existing = parseTaskText(await readFile(await absOf(ctx, rel), 'utf8')).data;
    if (existing['content_sha256'] !== hash) {
      throw conflict(
        `An approval request ${rel} with different content is already pending; wait for the owner's decision.`,
      );
    }
    // The same request again (a retry): answer with the file as it stands, not a newly computed expiry.
    if (typeof existing['expires'] === 'string') expires = existing['expires'];
  }
  // On the machine that executes approvals, its own request was seen pending here (the owner may approve it by
  // moving it), and is remembered as its own (only such a request may file a task of this machine's).
  if (ctx.policy.has('approval.execute') && ctx.stateDir !== undefined) {
    const evidence = ownerEvidenceIn(ctx.stateDir);
    await sightApproval(evidence, `${id}.md`, await readFile(await absOf(ctx, rel), 'utf8'), now);
    if (createdHere) await evidence.ownRequest(id, now.toISOString());
  }
  if (claimed) await markAwaitingApproval(ctx, claimed.rel, rel);
  await ctx.audit.record({
    action_type: 'approval.request',
    target: rel,
    parameters: { action, ...params, task: claimed?.rel },
    approval_status: 'pending',
    result: 'ok',
  });
  return { path: rel, id, action, content_sha256: hash, expires, task: claimed?.rel };
}
