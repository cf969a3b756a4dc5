import { userError } from '../faults.js';
import { browse, createRecords } from '../orm.js';
import type { Rec } from '../store.js';
import { moveAmounts, round2 } from './amounts.js';
import type { Env, ModelDef } from './types.js';

/**
 * The payment wizard (`account.payment.register`) and the payments it makes. The wizard reads the invoices
 * from the context (`active_model`, `active_ids`), as Odoo's does, and refuses with Odoo's messages.
 */
const WRONG_MODEL = 'The register payment wizard should only be called on account.move or account.move.line records.';
const NOTHING_TO_PAY =
  "You can't register a payment because there is nothing left to pay on the selected journal items.";
const NOT_POSTED = 'You can only register payment for posted journal entries.';

function activeMoves(env: Env): Rec[] {
  const model = env.context['active_model'];
  const ids = env.context['active_ids'];
  if ((model !== 'account.move' && model !== 'account.move.line') || !Array.isArray(ids)) throw userError(WRONG_MODEL);
  const numeric = ids.filter((i): i is number => typeof i === 'number');
  const moveIds =
    model === 'account.move' ? numeric : browse(env, 'account.move.line', numeric).map((l) => Number(l['move_id']));
  return browse(env, 'account.move', [...new Set(moveIds)]);
}

function checkPayable(env: Env, moves: Rec[]): number {
  if (moves.some((m) => m['state'] !== 'posted')) throw userError(NOT_POSTED);
  const residual = round2(moves.reduce((sum, m) => sum + moveAmounts(env, m).residual, 0));
  if (residual <= 0) throw userError(NOTHING_TO_PAY);
  return residual;
}

function createPayments(env: Env, ids: number[]): unknown {
  const paymentIds: number[] = [];
  for (const wizard of browse(env, 'account.payment.register', ids)) {
    const moves = browse(env, 'account.move', (wizard['__move_ids'] as number[] | undefined) ?? []);
    checkPayable(env, moves);
    let remaining = Number(wizard['amount'] ?? 0);
    for (const move of moves) {
      const { residual, total } = moveAmounts(env, move);
      const applied = wizard['payment_difference_handling'] === 'reconcile' ? residual : Math.min(remaining, residual);
      remaining = round2(remaining - applied);
      env.store.update('account.move', move.id, { __paid: round2(total - residual + applied) });
    }
    const journal = env.store.get('account.journal', Number(wizard['journal_id']));
    const date = String(wizard['payment_date']);
    const prefix = `P${String(journal?.['code'] ?? 'BNK1')}/${date.slice(0, 4)}`;
    const [paymentId] = createRecords(env, 'account.payment', {
      name: `${prefix}/${String(env.store.nextSequence(prefix)).padStart(5, '0')}`,
      amount: Number(wizard['amount'] ?? 0),
      date,
      partner_id: wizard['partner_id'] ?? false,
      journal_id: wizard['journal_id'] ?? false,
      currency_id: wizard['currency_id'] ?? false,
      memo: wizard['communication'] ?? false,
      state: 'paid',
      reconciled_invoice_ids: [[6, 0, moves.map((m) => m.id)]],
    });
    if (paymentId !== undefined) paymentIds.push(paymentId);
  }
  if (env.context['dont_redirect_to_payments']) return true;
  return {
    name: 'Payments',
    type: 'ir.actions.act_window',
    res_model: 'account.payment',
    context: { create: false },
    ...(paymentIds.length === 1
      ? { view_mode: 'form', res_id: paymentIds[0] }
      : { view_mode: 'list,form', domain: [['id', 'in', paymentIds]] }),
  };
}

export const accountPaymentRegister: ModelDef = {
  name: 'account.payment.register',
  description: 'Pay',
  fields: {
    // Why a default: a real Odoo 19.0 creates the wizard from `{}` (observed); the date defaults to today.
    payment_date: { type: 'date', string: 'Payment Date', required: true, default: (env) => env.today() },
    amount: { type: 'monetary', string: 'Amount' },
    communication: { type: 'char', string: 'Memo' },
    journal_id: { type: 'many2one', string: 'Journal', comodel: 'account.journal', required: true },
    currency_id: { type: 'many2one', string: 'Currency', comodel: 'res.currency' },
    partner_id: { type: 'many2one', string: 'Customer/Vendor', comodel: 'res.partner' },
    payment_difference_handling: {
      type: 'selection',
      string: 'Payment Difference Handling',
      selection: ['open', 'reconcile'],
      default: () => 'open',
    },
  },
  prepareCreate: (env, vals) => {
    const moves = activeMoves(env);
    const residual = checkPayable(env, moves);
    const first = moves[0];
    vals['amount'] ??= residual;
    vals['communication'] ??= moves.map((m) => String(m['name'])).join(' ');
    vals['journal_id'] ??= env.store.all('account.journal').find((j) => j['type'] === 'bank')?.id ?? false;
    vals['currency_id'] ??= first?.['currency_id'] ?? false;
    vals['partner_id'] ??= first?.['partner_id'] ?? false;
    return { ...vals, __move_ids: moves.map((m) => m.id) };
  },
  methods: {
    action_create_payments: { api: 'records', readonly: false, params: [], run: createPayments },
  },
};

export const accountPayment: ModelDef = {
  name: 'account.payment',
  description: 'Payments',
  fields: {
    name: { type: 'char', string: 'Number' },
    amount: { type: 'monetary', string: 'Amount' },
    date: { type: 'date', string: 'Date', default: (env) => env.today() },
    partner_id: { type: 'many2one', string: 'Customer/Vendor', comodel: 'res.partner' },
    journal_id: { type: 'many2one', string: 'Journal', comodel: 'account.journal' },
    currency_id: { type: 'many2one', string: 'Currency', comodel: 'res.currency' },
    memo: { type: 'char', string: 'Memo' },
    state: {
      type: 'selection',
      string: 'Status',
      selection: ['draft', 'in_process', 'paid', 'canceled', 'rejected'],
      default: () => 'draft',
    },
    payment_type: {
      type: 'selection',
      string: 'Payment Type',
      selection: ['inbound', 'outbound'],
      default: () => 'inbound',
    },
    reconciled_invoice_ids: { type: 'many2many', string: 'Reconciled Invoices', comodel: 'account.move' },
  },
};
