import { userError } from '../faults.js';
import { browse, fieldValue } from '../orm.js';
import type { Rec } from '../store.js';
import { lineSubtotal, lineTax, moveAmounts, moveLines, paymentState } from './amounts.js';
import type { Env, MethodDef, ModelDef } from './types.js';

/**
 * Customer invoices (`account.move`) with Odoo 19's state rules: drafts have no number (`name` False),
 * `action_post` numbers them `INV/<year>/<5 digits>`, and the UserError messages are Odoo's own.
 */
const MOVE_TYPES = ['entry', 'out_invoice', 'out_refund', 'in_invoice', 'in_refund'] as const;
const TYPE_NAMES: Record<string, string> = {
  entry: 'Journal Entry',
  out_invoice: 'Invoice',
  out_refund: 'Credit Note',
  in_invoice: 'Bill',
  in_refund: 'Refund',
};

const isSale = (move: Rec) => move['move_type'] === 'out_invoice' || move['move_type'] === 'out_refund';

function firstJournal(env: Env, type: string): number | false {
  return env.store.all('account.journal').find((j) => j['type'] === type && j['active'] !== false)?.id ?? false;
}

function companyCurrency(env: Env): number | false {
  const company = env.store.all('res.company')[0];
  return typeof company?.['currency_id'] === 'number' ? company['currency_id'] : false;
}

/** Python prints a False name as "False"; the message keeps that quirk. */
const pyName = (move: Rec) => (typeof move['name'] === 'string' && move['name'] !== '' ? move['name'] : 'False');

/** Odoo 19's `_post` reasons. "Even magicians" was observed on a real 19.0 (an invoice without lines). */
const NO_LINES = "Even magicians can't post nothing!";
const NO_CUSTOMER =
  "The 'Customer' field is required to validate the invoice.\n" +
  "You probably don't want to explain to your auditor that you invoiced an invisible man :)";

function post(env: Env, ids: number[]): boolean {
  const moves = browse(env, 'account.move', ids);
  const messages: string[] = [];
  // Why two loops: Odoo checks invoices (the customer) first, then every move (state, lines).
  for (const move of moves) {
    if (isSale(move) && typeof move['partner_id'] !== 'number') messages.push(NO_CUSTOMER);
  }
  for (const move of moves) {
    if (move['state'] !== 'draft') messages.push(`The entry ${pyName(move)} (id ${move.id}) must be in draft.`);
    if (moveLines(env, move.id).length === 0) messages.push(NO_LINES);
  }
  // Why: Odoo collects every reason in a set and raises them as one UserError, joined by newlines. (Its set
  // order is Python's, so a caller must not rely on the order of the lines.)
  if (messages.length > 0) throw userError([...new Set(messages)].join('\n'));
  for (const move of moves) {
    const invoiceDate = typeof move['invoice_date'] === 'string' ? move['invoice_date'] : env.today();
    const patch: Record<string, unknown> = { state: 'posted', invoice_date: invoiceDate, __posted_before: true };
    if (typeof move['invoice_date_due'] !== 'string') patch['invoice_date_due'] = invoiceDate;
    if (typeof move['name'] !== 'string' || move['name'] === '') {
      const journal = env.store.get('account.journal', Number(move['journal_id']));
      const prefix = `${String(journal?.['code'] ?? 'MISC')}/${invoiceDate.slice(0, 4)}`;
      patch['name'] = `${prefix}/${String(env.store.nextSequence(prefix)).padStart(5, '0')}`;
    }
    env.store.update('account.move', move.id, patch);
  }
  return false;
}

function resetToDraft(env: Env, ids: number[]): null {
  const moves = browse(env, 'account.move', ids);
  if (moves.some((m) => m['state'] === 'draft')) {
    throw userError('Only posted/cancelled journal entries can be reset to draft.');
  }
  // Why: resetting unreconciles, so the invoice is fully due again (Odoo's remove_move_reconcile).
  for (const m of moves) env.store.update('account.move', m.id, { state: 'draft', __paid: 0 });
  return null;
}

function cancel(env: Env, ids: number[]): null {
  const moves = browse(env, 'account.move', ids);
  if (moves.some((m) => m['state'] !== 'draft' && m['state'] !== 'posted')) {
    throw userError('Only draft journal entries can be cancelled.');
  }
  for (const m of moves) env.store.update('account.move', m.id, { state: 'cancel', auto_post: 'no', __paid: 0 });
  return null;
}

const recordMethod = (run: (env: Env, ids: number[]) => unknown): MethodDef => ({
  api: 'records',
  readonly: false,
  params: [],
  run: (env, ids) => run(env, ids),
});

