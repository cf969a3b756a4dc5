import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { OdooClient } from '../../src/core/odoo/index.js';
import { loadPolicy } from '../../src/core/policy/policy.js';
import type { RunningOdooStandin } from '../../src/sandbox/odoo/index.js';
import {
  bufferLogger,
  clientFor,
  policyAllowing,
  PROTOCOLS,
  rejection,
  standin,
  TEST_ODOO_METHODS,
  twoLines,
} from '../helpers/odoo-fixtures.js';

/** The two guards in front of every Odoo call, and the rule that the API key is never shown. */
const LIVE_METHODS = new Set([
  'action_post',
  '_post',
  'button_draft',
  'button_cancel',
  'action_create_payments',
  'reconcile',
  'js_assign_outstanding_line',
  'action_register_payment',
]);

/** Draft invoice 1 posted by a client without draft-only, so the draft-only attempts have a target. */
async function postedInvoice(s: RunningOdooStandin, protocol: 'json2' | 'xmlrpc'): Promise<number> {
  const odoo = clientFor(s, protocol);
  const { invoice } = await odoo.createDraftInvoice({ partnerId: 3, lines: twoLines, origin: 'task-guard' });
  await odoo.postInvoice(invoice.id);
  return invoice.id;
}

for (const protocol of PROTOCOLS) {
  describe(`guards over ${protocol}`, () => {
    test('the role policy denies what it does not list, before any request', async (t) => {
      const s = await standin(t);
      const cloud = await loadPolicy('cloud', { draftOnly: false });
      const odoo = clientFor(s, protocol, { policy: cloud });
      const { invoice } = await odoo.createDraftInvoice({ partnerId: 3, lines: twoLines, origin: 'task-cloud' });
      assert.equal(invoice.state, 'draft', 'cloud may create drafts');
      const before = s.calls.length;
      const err = await rejection(odoo.postInvoice(invoice.id));
      assert.equal(err['code'], 'policy_denied');
      assert.match(err.message, /account\.move\.action_post is not allowed for the cloud role/);
      const unlisted = await rejection(odoo.call('res.partner', 'unlink', { ids: [3] }));
      assert.equal(unlisted['code'], 'policy_denied');
      assert.equal(s.calls.length, before, 'a denied call never reaches Odoo');
    });

    test('draft-only refuses every posting, payment and reconciling call whatever the policy says', async (t) => {
      const s = await standin(t);
      const invoiceId = await postedInvoice(s, protocol);
      // A policy that allows everything tested: only the wall stands in the way.
      const permissive = policyAllowing([
        ...TEST_ODOO_METHODS,
        'account.payment.create',
        'account.payment.search_read',
        'account.move.line.reconcile',
        'account.move.js_assign_outstanding_line',
        'account.move.action_register_payment',
      ]);
      const { logger, text } = bufferLogger();
      const odoo = clientFor(s, protocol, { policy: permissive, draftOnly: true, logger });
      const isLive = (c: RunningOdooStandin['calls'][number]) =>
        LIVE_METHODS.has(c.method) || (c.model?.startsWith('account.payment') ?? false);
      const liveBefore = s.calls.filter(isLive).length;
      assert.equal(liveBefore, 1, 'only the setup posting so far');
      const before = s.calls.length;
      const attempts: Array<[string, () => Promise<unknown>]> = [
        ['postInvoice', () => odoo.postInvoice(invoiceId)],
        ['registerPayment', () => odoo.registerPayment(invoiceId, { payment_date: '2026-03-20' })],
        ['action_post', () => odoo.call('account.move', 'action_post', { ids: [invoiceId] })],
        ['_post', () => odoo.call('account.move', '_post', { ids: [invoiceId] })],
        ['button_draft', () => odoo.call('account.move', 'button_draft', { ids: [invoiceId] })],
        ['button_cancel', () => odoo.call('account.move', 'button_cancel', { ids: [invoiceId] })],
        ['action_register_payment', () => odoo.call('account.move', 'action_register_payment', { ids: [invoiceId] })],
        [
          'js_assign_outstanding_line',
          () => odoo.call('account.move', 'js_assign_outstanding_line', { ids: [invoiceId] }),
        ],
        ['reconcile', () => odoo.call('account.move.line', 'reconcile', { ids: [1] })],
        ['payment create', () => odoo.create('account.payment', { amount: 10 })],
        ['payment read', () => odoo.searchRead('account.payment', [])],
        [
          'wizard create',
          () =>
            odoo.call('account.payment.register', 'create', {
              kwargs: { vals_list: [{ payment_date: '2026-03-20' }] },
              context: { active_model: 'account.move', active_ids: [invoiceId] },
            }),
        ],
        ['wizard action', () => odoo.call('account.payment.register', 'action_create_payments', { ids: [1] })],
        [
          'write state',
          () => odoo.call('account.move', 'write', { ids: [invoiceId], kwargs: { vals: { state: 'posted' } } }),
        ],
        ['create auto_post', () => odoo.create('account.move', { move_type: 'out_invoice', auto_post: 'at_date' })],
      ];
      for (const [what, attempt] of attempts) {
        const err = await rejection(attempt());
        assert.equal(err['code'], 'policy_denied', what);
        assert.match(err.message, /draft-only mode/, what);
        assert.equal((err['details'] as Record<string, unknown>)['guard'], 'draft_only', what);
      }
      assert.equal(s.calls.length, before, 'not one of them reached the stand-in');
      assert.equal(s.calls.filter(isLive).length, liveBefore);
      assert.match(text(), /odoo call refused before sending/);

      // Drafting still works with the wall up.
      const draft = await odoo.createDraftInvoice({ partnerId: 4, lines: twoLines, origin: 'task-wall-draft' });
      assert.equal(draft.invoice.state, 'draft');
      assert.equal(draft.invoice.name, null);
    });

    test('the wall is keyed on draftOnly, not on the role: the local policy with draft-only is walled too', async (t) => {
      const s = await standin(t);
      const invoiceId = await postedInvoice(s, protocol);
      const local = await loadPolicy('local', { draftOnly: true });
      assert.equal(local.canCallOdoo('account.move', 'action_post'), true, 'the local file does allow posting');
      const walled = clientFor(s, protocol, { policy: local, draftOnly: true });
      const before = s.calls.length;
      assert.equal(
        (await rejection(walled.call('account.move', 'action_post', { ids: [invoiceId] })))['code'],
        'policy_denied',
      );
      assert.equal(s.calls.length, before);
      const open = clientFor(s, protocol, { policy: local, draftOnly: false });
      const paid = await open.registerPayment(invoiceId, { payment_date: '2026-03-21' });
      assert.equal(paid.payment_state, 'paid');
    });

    test('the API key never appears in an error message or a log line', async (t) => {
      const s = await standin(t);
      const { logger, text } = bufferLogger();
      const odoo = clientFor(s, protocol, { logger, timeoutMs: 2_000 });
      const { invoice } = await odoo.createDraftInvoice({ partnerId: 3, lines: twoLines, origin: 'task-key' });
      await odoo.postInvoice(invoice.id);
      const errors: Error[] = [];
      errors.push(await rejection(odoo.postInvoice(invoice.id)));
      errors.push(await rejection(odoo.call('no.such.model', 'search_read', { kwargs: { domain: [] } })));
      errors.push(await rejection(odoo.call('account.move', '_post', { ids: [invoice.id] })));
      errors.push(await rejection(odoo.call('res.partner', 'write', { ids: [9999], kwargs: { vals: { name: 'X' } } })));
      s.inject({ kind: 'error500', next: 1 });
      errors.push(await rejection(odoo.contextGet()));
      s.inject({ kind: 'drop', next: 1 });
      errors.push(await rejection(odoo.contextGet()));
      const wrongKey = `${s.apiKey.slice(0, 20)}deadbeefdeadbeefdead`;
      const { logger: badLogger, text: badText } = bufferLogger();
      errors.push(await rejection(clientFor(s, protocol, { apiKey: wrongKey, logger: badLogger }).contextGet()));

      for (const err of errors) {
        const shown = [
          err.message,
          String(err),
          err.stack ?? '',
          JSON.stringify(err),
          JSON.stringify((err as { details?: unknown }).details),
        ];
        for (const part of shown) {
          assert.ok(!part.includes(s.apiKey), `the key leaked in: ${part.slice(0, 200)}`);
          assert.ok(!part.includes(wrongKey), `the wrong key leaked in: ${part.slice(0, 200)}`);
        }
      }
      // Logging the errors themselves (pino's err serializer, causes included) shows no key either.
      for (const err of errors) logger.error({ err }, 'caller logs the error');
      const logs = text() + badText();
      assert.match(logs, /"msg":"odoo call"/, 'the logger did log the calls');
      assert.match(logs, /"msg":"odoo call failed"/);
      assert.ok(!logs.includes(s.apiKey));
      assert.ok(!logs.includes(wrongKey));
      assert.ok(!JSON.stringify(s.calls).includes(s.apiKey), 'nor in the stand-in call log');
    });
  });
}

describe('the policy is required', () => {
  test('a client with no allowed methods reaches nothing', async (t) => {
    const s = await standin(t);
    const odoo: OdooClient = clientFor(s, 'json2', { policy: policyAllowing([]) });
    assert.equal((await rejection(odoo.contextGet()))['code'], 'policy_denied');
    assert.equal((await rejection(odoo.listInvoices()))['code'], 'policy_denied');
    assert.equal(s.calls.length, 0);
  });
});
