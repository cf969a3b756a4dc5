import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Capability } from '../policy/capabilities.js';

/**
 * The actions an approval can authorise (DESIGN §3), each with the parameters it carries in the approval
 * file's frontmatter, the file-name prefix, the capability needed to execute it, and whether it sends a text
 * (carried in the approval file's text block, see approval-text.ts).
 */
export const APPROVAL_ACTIONS = {
  send_email: {
    prefix: 'EMAIL_SEND',
    executes: 'mail.send',
    sendsText: true,
    params: z.strictObject({
      to: z.string().min(3).describe('The recipient address, e.g. "customer@example.com"'),
      subject: z.string().describe('The subject line, e.g. "Re: Your order"'),
      cc: z.string().optional().describe('Copy to these addresses, comma-separated'),
      thread_id: z.string().optional().describe('The Gmail thread to reply in (from the task)'),
      in_reply_to: z.string().optional().describe('The Message-ID of the mail this answers (from the task)'),
    }),
  },
  post_invoice: {
    prefix: 'ODOO_POST_INVOICE',
    executes: 'odoo.post_invoice',
    sendsText: false,
    params: z.strictObject({
      invoice_id: z.number().int().positive().describe('The draft invoice (account.move id)'),
      amount: z.number().nonnegative().describe('Its total; posting is refused if Odoo then says otherwise'),
      currency: z.string().length(3).describe('ISO code, e.g. "EUR"'),
      partner: z.string().optional().describe('The customer, as the owner should read it'),
    }),
  },
  register_payment: {
    prefix: 'ODOO_PAYMENT',
    executes: 'odoo.register_payment',
    sendsText: false,
    params: z.strictObject({
      invoice_id: z.number().int().positive().describe('The posted invoice (account.move id)'),
      amount: z.number().positive().describe('The amount paid'),
      currency: z.string().length(3).describe('ISO code, e.g. "EUR"'),
      payment_date: z.string().optional().describe('YYYY-MM-DD; default the day it is executed'),
      recipient: z.string().optional().describe('Who paid, as the owner should read it'),
    }),
  },
  publish_reply: {
    prefix: 'SOCIAL_REPLY',
    executes: 'social.reply',
    sendsText: true,
    params: z.strictObject({
      platform: z.enum(['x', 'facebook', 'messenger', 'instagram']).describe('Where the reply is published'),
      target_id: z.string().min(1).describe('The post, comment or conversation id to answer (from the task)'),
      recipient: z.string().optional().describe('Who is answered, e.g. "@customer", as the owner should read it'),
    }),
  },
} as const satisfies Record<string, { prefix: string; executes: Capability; sendsText: boolean; params: z.ZodType }>;

export type ApprovalAction = keyof typeof APPROVAL_ACTIONS;
export const APPROVAL_ACTION_NAMES = Object.keys(APPROVAL_ACTIONS) as ApprovalAction[];

/** JSON with sorted keys at every depth, so that the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * `content_sha256`: over the action, its parameters and the text block — exactly what the executor acts on and
 * nothing else, so any change to what will happen changes it. `text` is '' for actions that send none.
 */
export function approvalContentHash(action: string, params: Record<string, unknown>, text: string): string {
  return createHash('sha256').update(canonicalJson({ action, params, text })).digest('hex');
}

/** Picks an action's parameters back out of an approval file's frontmatter (for re-hashing at execution). */
export function paramsFromFrontmatter(action: ApprovalAction, data: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(APPROVAL_ACTIONS[action].params.shape);
  return Object.fromEntries(keys.filter((k) => data[k] !== undefined).map((k) => [k, data[k]]));
}
