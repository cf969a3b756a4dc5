import type { Invoice, OdooRef, Partner } from './types.js';

/**
 * Odoo writes "empty" as `false` on both wire formats (never null over XML-RPC), and many2one as
 * `[id, "name"]`. These turn raw records into the client's typed shapes, with null for empty.
 */
export function ref(value: unknown): OdooRef | null {
  if (Array.isArray(value) && typeof value[0] === 'number') return { id: value[0], name: String(value[1] ?? '') };
  if (typeof value === 'number') return { id: value, name: '' };
  return null;
}

export function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

export function amount(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

export const INVOICE_FIELDS = [
  'name',
  'state',
  'move_type',
  'partner_id',
  'currency_id',
  'amount_untaxed',
  'amount_tax',
  'amount_total',
  'amount_residual',
  'payment_state',
  'invoice_date',
  'invoice_date_due',
  'ref',
  'invoice_origin',
];

export function toInvoice(rec: Record<string, unknown>): Invoice {
  const state = rec['state'];
  return {
    id: Number(rec['id']),
    name: text(rec['name']),
    state: state === 'posted' || state === 'cancel' ? state : 'draft',
    move_type: text(rec['move_type']) ?? 'entry',
    partner: ref(rec['partner_id']),
    currency: ref(rec['currency_id']),
    amount_untaxed: amount(rec['amount_untaxed']),
    amount_tax: amount(rec['amount_tax']),
    amount_total: amount(rec['amount_total']),
    amount_residual: amount(rec['amount_residual']),
    payment_state: text(rec['payment_state']) ?? 'not_paid',
    invoice_date: text(rec['invoice_date']),
    invoice_date_due: text(rec['invoice_date_due']),
    ref: text(rec['ref']),
    invoice_origin: text(rec['invoice_origin']),
  };
}

export const PARTNER_FIELDS = ['name', 'email'];

export function toPartner(rec: Record<string, unknown>): Partner {
  return { id: Number(rec['id']), name: text(rec['name']) ?? '', email: text(rec['email']) };
}

/** `create` answers `[id]` over JSON-2 and for a list over XML-RPC, a bare id for a dict over XML-RPC. */
export function createdIds(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) return value.filter((v): v is number => typeof v === 'number');
  return [];
}
