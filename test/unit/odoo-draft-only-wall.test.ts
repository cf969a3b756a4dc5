import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertDraftOnlyAllows, draftOnlyRefusal } from '../../src/core/odoo/draft-only-wall.js';

test('draft-only refuses posting, payment, reconciling, sending and resetting calls', () => {
  const refused: Array<[string, string, Record<string, unknown>?]> = [
    ['account.move', 'action_post'],
    ['account.move', '_post'],
    ['sale.order', 'action_confirm'],
    ['purchase.order', 'button_confirm'],
    ['account.move', 'action_register_payment'],
    ['account.move', 'js_assign_outstanding_line'],
    ['account.move', 'js_remove_outstanding_partial'],
    ['account.move', 'button_draft'],
    ['account.move', 'button_cancel'],
    ['account.move', 'action_reverse'],
    ['account.move', 'action_invoice_sent'],
    ['account.move', 'message_post'],
    ['account.move.line', 'reconcile'],
    ['account.move.line', 'remove_move_reconcile'],
    ['account.payment', 'create'],
    ['account.payment', 'search_read'],
    ['account.payment', 'action_post'],
    ['account.payment.register', 'create'],
    ['account.payment.register', 'action_create_payments'],
    ['account.bank.statement.line', 'create'],
    ['account.move.send.wizard', 'create'],
    ['ir.cron', 'method_direct_trigger'],
    ['ir.actions.server', 'run'],
    ['account.move', 'action_post_custom'],
    ['account.move', 'write', { vals: { state: 'posted' } }],
    ['account.move', 'write', { vals: { payment_state: 'paid' } }],
    ['account.move', 'create', { vals_list: [{ move_type: 'out_invoice', auto_post: 'at_date' }] }],
    ['account.move', 'create', { vals_list: { state: 'posted' } }],
  ];
  for (const [model, method, kwargs] of refused) {
    assert.notEqual(draftOnlyRefusal(model, method, kwargs), undefined, `${model}.${method} must be refused`);
    assert.throws(
      () => assertDraftOnlyAllows(model, method, kwargs),
      (err: Error & { code?: string }) => err.code === 'policy_denied' && /draft-only mode/.test(err.message),
    );
  }
});

test('draft-only lets drafting and reading through', () => {
  const allowed: Array<[string, string, Record<string, unknown>?]> = [
    ['res.users', 'context_get'],
    ['res.partner', 'search_read'],
    ['res.partner', 'create', { vals_list: [{ name: 'A' }] }],
    ['product.product', 'search_read'],
    ['account.move', 'search_read'],
    ['account.move', 'read'],
    ['account.move', 'search_count'],
    ['account.move', 'name_search'],
    ['account.move', 'create', { vals_list: [{ move_type: 'out_invoice', state: 'draft', auto_post: 'no' }] }],
    ['account.move', 'write', { vals: { ref: 'PO-1' } }],
  ];
  for (const [model, method, kwargs] of allowed) {
    assert.equal(draftOnlyRefusal(model, method, kwargs), undefined, `${model}.${method} must be allowed`);
  }
});
