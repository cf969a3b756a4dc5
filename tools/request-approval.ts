import { z } from 'zod';
import { APPROVAL_ACTION_NAMES } from '../src/core/vault/approval-actions.js';
import { defineTool } from './define.js';
import { vaultPathInput } from './shapes.js';

export default defineTool({
  name: 'request_approval',
  title: 'Request approval',
  description:
    'Asks the owner to approve an action: writes Pending_Approval/<PREFIX>_<task>.md and marks the task awaiting approval. Actions and their params: send_email {to, subject, cc?, thread_id?, in_reply_to?}; post_invoice {invoice_id, amount, currency, partner?}; register_payment {invoice_id, amount, currency, payment_date?, recipient?}; publish_reply {platform: x|facebook|messenger|instagram, target_id, recipient?}. send_email and publish_reply need draft (from write_draft): the draft text is copied into the request, which is what the owner reads, may edit, and what is sent. Only the owner, on the local machine, can approve.',
  requires: ['approval.request'],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  input: {
    task: vaultPathInput.describe('The claimed task this approval is for'),
    action: z.enum(APPROVAL_ACTION_NAMES as [string, ...string[]]),
    params: z.record(z.string(), z.unknown()).describe("The action's parameters"),
    draft: vaultPathInput
      .optional()
      .describe('The draft file from write_draft; required for send_email and publish_reply'),
    reason: z.string().max(2000).optional().describe('Why this should be approved, in plain words'),
    expires_in_hours: z.number().positive().max(720).optional().describe('Default 48'),
  },
  output: {
    path: z.string(),
    id: z.string(),
    action: z.string(),
    content_sha256: z.string(),
    expires: z.string(),
    task: z.string().optional(),
  },
  async run(args, { vault }) {
    return vault.requestApproval({
      task: args.task,
      action: args.action,
      params: args.params,
      draft: args.draft,
      reason: args.reason,
      expiresInHours: args.expires_in_hours,
    });
  },
});
