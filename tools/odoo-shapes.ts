import { z } from 'zod';
import type { Invoice } from '../src/core/odoo/types.js';

/** The invoice as Odoo tools return it. */
export const invoiceShape = z.object({
  id: z.number(),
  number: z.string().nullable().describe('The invoice number; null while a draft'),
  state: z.string(),
  payment_state: z.string(),
  partner: z.string().nullable(),
  currency: z.string().nullable(),
  amount_untaxed: z.number(),
  amount_tax: z.number(),
  amount_total: z.number(),
  amount_residual: z.number(),
  invoice_date: z.string().nullable(),
  due_date: z.string().nullable(),
  origin: z.string().nullable(),
});

export function invoiceView(invoice: Invoice): z.infer<typeof invoiceShape> {
  return {
    id: invoice.id,
    number: invoice.name,
    state: invoice.state,
    payment_state: invoice.payment_state,
    partner: invoice.partner?.name ?? null,
    currency: invoice.currency?.name ?? null,
    amount_untaxed: invoice.amount_untaxed,
    amount_tax: invoice.amount_tax,
    amount_total: invoice.amount_total,
    amount_residual: invoice.amount_residual,
    invoice_date: invoice.invoice_date,
    due_date: invoice.invoice_date_due,
    origin: invoice.invoice_origin,
  };
}

/** What an approval-executing tool returns. */
export const executionShape = {
  approval: z.string().describe('The approval file as it was given'),
  status: z.string().describe('executed'),
  filed_at: z.string().describe('Where the approval file is now (Done/...)'),
  result: z.record(z.string(), z.unknown()),
};
