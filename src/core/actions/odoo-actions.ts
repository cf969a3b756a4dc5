import { conflict } from '../errors.js';
import type { Invoice, OdooClient } from '../odoo/types.js';
import type { ApprovalDoc } from './approval-file.js';
import type { ActionHandler } from './handler.js';

/** Money compares to the cent: Odoo's floats must not make an approved 115.00 differ from 114.999999. */
const cents = (amount: number) => Math.round(amount * 100);

function currencyOf(invoice: Invoice): string | undefined {
  return invoice.currency?.name;
}

function assertCurrency(invoice: Invoice, approval: ApprovalDoc): void {
  const approved = String(approval.params['currency']).toUpperCase();
  const actual = currencyOf(invoice)?.toUpperCase();
  if (actual !== undefined && actual !== approved) {
    throw conflict(`Invoice #${invoice.id} is in ${actual}, but ${approved} was approved; nothing was done.`);
  }
}

/**
 * post_invoice (DESIGN §5): posts only if the invoice is still a draft and its total still equals the
 * approved amount — an invoice edited in Odoo after the request must be approved again.
 */
export function postInvoiceHandler(odoo: OdooClient): ActionHandler {
  return {
    action: 'post_invoice',
    async execute(approval) {
      const id = Number(approval.params['invoice_id']);
      const invoice = await odoo.getInvoice(id);
      if (invoice.state !== 'draft')
        throw conflict(`Invoice #${id} is ${invoice.state}, not a draft; nothing was posted.`);
      if (cents(invoice.amount_total) !== cents(Number(approval.params['amount']))) {
        throw conflict(
          `Invoice #${id} totals ${invoice.amount_total}, but ${String(approval.params['amount'])} was approved; nothing was posted.`,
        );
      }
      assertCurrency(invoice, approval);
      const posted = await odoo.postInvoice(id);
      return { invoice_id: id, invoice_number: posted.name, state: posted.state, amount_total: posted.amount_total };
    },
  };
}

/** register_payment: only on a posted invoice, for no more than is left to pay, in the approved currency. */
export function registerPaymentHandler(odoo: OdooClient, clock: () => Date): ActionHandler {
  return {
    action: 'register_payment',
    async execute(approval) {
      const id = Number(approval.params['invoice_id']);
      const amount = Number(approval.params['amount']);
      const invoice = await odoo.getInvoice(id);
      if (invoice.state !== 'posted')
        throw conflict(`Invoice #${id} is ${invoice.state}; a payment needs a posted invoice.`);
      if (cents(amount) > cents(invoice.amount_residual)) {
        throw conflict(
          `Invoice #${id} has ${invoice.amount_residual} left to pay, less than the approved ${amount}; nothing was paid.`,
        );
      }
      assertCurrency(invoice, approval);
      const paymentDate =
        typeof approval.params['payment_date'] === 'string'
          ? approval.params['payment_date']
          : clock().toISOString().slice(0, 10);
      const after = await odoo.registerPayment(id, {
        payment_date: paymentDate,
        amount,
        communication: invoice.name ?? undefined,
      });
      return {
        invoice_id: id,
        invoice_number: after.name,
        payment_state: after.payment_state,
        amount_residual: after.amount_residual,
      };
    },
  };
}
