import { z } from 'zod';
import { draftInvoiceWithApproval } from '../src/core/actions/draft-invoice.js';
import { invalidInput } from '../src/core/errors.js';
import { defineTool } from './define.js';
import { vaultPathInput } from './shapes.js';

export default defineTool({
  name: 'odoo_create_draft_invoice',
  title: 'Create a draft invoice',
  description:
    'Creates a DRAFT customer invoice in Odoo (never posted) and writes the approval request to post it (Pending_Approval/ODOO_POST_INVOICE_*.md). Partner by id, or by name (and email): created if missing. Idempotent: the same task never makes a second invoice; without a task, the same request on the same day (or with the same invoice_date) returns the first one.',
  requires: ['odoo.draft_invoice', 'approval.request'],
  needs: ['odoo'],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  input: {
    partner: z
      .object({
        id: z.number().int().positive().optional(),
        name: z.string().min(1).max(200).optional(),
        email: z.string().email().optional(),
      })
      .describe('{id} or {name, email?}'),
    lines: z
      .array(
        z.object({
          name: z.string().min(1).max(500),
          quantity: z.number().positive(),
          price_unit: z.number().min(0),
          product_id: z.number().int().positive().optional(),
          tax_ids: z.array(z.number().int().positive()).optional(),
        }),
      )
      .min(1)
      .max(200),
    invoice_date: z.iso.date().optional(),
    due_date: z.iso.date().optional(),
    ref: z.string().max(200).optional().describe("The customer's reference"),
    currency: z.string().length(3).optional().describe('ISO code, e.g. EUR; default the company currency'),
    task: vaultPathInput
      .optional()
      .describe('The claimed task this invoice is for, e.g. "In_Progress/cloud/ODOO_DRAFT_INVOICE_7.md"'),
  },
  output: {
    invoice_id: z.number(),
    created: z.boolean().describe('false when the invoice already existed for this task or request'),
    state: z.string(),
    partner: z.string(),
    currency: z.string(),
    amount_untaxed: z.number(),
    amount_tax: z.number(),
    amount_total: z.number(),
    origin: z.string(),
    approval: z.string().describe('The approval request to post it'),
  },
  async run(args, { vault, odoo }) {
    const partner =
      args.partner.id !== undefined
        ? { id: args.partner.id }
        : args.partner.name !== undefined
          ? { name: args.partner.name, email: args.partner.email }
          : undefined;
    if (!partner) throw invalidInput('partner needs an "id", or a "name" (and optionally an "email").');
    let task: { rel: string; id: string; stem: string } | undefined;
    if (args.task !== undefined) {
      const view = await vault.readTask(args.task);
      task = {
        rel: view.path,
        id: String(view.frontmatter['id'] ?? view.path),
        stem: view.path.replace(/^.*\//, '').replace(/\.md$/, ''),
      };
    }
    return draftInvoiceWithApproval(vault.ctx, odoo!, { ...args, partner, task });
  },
});
