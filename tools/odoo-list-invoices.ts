import { z } from 'zod';
import { defineTool } from './define.js';
import { invoiceShape, invoiceView } from './odoo-shapes.js';

export default defineTool({
  name: 'odoo_list_invoices',
  title: 'List invoices',
  description:
    'Lists customer invoices, newest first, optionally by state (draft, posted, cancel), payment state or partner id.',
  requires: ['odoo.read'],
  needs: ['odoo'],
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  input: {
    state: z.enum(['draft', 'posted', 'cancel']).optional().describe('Only invoices in this state'),
    payment_state: z
      .enum(['not_paid', 'in_payment', 'paid', 'partial', 'reversed', 'blocked', 'invoicing_legacy'])
      .optional()
      .describe("Only invoices with this payment state (Odoo's values)"),
    partner_id: z.number().int().positive().optional().describe("Only this customer's invoices (res.partner id)"),
    limit: z.number().int().min(1).max(200).optional().describe('At most this many (default 50)'),
  },
  output: { invoices: z.array(invoiceShape) },
  async run(args, { odoo }, { progress }) {
    await progress(0, 1, 'Listing invoices in Odoo');
    const invoices = await odoo!.listInvoices({
      state: args.state,
      payment_state: args.payment_state,
      partnerId: args.partner_id,
      limit: args.limit ?? 50,
    });
    await progress(1, 1, `Found ${invoices.length} invoice(s)`);
    return { invoices: invoices.map(invoiceView) };
  },
});
