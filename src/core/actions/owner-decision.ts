import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { invalidInput, policyDenied } from '../errors.js';
import {
  APPROVAL_ACTIONS,
  approvalContentHash,
  paramsFromFrontmatter,
  type ApprovalAction,
} from '../vault/approval-actions.js';
import { heldFileError, isBusyError, whileBusy } from '../vault/busy.js';
import { absOf, relFolderOf, resolveIn, type VaultContext } from '../vault/context.js';
import { moveNoClobber, replaceFileDurable } from '../vault/durable.js';
import { extractApprovalText } from '../vault/approval-text.js';
import { ownerEvidenceIn } from '../vault/owner-evidence.js';
import { parseTaskText, renderTaskText, setFields } from '../vault/frontmatter.js';

/**
 * Reads the request, waiting out a program that holds it open without sharing it even for reading (possible on
 * Windows; seen under Wine in test/e2e/windows-wine.test.ts). Still held: the same one-line answer as a held move,
 * and the request stays in Pending_Approval/ untouched.
 */
async function readRequest(abs: string, rel: string): Promise<string> {
  try {
    return await whileBusy(() => readFile(abs, 'utf8'));
  } catch (err) {
    throw isBusyError(err) ? heldFileError(rel, err) : err;
  }
}

/**
 * The owner's decision from the command line, on Local only: `approve` hashes the file as it is now (parameters
 * and text block) — so an edit the owner made before approving is what gets approved — records that decision in
 * this machine's state folder (owner-evidence.ts), then moves the file to Approved/; `reject` moves it to
 * Rejected/. Moving the file in Obsidian does the same: the executor records the move as the decision.
 */
export async function ownerDecides(ctx: VaultContext, input: string, decision: 'approve' | 'reject'): Promise<string> {
  if (ctx.role !== 'local') throw policyDenied('Only the owner, on the local machine, can approve or reject.');
  ctx.policy.require('approval.execute', 'Approving');
  const { rel, abs } = await resolveIn(ctx, input);
  if (relFolderOf(rel) !== 'Pending_Approval') throw invalidInput(`"${rel}" is not in Pending_Approval/.`);
  const text = parseTaskText(await readRequest(abs, rel));
  const action = text.data['action'];
  if (text.data['type'] !== 'approval_request' || typeof action !== 'string' || !(action in APPROVAL_ACTIONS)) {
    throw invalidInput(`"${rel}" is not an approval request.`);
  }
  const now = ctx.clock().toISOString();
  const dest = `${decision === 'approve' ? 'Approved' : 'Rejected'}/${path.posix.basename(rel)}`;
  if (decision === 'approve') {
    const spec = APPROVAL_ACTIONS[action as ApprovalAction];
    const params = paramsFromFrontmatter(action as ApprovalAction, text.data);
    const parsed = spec.params.safeParse(params);
    if (!parsed.success)
      throw invalidInput(
        `Your edit left invalid parameters: ${parsed.error.issues[0]?.message}; fix the file and approve again.`,
      );
    let sendText = '';
    if (spec.sendsText) {
      const block = extractApprovalText(text.body);
      if ('problem' in block)
        throw invalidInput(`"${rel}" cannot be approved: ${block.problem}. Mend the file, or reject it.`);
      sendText = block.text;
    }
    const id = text.data['id'];
    const created = text.data['created'];
    if (typeof id !== 'string' || typeof created !== 'string')
      throw invalidInput(`"${rel}" has no id or created date; reject it and request a fresh approval.`);
    const contentSha256 = approvalContentHash(action, params, sendText);
    setFields(text, { content_sha256: contentSha256, approved_at: now, approved_by: 'owner' });
    // Why before the move: the decision must be on record when the executor sees the file in Approved/.
    await ownerEvidenceIn(ctx.stateDir).decided({
      id,
      created,
      name: path.posix.basename(rel),
      decision: 'approved',
      content_sha256: contentSha256,
      decided_at: now,
      via: 'command',
    });
  } else {
    setFields(text, { rejected_at: now, rejected_by: 'owner' });
  }
  await replaceFileDurable(abs, renderTaskText(text), { syncDir: false });
  await moveNoClobber(abs, await absOf(ctx, dest));
  await ctx.audit.record({
    action_type: `approval.${decision}`,
    target: dest,
    approval_status: decision === 'approve' ? 'approved' : 'rejected',
    approved_by: 'owner',
    result: 'ok',
  });
  return dest;
}
