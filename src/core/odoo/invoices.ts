import { AppError, invalidInput, notFound } from '../errors.js';
import type { GuardedCalls } from './calls.js';
import { createdIds, INVOICE_FIELDS, toInvoice } from './normalise.js';
import { DraftInvoiceSchema, parseInput, PaymentSchema } from './schemas.js';
import type { DraftInvoiceInput, Invoice, InvoiceFilter, PaymentInput } from './types.js';

/** Customer invoices: idempotent drafts keyed by `invoice_origin`, reading, posting and payment. */
type Raw = Array<Record<string, unknown>>;

export async function getInvoice(c: GuardedCalls, id: number): Promise<Invoice> {
  // Why: search_read rather than read, so a missing id is an empty answer on both transports, not a fault.
  const found = await c.call<Raw>('account.move', 'search_read', {
    kwargs: { domain: [['id', '=', id]], fields: INVOICE_FIELDS, limit: 1 },
  });
  const rec = found[0];
  if (!rec) throw notFound(`Odoo has no invoice with id ${id}; it may have been deleted.`);
  return toInvoice(rec);
}

export async function findInvoiceByOrigin(c: GuardedCalls, origin: string): Promise<Invoice | null> {
  const found = await c.call<Raw>('account.move', 'search_read', {
    kwargs: {
      domain: [
        ['move_type', '=', 'out_invoice'],
        ['invoice_origin', '=', origin],
      ],
      fields: INVOICE_FIELDS,
      order: 'id',
      limit: 1,
    },
  });
  return found[0] ? toInvoice(found[0]) : null;
}

export async function listInvoices(c: GuardedCalls, filter: InvoiceFilter = {}): Promise<Invoice[]> {
  const domain: unknown[] = [['move_type', '=', 'out_invoice']];
  if (filter.state) domain.push(['state', '=', filter.state]);
  if (filter.payment_state) domain.push(['payment_state', '=', filter.payment_state]);
  if (filter.partnerId !== undefined) domain.push(['partner_id', '=', filter.partnerId]);
  if (filter.origin !== undefined) domain.push(['invoice_origin', '=', filter.origin]);
  const found = await c.call<Raw>('account.move', 'search_read', {
    kwargs: { domain, fields: INVOICE_FIELDS, order: 'id desc', limit: filter.limit ?? 80, offset: filter.offset ?? 0 },
  });
  return found.map(toInvoice);
}

async function currencyId(c: GuardedCalls, code: string): Promise<number> {
  const found = await c.call<Raw>('res.currency', 'search_read', {
    kwargs: { domain: [['name', '=', code]], fields: ['name'], limit: 1 },
  });
  const id = found[0]?.['id'];
  if (typeof id !== 'number')
    throw invalidInput(`Odoo has no active currency ${code}; activate it in Odoo or use another.`);
  return id;
}

/**
 * Creates a draft customer invoice once per origin. A retry after a crash or a timeout (which Odoo may
 * have applied anyway) finds the first one by `invoice_origin` instead of making a second. Two callers
 * racing on one origin are not covered here: claim-by-move gives each task to one worker.
 */
export async function createDraftInvoice(
  c: GuardedCalls,
  input: DraftInvoiceInput,
): Promise<{ invoice: Invoice; created: boolean }> {
  const i = parseInput(DraftInvoiceSchema, input, 'The draft invoice');
  c.guard('account.move', 'create');
  const existing = await findInvoiceByOrigin(c, i.origin);
  if (existing) return { invoice: existing, created: false };
  const values: Record<string, unknown> = {
    move_type: 'out_invoice',
    partner_id: i.partnerId,
    invoice_origin: i.origin,
    invoice_line_ids: i.lines.map((line) => {
      const vals: Record<string, unknown> = { name: line.name, quantity: line.quantity, price_unit: line.price_unit };
      if (line.product_id !== undefined) vals['product_id'] = line.product_id;
      if (line.tax_ids !== undefined) vals['tax_ids'] = [[6, 0, line.tax_ids]];
      return [0, 0, vals];
    }),
  };
  if (i.invoice_date) values['invoice_date'] = i.invoice_date;
  if (i.invoice_date_due) values['invoice_date_due'] = i.invoice_date_due;
  if (i.ref) values['ref'] = i.ref;
  if (i.currency) values['currency_id'] = await currencyId(c, i.currency);
  const [id] = createdIds(await c.call('account.move', 'create', { kwargs: { vals_list: [values] } }));
  if (id === undefined)
    throw new AppError('upstream', 'Odoo did not return the new invoice id; check Odoo before retrying.');
  return { invoice: await getInvoice(c, id), created: true };
}

export async function postInvoice(c: GuardedCalls, id: number): Promise<Invoice> {
  c.guard('account.move', 'action_post');
  await c.call('account.move', 'action_post', { ids: [id] });
  return getInvoice(c, id);
}

/**
 * Pays an invoice through Odoo's wizard: create `account.payment.register` with the invoice as the
 * active record, then `action_create_payments`. Only posted invoices: Odoo 18+ may accept a draft, and
 * paying an unapproved draft is exactly what this project must never do.
 */
export async function registerPayment(c: GuardedCalls, invoiceId: number, payment: PaymentInput): Promise<Invoice> {
  const p = parseInput(PaymentSchema, payment, 'The payment');
  c.guard('account.payment.register', 'create');
  c.guard('account.payment.register', 'action_create_payments');
  const invoice = await getInvoice(c, invoiceId);
  if (invoice.state !== 'posted') {
    throw invalidInput(
      `Invoice ${invoiceId} is ${invoice.state}, not posted; post it (after approval) before registering a payment.`,
    );
  }
  const context = { active_model: 'account.move', active_ids: [invoiceId], dont_redirect_to_payments: true };
  const values: Record<string, unknown> = { payment_date: p.payment_date };
  if (p.amount !== undefined) values['amount'] = p.amount;
  if (p.communication !== undefined) values['communication'] = p.communication;
  const [wizardId] = createdIds(
    await c.call('account.payment.register', 'create', { kwargs: { vals_list: [values] }, context }),
  );
  if (wizardId === undefined) throw new AppError('upstream', 'Odoo did not return the payment wizard id; try again.');
  await c.call('account.payment.register', 'action_create_payments', { ids: [wizardId], context });
  return getInvoice(c, invoiceId);
}
