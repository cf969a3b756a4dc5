import { z } from 'zod';
import { draftInvoiceWithApproval } from '../src/core/actions/draft-invoice.js';
import { invalidInput } from '../src/core/errors.js';
import { defineTool } from './define.js';
import { watchOdoo } from './odoo-progress.js';
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
      .strictObject({
        id: z.number().int().positive().optional().describe('An existing customer (res.partner id)'),
        name: z.string().min(1).max(200).optional().describe('The customer by name; created if missing'),
        email: z
          .string()
          .email()
          .optional()
          .describe('With name: the email that tells two customers of one name apart'),
      })
      .describe('The customer: {id}, or {name, email?}'),
    lines: z
      .array(
        z
          .strictObject({
            name: z.string().min(1).max(500).describe('The line text, e.g. "Consulting, March"'),
            quantity: z.number().positive().describe('How many units'),
            price_unit: z.number().min(0).describe('Price of one unit, before tax, in the invoice currency'),
            product_id: z.number().int().positive().optional().describe('An Odoo product (product.product id)'),
            tax_ids: z
              .array(z.number().int().positive())
              .optional()
              .describe('Taxes (account.tax ids); omit for the product or company default'),
          })
          .describe('One invoice line'),
      )
      .min(1)
      .max(200)
      .describe('The invoice lines, at least one'),
    invoice_date: z.iso.date().optional().describe('YYYY-MM-DD; default: Odoo sets it when the invoice is posted'),
    due_date: z.iso.date().optional().describe("YYYY-MM-DD; a partner's payment terms override it"),
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
  async run(args, { vault, odoo }, { progress }) {
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
    // Why steps from the client's calls: the draft and its approval are made in core, in one call; watching the
    // two Odoo round trips it makes tells the caller where a slow Odoo is.
    const STEPS = 4;
    await progress(0, STEPS, task ? `Read ${task.rel}` : 'Checked the request');
    const client = watchOdoo(odoo!, {
      findOrCreatePartner: () => progress(1, STEPS, 'Finding (or creating) the partner in Odoo'),
      createDraftInvoice: () =>
        progress(2, STEPS, 'Creating the draft invoice in Odoo (or finding the one made before)'),
    });
    const outcome = await draftInvoiceWithApproval(vault.ctx, client, { ...args, partner, task });
    await progress(
      STEPS,
      STEPS,
      `Draft invoice #${outcome.invoice_id} ${outcome.created ? 'created' : 'found'}; approval request written: ${outcome.approval}`,
    );
    return outcome;
  },
});
