import type { Rec } from '../store.js';
import type { Env } from './types.js';

/**
 * Invoice arithmetic: per-line rounding to cents (Odoo's default `round_per_line`), percent or fixed
 * taxes, and the residual left after payments. Paid amounts live in the move's internal `__paid` value.
 */
export const round2 = (n: number): number => Math.round((n + Number.EPSILON) * 100) / 100;

export interface MoveAmounts {
  untaxed: number;
  tax: number;
  total: number;
  residual: number;
}

export function lineSubtotal(line: Rec): number {
  return round2(Number(line['quantity'] ?? 0) * Number(line['price_unit'] ?? 0));
}

export function lineTax(env: Env, line: Rec): number {
  const subtotal = lineSubtotal(line);
  const taxIds = (line['tax_ids'] as number[] | undefined) ?? [];
  let tax = 0;
  for (const id of taxIds) {
    const t = env.store.get('account.tax', id);
    if (!t) continue;
    const amount = Number(t['amount'] ?? 0);
    tax +=
      t['amount_type'] === 'fixed' ? round2(amount * Number(line['quantity'] ?? 0)) : round2((subtotal * amount) / 100);
  }
  return round2(tax);
}

export function moveLines(env: Env, moveId: number): Rec[] {
  return env.store.all('account.move.line').filter((l) => l['move_id'] === moveId);
}

export function moveAmounts(env: Env, move: Rec): MoveAmounts {
  const lines = moveLines(env, move.id);
  const untaxed = round2(lines.reduce((sum, l) => sum + lineSubtotal(l), 0));
  const tax = round2(lines.reduce((sum, l) => sum + lineTax(env, l), 0));
  const total = round2(untaxed + tax);
  const paid = Number(move['__paid'] ?? 0);
  return { untaxed, tax, total, residual: round2(Math.max(total - paid, 0)) };
}

export function paymentState(env: Env, move: Rec): string {
  if (move['state'] !== 'posted') return 'not_paid';
  const { residual, total } = moveAmounts(env, move);
  if (residual === 0) return 'paid';
  return residual < total ? 'partial' : 'not_paid';
}
