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
      to: z.string().min(3),
      subject: z.string(),
      cc: z.string().optional(),
      thread_id: z.string().optional(),
      in_reply_to: z.string().optional(),
    }),
  },
  post_invoice: {
    prefix: 'ODOO_POST_INVOICE',
    executes: 'odoo.post_invoice',
    sendsText: false,
    params: z.strictObject({
      invoice_id: z.number().int().positive(),
      amount: z.number().nonnegative(),
      currency: z.string().length(3),
      partner: z.string().optional(),
    }),
  },
  register_payment: {
    prefix: 'ODOO_PAYMENT',
    executes: 'odoo.register_payment',
    sendsText: false,
    params: z.strictObject({
      invoice_id: z.number().int().positive(),
      amount: z.number().positive(),
      currency: z.string().length(3),
      payment_date: z.string().optional(),
      recipient: z.string().optional(),
    }),
  },
  publish_reply: {
    prefix: 'SOCIAL_REPLY',
    executes: 'social.reply',
    sendsText: true,
    params: z.strictObject({
      platform: z.enum(['x', 'facebook', 'messenger', 'instagram']),
      target_id: z.string().min(1),
      recipient: z.string().optional(),
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
