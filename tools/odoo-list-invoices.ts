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
    state: z.enum(['draft', 'posted', 'cancel']).optional(),
    payment_state: z.string().max(32).optional(),
    partner_id: z.number().int().positive().optional(),
    limit: z.number().int().min(1).max(200).optional().describe('Default 50'),
  },
  output: { invoices: z.array(invoiceShape) },
  async run(args, { odoo }) {
    const invoices = await odoo!.listInvoices({
      state: args.state,
      payment_state: args.payment_state,
      partnerId: args.partner_id,
      limit: args.limit ?? 50,
    });
    return { invoices: invoices.map(invoiceView) };
  },
});
