import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OdooError } from '../../src/core/odoo/index.js';
import { SEED_IDS } from '../../src/sandbox/odoo/index.js';
import { clientFor, PROTOCOLS, rejection, standin, twoLines } from '../helpers/odoo-fixtures.js';

for (const protocol of PROTOCOLS) {
  describe(`Odoo client over ${protocol} against the stand-in`, () => {
    test('version, context and uid', async (t) => {
      const s = await standin(t);
      const odoo = clientFor(s, protocol);
      assert.equal(await odoo.protocol(), protocol);
      const v = await odoo.version();
      assert.equal(v.version, '19.0');
      assert.equal(v.major, 19);
      const ctx = await odoo.contextGet();
      assert.equal(ctx.uid, SEED_IDS.botUser);
      assert.equal(ctx.lang, 'en_US');
      assert.equal(await odoo.uid(), SEED_IDS.botUser);
    });

    test('partners: find by email, create once, find by id', async (t) => {
      const s = await standin(t);
      const odoo = clientFor(s, protocol);
      const seeded = await odoo.findOrCreatePartner({ name: 'Whatever', email: 'AZURE.interior24@example.com' });
      assert.deepEqual(seeded, {
        partner: { id: SEED_IDS.customerAzure, name: 'Azure Interior', email: 'azure.interior24@example.com' },
        created: false,
      });
      const made = await odoo.findOrCreatePartner({ name: 'Gemini Furniture', email: 'gemini@example.com' });
      assert.equal(made.created, true);
      const again = await odoo.findOrCreatePartner({ name: 'Gemini Furniture', email: 'gemini@example.com' });
      assert.deepEqual(again, { partner: made.partner, created: false });
      const byId = await odoo.findOrCreatePartner({ id: made.partner.id });
      assert.equal(byId.partner.name, 'Gemini Furniture');
      const noEmail = await odoo.findOrCreatePartner({ name: 'Walk-in customer' });
      assert.equal(noEmail.created, true);
      assert.equal(noEmail.partner.email, null);
      const missing = await rejection(odoo.findOrCreatePartner({ id: 9999 }));
      assert.equal(missing['code'], 'not_found');
    });

    test('a draft invoice with lines and tax has computed amounts, no number, and is idempotent by origin', async (t) => {
      const s = await standin(t);
      const odoo = clientFor(s, protocol);
      const input = {
        partnerId: SEED_IDS.customerAzure,
        lines: twoLines,
        invoice_date: '2026-03-10',
        invoice_date_due: '2026-04-09',
        ref: 'PO-7781',
        currency: 'EUR',
        origin: 'gmail:msg-001',
      };
      const first = await odoo.createDraftInvoice(input);
      assert.equal(first.created, true);
      const inv = first.invoice;
      assert.equal(inv.state, 'draft');
      assert.equal(inv.name, null, 'a draft has no number in Odoo 18/19');
      assert.equal(inv.move_type, 'out_invoice');
      assert.deepEqual(inv.partner, { id: SEED_IDS.customerAzure, name: 'Azure Interior' });
      assert.deepEqual(inv.currency, { id: SEED_IDS.eur, name: 'EUR' });
      assert.equal(inv.amount_untaxed, 250.5);
      assert.equal(inv.amount_tax, 30);
      assert.equal(inv.amount_total, 280.5);
      assert.equal(inv.amount_residual, 280.5);
      assert.equal(inv.payment_state, 'not_paid');
      assert.equal(inv.ref, 'PO-7781');
      assert.equal(inv.invoice_origin, 'gmail:msg-001');
      assert.equal(inv.invoice_date_due, '2026-04-09');

      const second = await odoo.createDraftInvoice(input);
      assert.equal(second.created, false);
      assert.deepEqual(second.invoice, inv);
      assert.equal(s.records('account.move').length, 1, 'a retry must never make a second invoice');
      assert.equal(s.calls.filter((c) => c.model === 'account.move' && c.method === 'create').length, 1);

      assert.deepEqual(await odoo.findInvoiceByOrigin('gmail:msg-001'), inv);
      assert.equal(await odoo.findInvoiceByOrigin('gmail:other'), null);
    });

    test('line values omitted are computed from the product; other currencies are looked up', async (t) => {
      const s = await standin(t);
      const odoo = clientFor(s, protocol);
      const { invoice } = await odoo.createDraftInvoice({
        partnerId: SEED_IDS.customerDeco,
        lines: [{ name: 'Licence', quantity: 3, price_unit: 250, product_id: SEED_IDS.productLicence }],
        currency: 'USD',
        origin: 'task-usd',
      });
      assert.equal(invoice.currency?.name, 'USD');
      assert.equal(invoice.amount_untaxed, 750);
      assert.equal(invoice.amount_tax, 112.5, 'the product tax applies when tax_ids is not given');
      assert.equal(invoice.amount_total, 862.5);
      const unknown = await rejection(
        odoo.createDraftInvoice({ partnerId: 3, lines: twoLines, currency: 'XYZ', origin: 'task-xyz' }),
      );
      assert.equal(unknown['code'], 'invalid_input');
    });

    test('bad input is refused before Odoo sees it', async (t) => {
      const s = await standin(t);
      const odoo = clientFor(s, protocol);
      const before = s.calls.length;
      const noLines = await rejection(odoo.createDraftInvoice({ partnerId: 3, lines: [], origin: 'x' }));
      assert.equal(noLines['code'], 'invalid_input');
      assert.match(noLines.message, /lines/);
      const badDate = await rejection(odoo.registerPayment(1, { payment_date: '15/03/2026' }));
      assert.equal(badDate['code'], 'invalid_input');
      assert.equal(s.calls.length, before);
    });

    test('get and list invoices', async (t) => {
      const s = await standin(t);
      const odoo = clientFor(s, protocol);
      const a = (await odoo.createDraftInvoice({ partnerId: 3, lines: twoLines, origin: 'task-a' })).invoice;
      const b = (await odoo.createDraftInvoice({ partnerId: 4, lines: twoLines, origin: 'task-b' })).invoice;
      await odoo.postInvoice(b.id);
      assert.deepEqual(await odoo.getInvoice(a.id), a);
      const all = await odoo.listInvoices();
      assert.deepEqual(
        all.map((i) => i.id),
        [b.id, a.id],
      );
      assert.deepEqual(
        (await odoo.listInvoices({ state: 'draft' })).map((i) => i.id),
        [a.id],
      );
      assert.deepEqual(
        (await odoo.listInvoices({ partnerId: 4 })).map((i) => i.id),
        [b.id],
      );
      assert.deepEqual(
        (await odoo.listInvoices({ origin: 'task-a' })).map((i) => i.id),
        [a.id],
      );
      assert.equal((await odoo.listInvoices({ limit: 1 })).length, 1);
      const missing = await rejection(odoo.getInvoice(4242));
      assert.equal(missing['code'], 'not_found');
    });

    test('posting assigns the number; posting twice is Odoo’s UserError', async (t) => {
      const s = await standin(t);
      const odoo = clientFor(s, protocol);
      const { invoice } = await odoo.createDraftInvoice({ partnerId: 3, lines: twoLines, origin: 'task-post' });
      const posted = await odoo.postInvoice(invoice.id);
      assert.equal(posted.state, 'posted');
      assert.equal(posted.name, 'INV/2026/00001');
      assert.equal(posted.invoice_date, '2026-03-15', 'posting dates an undated invoice today');
      const twice = await rejection(odoo.postInvoice(invoice.id));
      assert.ok(twice instanceof OdooError);
      assert.equal(twice.code, 'invalid_input');
      assert.equal(twice.odooMessage, `The entry INV/2026/00001 (id ${invoice.id}) must be in draft.`);
      assert.match(twice.message, /must be in draft/);
      if (protocol === 'json2') {
        assert.equal(twice.httpStatus, 422);
        assert.equal(twice.odooName, 'odoo.exceptions.UserError');
      } else {
        assert.equal(twice.faultCode, 2);
      }
      const next = (await odoo.createDraftInvoice({ partnerId: 4, lines: twoLines, origin: 'task-post-2' })).invoice;
      assert.equal((await odoo.postInvoice(next.id)).name, 'INV/2026/00002');
    });

    test('posting without lines or customer joins Odoo’s reasons in one error', async (t) => {
      const s = await standin(t);
      const odoo = clientFor(s, protocol);
      const id = await odoo.create('account.move', { move_type: 'out_invoice' });
      const err = await rejection(odoo.postInvoice(id));
      // Odoo 19 joins the reasons of a Python set: the order of the lines is not to be relied on.
      const text = String(err['odooMessage']);
      assert.ok(text.includes("Even magicians can't post nothing!"), text);
      assert.ok(text.includes("The 'Customer' field is required to validate the invoice.\n"), text);
      assert.equal(text.split('\n').length, 3);
    });

    test('the payment wizard pays in part, then in full', async (t) => {
      const s = await standin(t);
      const odoo = clientFor(s, protocol);
      const { invoice } = await odoo.createDraftInvoice({ partnerId: 3, lines: twoLines, origin: 'task-pay' });
      await odoo.postInvoice(invoice.id);
      const partial = await odoo.registerPayment(invoice.id, {
        payment_date: '2026-03-20',
        amount: 80.5,
        communication: 'first instalment',
      });
      assert.equal(partial.payment_state, 'partial');
      assert.equal(partial.amount_residual, 200);
      const paid = await odoo.registerPayment(invoice.id, { payment_date: '2026-03-25' });
      assert.equal(paid.payment_state, 'paid');
      assert.equal(paid.amount_residual, 0);
      const payments = s.records('account.payment');
      assert.deepEqual(
        payments.map((p) => [p['amount'], p['memo'], p['state']]),
        [
          [80.5, 'first instalment', 'paid'],
          [200, 'INV/2026/00001', 'paid'],
        ],
      );
      const wizardCalls = s.calls.filter((c) => c.model === 'account.payment.register');
      assert.ok(wizardCalls.every((c) => c.context?.['active_model'] === 'account.move'));
      assert.ok(wizardCalls.every((c) => JSON.stringify(c.context?.['active_ids']) === JSON.stringify([invoice.id])));

      const nothingLeft = await rejection(odoo.registerPayment(invoice.id, { payment_date: '2026-03-26' }));
      assert.equal(nothingLeft['code'], 'invalid_input');
      assert.equal(
        nothingLeft['odooMessage'],
        "You can't register a payment because there is nothing left to pay on the selected journal items.",
      );
    });

    test('a draft is never paid: the client checks the state itself', async (t) => {
      const s = await standin(t);
      const odoo = clientFor(s, protocol);
      const { invoice } = await odoo.createDraftInvoice({ partnerId: 3, lines: twoLines, origin: 'task-draft-pay' });
      const err = await rejection(odoo.registerPayment(invoice.id, { payment_date: '2026-03-20' }));
      assert.equal(err['code'], 'invalid_input');
      assert.match(err.message, /not posted/);
      assert.equal(s.calls.filter((c) => c.model === 'account.payment.register').length, 0);
    });

    test('the wizard refuses a wrong active_model with Odoo’s message', async (t) => {
      const s = await standin(t);
      const odoo = clientFor(s, protocol);
      const err = await rejection(
        odoo.call('account.payment.register', 'create', {
          kwargs: { vals_list: [{ payment_date: '2026-03-20' }] },
          context: { active_model: 'res.partner', active_ids: [3] },
        }),
      );
      assert.equal(
        err['odooMessage'],
        'The register payment wizard should only be called on account.move or account.move.line records.',
      );
    });

    test('reset to draft and cancel follow Odoo’s rules; None results come back as null', async (t) => {
      const s = await standin(t);
      const odoo = clientFor(s, protocol);
      const { invoice } = await odoo.createDraftInvoice({ partnerId: 3, lines: twoLines, origin: 'task-reset' });
      const onDraft = await rejection(odoo.call('account.move', 'button_draft', { ids: [invoice.id] }));
      assert.equal(onDraft['odooMessage'], 'Only posted/cancelled journal entries can be reset to draft.');
      await odoo.postInvoice(invoice.id);
      assert.equal(await odoo.call('account.move', 'button_draft', { ids: [invoice.id] }), null);
      assert.equal((await odoo.getInvoice(invoice.id)).state, 'draft');
      assert.equal(await odoo.call('account.move', 'button_cancel', { ids: [invoice.id] }), null);
      assert.equal((await odoo.getInvoice(invoice.id)).state, 'cancel');
      const again = await rejection(odoo.call('account.move', 'button_cancel', { ids: [invoice.id] }));
      assert.equal(again['odooMessage'], 'Only draft journal entries can be cancelled.');
    });

    test('searchRead, search, read and write return the same normalised shapes', async (t) => {
      const s = await standin(t);
      const odoo = clientFor(s, protocol);
      const rows = await odoo.searchRead('res.partner', [['is_company', '=', true]], {
        fields: ['name', 'email', 'phone'],
        order: 'name',
      });
      assert.deepEqual(rows, [
        { id: 3, name: 'Azure Interior', email: 'azure.interior24@example.com', phone: false },
        { id: 4, name: 'Deco Addict', email: 'deco.addict82@example.com', phone: false },
        { id: 1, name: 'My Company', email: false, phone: false },
      ]);
      assert.deepEqual(
        await odoo.search('res.partner', ['|', ['name', 'ilike', 'azure'], ['name', 'ilike', 'deco']]),
        [3, 4],
      );
      assert.equal(
        await odoo.call('res.partner', 'write', { ids: [3], kwargs: { vals: { phone: '+32 2 555 0101' } } }),
        true,
      );
      assert.deepEqual(await odoo.read('res.partner', [3], ['phone']), [{ id: 3, phone: '+32 2 555 0101' }]);
    });
  });
}
