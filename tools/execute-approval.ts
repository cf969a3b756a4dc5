import { executeApproved } from '../src/core/actions/executor.js';
import { readApprovalFile } from '../src/core/actions/approval-file.js';
import { AppError, invalidInput } from '../src/core/errors.js';
import type { ApprovalAction } from '../src/core/vault/approval-actions.js';
import type { ToolCall, ToolDeps } from './define.js';

/**
 * Shared by the tools that execute an approval (odoo_post_invoice, odoo_register_payment, send_email,
 * publish_reply): the approval must be of the tool's own action, then the executor runs every check (once, the
 * owner's decision on this machine, the hash at that decision, expiry, the live state of the target) before acting.
 */
export async function executeApprovalTool(
  deps: ToolDeps,
  approval: string,
  action: ApprovalAction,
  { progress }: ToolCall,
) {
  const executor = deps.executor!;
  await progress(0, 2, `Reading ${approval}`);
  const doc = await readApprovalFile(executor.ctx, approval);
  if (doc.action !== action)
    throw invalidInput(`"${doc.rel}" approves ${doc.action}, not ${action}; use the matching tool.`);
  await progress(1, 2, `Checking the owner's decision, then running ${action}`);
  const outcome = await executeApproved(executor, approval);
  if (outcome.status !== 'executed') {
    throw new AppError(
      'conflict',
      `Not executed: ${outcome.reason ?? outcome.status} The approval ${outcome.filedAt === outcome.approval ? 'stays' : 'is now'} in ${outcome.filedAt}.`,
    );
  }
  await progress(2, 2, `Executed ${action}; the approval is filed at ${outcome.filedAt}`);
  return {
    approval: outcome.approval,
    status: outcome.status,
    filed_at: outcome.filedAt,
    result: outcome.result ?? {},
  };
}