export const accountMove: ModelDef = {
  name: 'account.move',
  description: 'Journal Entry',
  fields: {
    name: { type: 'char', string: 'Number' },
    move_type: { type: 'selection', string: 'Type', selection: MOVE_TYPES, default: () => 'entry', required: true },
    state: { type: 'selection', string: 'Status', selection: ['draft', 'posted', 'cancel'], default: () => 'draft' },
    partner_id: { type: 'many2one', string: 'Partner', comodel: 'res.partner' },
    journal_id: { type: 'many2one', string: 'Journal', comodel: 'account.journal', required: true },
    currency_id: {
      type: 'many2one',
      string: 'Currency',
      comodel: 'res.currency',
      required: true,
      default: (env) => companyCurrency(env),
    },
    invoice_date: { type: 'date', string: 'Invoice/Bill Date' },
    invoice_date_due: { type: 'date', string: 'Due Date' },
    ref: { type: 'char', string: 'Reference' },
    narration: { type: 'html', string: 'Terms and Conditions' },
    invoice_origin: { type: 'char', string: 'Origin' },
    auto_post: {
      type: 'selection',
      string: 'Auto-post',
      selection: ['no', 'at_date', 'monthly', 'quarterly', 'yearly'],
      default: () => 'no',
    },
    invoice_line_ids: {
      type: 'one2many',
      string: 'Invoice lines',
      comodel: 'account.move.line',
      inverse: 'move_id',
    },
    amount_untaxed: { type: 'monetary', string: 'Untaxed Amount', compute: (env, m) => moveAmounts(env, m).untaxed },
    amount_tax: { type: 'monetary', string: 'Tax', compute: (env, m) => moveAmounts(env, m).tax },
    amount_total: { type: 'monetary', string: 'Total', compute: (env, m) => moveAmounts(env, m).total },
    amount_residual: { type: 'monetary', string: 'Amount Due', compute: (env, m) => moveAmounts(env, m).residual },
    payment_state: {
      type: 'selection',
      string: 'Payment Status',
      selection: ['not_paid', 'in_payment', 'paid', 'partial', 'reversed', 'blocked', 'invoicing_legacy'],
      compute: (env, m) => paymentState(env, m),
    },
  },
  displayName: (_env, m) =>
    m['state'] === 'draft' && (typeof m['name'] !== 'string' || m['name'] === '')
      ? `Draft ${TYPE_NAMES[String(m['move_type'])] ?? 'Entry'} (* ${m.id})`
      : String(m['name']),
  prepareCreate: (env, vals) => {
    const type = typeof vals['move_type'] === 'string' ? vals['move_type'] : 'entry';
    if (vals['journal_id'] === undefined) {
      vals['journal_id'] = firstJournal(env, type.startsWith('out_') ? 'sale' : 'general');
    }
    // Why: the number is assigned on posting only; a client cannot pre-number or pre-post a draft here.
    vals['name'] = false;
    return vals;
  },
  beforeUnlink: (env, ids) => {
    if (browse(env, 'account.move', ids).some((m) => m['state'] === 'posted' || m['__posted_before'] === true)) {
      throw userError('You cannot delete an entry which has been posted once.');
    }
  },
  methods: {
    action_post: recordMethod(post),
    button_draft: recordMethod(resetToDraft),
    button_cancel: recordMethod(cancel),
  },
};

export const accountMoveLine: ModelDef = {
  name: 'account.move.line',
  description: 'Journal Item',
  fields: {
    move_id: { type: 'many2one', string: 'Journal Entry', comodel: 'account.move', required: true },
    name: { type: 'char', string: 'Label' },
    product_id: { type: 'many2one', string: 'Product', comodel: 'product.product' },
    quantity: { type: 'float', string: 'Quantity', default: () => 1 },
    price_unit: { type: 'float', string: 'Unit Price' },
    tax_ids: { type: 'many2many', string: 'Taxes', comodel: 'account.tax' },
    price_subtotal: { type: 'monetary', string: 'Subtotal', compute: (_env, l) => lineSubtotal(l) },
    price_total: { type: 'monetary', string: 'Total', compute: (env, l) => lineSubtotal(l) + lineTax(env, l) },
  },
  displayName: (env, l) => {
    const move = env.store.get('account.move', Number(l['move_id']));
    return `${move ? String(fieldValue(env, 'account.move', move, 'display_name')) : ''} ${String(l['name'] || '')}`.trim();
  },
  // Why: omitted line values are computed from the product, as Odoo's onchange-free create does.
  prepareCreate: (env, vals) => {
    const product =
      typeof vals['product_id'] === 'number' ? env.store.get('product.product', vals['product_id']) : undefined;
    if (product) {
      vals['name'] ??= fieldValue(env, 'product.product', product, 'display_name');
      vals['price_unit'] ??= product['list_price'] ?? 0;
      vals['tax_ids'] ??= [[6, 0, (product['taxes_id'] as number[] | undefined) ?? []]];
    }
    return vals;
  },
};
