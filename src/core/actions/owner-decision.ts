import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { invalidInput, policyDenied } from '../errors.js';
import {
  APPROVAL_ACTIONS,
  approvalContentHash,
  paramsFromFrontmatter,
  type ApprovalAction,
} from '../vault/approval-actions.js';
import { absOf, relFolderOf, resolveIn, type VaultContext } from '../vault/context.js';
import { moveNoClobber, replaceFileDurable } from '../vault/durable.js';
import { parseTaskText, renderTaskText, setFields } from '../vault/frontmatter.js';

/**
 * The owner's decision from the command line, on Local only: `approve` re-hashes the file as it is now — so an
 * edit the owner made before approving is what gets approved — then moves it to Approved/; `reject` moves it to
 * Rejected/. Moving the file in Obsidian does the same for an unedited request.
 */
export async function ownerDecides(ctx: VaultContext, input: string, decision: 'approve' | 'reject'): Promise<string> {
  if (ctx.role !== 'local') throw policyDenied('Only the owner, on the local machine, can approve or reject.');
  ctx.policy.require('approval.execute', 'Approving');
  const { rel, abs } = await resolveIn(ctx, input);
  if (relFolderOf(rel) !== 'Pending_Approval') throw invalidInput(`"${rel}" is not in Pending_Approval/.`);
  const text = parseTaskText(await readFile(abs, 'utf8'));
  const action = text.data['action'];
  if (text.data['type'] !== 'approval_request' || typeof action !== 'string' || !(action in APPROVAL_ACTIONS)) {
    throw invalidInput(`"${rel}" is not an approval request.`);
  }
  const now = ctx.clock().toISOString();
  if (decision === 'approve') {
    const params = paramsFromFrontmatter(action as ApprovalAction, text.data);
    const parsed = APPROVAL_ACTIONS[action as ApprovalAction].params.safeParse(params);
    if (!parsed.success)
      throw invalidInput(
        `Your edit left invalid parameters: ${parsed.error.issues[0]?.message}; fix the file and approve again.`,
      );
    let draftBody = '';
    if (typeof text.data['draft'] === 'string')
      draftBody = parseTaskText(await readFile((await resolveIn(ctx, text.data['draft'])).abs, 'utf8')).body;
    setFields(text, {
      content_sha256: approvalContentHash(action, params, draftBody),
      approved_at: now,
      approved_by: 'owner',
    });
  } else {
    setFields(text, { rejected_at: now, rejected_by: 'owner' });
  }
  await replaceFileDurable(abs, renderTaskText(text), { syncDir: false });
  const dest = `${decision === 'approve' ? 'Approved' : 'Rejected'}/${path.posix.basename(rel)}`;
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
