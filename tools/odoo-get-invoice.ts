import { z } from 'zod';
import { defineTool } from './define.js';
import { invoiceShape, invoiceView } from './odoo-shapes.js';

export default defineTool({
  name: 'odoo_get_invoice',
  title: 'Get an invoice',
  description: 'Reads one customer invoice from Odoo: state, number, partner, amounts and payment state.',
  requires: ['odoo.read'],
  needs: ['odoo'],
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  input: { id: z.number().int().positive().describe('The invoice (account.move) id') },
  output: { invoice: invoiceShape },
  async run({ id }, { odoo }, { progress }) {
    await progress(0, 1, `Reading invoice ${id} from Odoo`);
    const invoice = invoiceView(await odoo!.getInvoice(id));
    await progress(1, 1, `Read invoice ${id} (${invoice.state})`);
    return { invoice };
  },
});
