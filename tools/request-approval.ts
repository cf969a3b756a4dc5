import { z } from 'zod';
import { invalidInput } from '../src/core/errors.js';
import { APPROVAL_ACTIONS, APPROVAL_ACTION_NAMES, type ApprovalAction } from '../src/core/vault/approval-actions.js';
import { defineTool } from './define.js';
import { describeIssues, keysAt } from './input.js';
import { vaultPathInput } from './shapes.js';

/**
 * `params`, one closed shape per action, each titled by its action: tools/list shows an agent what each action
 * takes. Why not a discriminated union: the discriminator, `action`, sits beside `params`, not in it, and a union
 * at the top of an input schema is refused by common clients. Which shape goes with which action is checked in
 * `checkInput`, with a message that names that action's keys.
 */
const paramsVariants = APPROVAL_ACTION_NAMES.map((action) =>
  APPROVAL_ACTIONS[action].params.meta({ title: action, description: `params when action is "${action}"` }),
);

export default defineTool({
  name: 'request_approval',
  title: 'Request approval',
  description:
    'Asks the owner to approve an action: writes Pending_Approval/<PREFIX>_<task>.md and marks the task awaiting approval. Actions and their params: send_email {to, subject, cc?, thread_id?, in_reply_to?}; post_invoice {invoice_id, amount, currency, partner?}; register_payment {invoice_id, amount, currency, payment_date?, recipient?}; publish_reply {platform: x|facebook|messenger|instagram, target_id, recipient?}. send_email and publish_reply need draft (from write_draft): the draft text is copied into the request, which is what the owner reads, may edit, and what is sent. Only the owner, on the local machine, can approve. Asking again with the same content returns the request as it stands.',
  requires: ['approval.request'],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  input: {
    task: vaultPathInput.describe('The claimed task this approval is for, e.g. "In_Progress/cloud/EMAIL_123.md"'),
    action: z.enum(APPROVAL_ACTION_NAMES as [ApprovalAction, ...ApprovalAction[]]).describe('What the owner approves'),
    params: z
      .union(paramsVariants as unknown as [z.ZodObject, z.ZodObject, ...z.ZodObject[]])
      .describe("The action's parameters: the shape titled with the action's name"),
    draft: vaultPathInput
      .optional()
      .describe('The draft file from write_draft; required for send_email and publish_reply'),
    reason: z.string().max(2000).optional().describe('Why this should be approved, in plain words'),
    expires_in_hours: z
      .number()
      .positive()
      .max(720)
      .optional()
      .describe('Hours until the request expires unexecuted (default 48, at most 720)'),
  },
  checkInput(raw) {
    const action = raw['action'];
    const params = raw['params'];
    if (typeof action !== 'string' || !(action in APPROVAL_ACTIONS)) return; // the schema names the actions
    if (params === null || typeof params !== 'object' || Array.isArray(params)) return; // the schema says: an object
    const schema = APPROVAL_ACTIONS[action as ApprovalAction].params;
    const parsed = schema.safeParse(params);
    if (parsed.success) return;
    const message = describeIssues('request_approval.params', schema, parsed.error.issues);
    // An unknown key's message already lists the keys; any other problem gets the list too.
    const listed = parsed.error.issues.some((i) => i.code === 'unrecognized_keys' && i.path.length === 0);
    throw invalidInput(
      `${message.replace(/\.$/, '')}${listed ? '' : `; it takes ${keysAt(schema, [])}`} (the params of ${action}).`,
    );
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
