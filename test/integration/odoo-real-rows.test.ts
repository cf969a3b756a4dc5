import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OdooError } from '../../src/core/odoo/index.js';
import { scrubber } from '../../src/core/odoo/errors.js';
import { faultToError } from '../../src/core/odoo/xmlrpc-faults.js';
import type { CreateOdooClientOptions } from '../../src/core/odoo/index.js';
import { SALES_USER_LOGIN, type RunningOdooStandin } from '../../src/sandbox/odoo/index.js';
import { startAuthDroppingProxy } from '../helpers/odoo-auth-proxy.js';
import {
  clientFor,
  policyAllowing,
  PROTOCOLS,
  rejection,
  standin,
  TEST_ODOO_METHODS,
} from '../helpers/odoo-fixtures.js';
import {
  assertJson2Error,
  executeKwRaw,
  json2Raw,
  json2Value,
  xmlFault,
  xmlMember,
  xmlResult,
  xmlrpcRaw,
} from '../helpers/odoo-raw.js';

/**
 * reference/odoo.md, "Observed on a real Odoo 19.0 server", row by row: each test is named after its row,
 * checks the stand-in's answer on the wire (raw HTTP, hand-built XML-RPC) against what the real server sent,
 * and drives the real client over both transports to the outcome a caller sees (AppError code, message).
 * Run: npm run -s build && node --import tsx --test test/integration/odoo-real-rows.test.ts
 */
const TODAY = '2026-03-15'; // the day odoo-fixtures' standin() fixes
const MISSING = 999999;
const SALES_KEY = 'a1'.repeat(20);
const MISSING_PARTNER = `Record does not exist or has been deleted.\n(Record: res.partner(${MISSING},), User: 2)`;
const NOT_AUTHENTICATED = 'User not authenticated, use an API Key with a Bearer Authorization header.';
const INVOICE_VALS = {
  move_type: 'out_invoice',
  partner_id: 3,
  invoice_line_ids: [[0, 0, { name: 'Consulting', quantity: 3, price_unit: 100 }]],
};
const LINES = [{ name: 'Consulting', quantity: 3, price_unit: 100 }];

/** The fixtures' methods plus what some rows reach for (a private method, unlink of a deleted record). */
const client = (
  s: RunningOdooStandin,
  protocol: CreateOdooClientOptions['protocol'],
  overrides: Partial<CreateOdooClientOptions> = {},
) =>
  clientFor(s, protocol, {
    policy: policyAllowing([...TEST_ODOO_METHODS, 'res.partner._private', 'res.partner.unlink', 'account.move.unlink']),
    ...overrides,
  });

async function odooError(p: Promise<unknown>): Promise<OdooError> {
  const err = await rejection(p);
  assert.ok(err instanceof OdooError, `expected an OdooError, got ${err.name}: ${err.message}`);
  return err;
}

/** A posted invoice (id 1 on a fresh stand-in), made over raw JSON-2. */
async function rawPostedInvoice(s: RunningOdooStandin): Promise<number> {
  const [id] = json2Value(await json2Raw(s, 'account.move/create', { vals_list: [INVOICE_VALS] })) as number[];
  assert.equal(json2Value(await json2Raw(s, 'account.move/action_post', { ids: [id] })), false);
  return id ?? 0;
}

describe('JSON-2 rows', () => {
  test('row: res.partner/create {"vals_list":[{...}]} → 200 [7] (always a list for vals_list) — wire', async (t) => {
    const s = await standin(t);
    const one = json2Value(await json2Raw(s, 'res.partner/create', { vals_list: [{ name: 'Row One' }] }));
    assert.ok(Array.isArray(one) && one.length === 1 && Number.isInteger(one[0]), JSON.stringify(one));
    const two = json2Value(await json2Raw(s, 'res.partner/create', { vals_list: [{ name: 'A' }, { name: 'B' }] }));
    assert.equal((two as number[]).length, 2);
  });

  for (const protocol of PROTOCOLS) {
    test(`row: res.partner/create → the new id — client over ${protocol}`, async (t) => {
      const s = await standin(t);
      const id = await client(s, protocol).create('res.partner', { name: 'Row One' });
      assert.equal(s.records('res.partner').find((p) => p.id === id)?.['name'], 'Row One');
    });
  }

  test('row: account.move/create out_invoice with invoice_line_ids [[0,0,{name,quantity,price_unit}]] → 200 [1] — wire', async (t) => {
    const s = await standin(t);
    assert.deepEqual(json2Value(await json2Raw(s, 'account.move/create', { vals_list: [INVOICE_VALS] })), [1]);
  });

  for (const protocol of PROTOCOLS) {
    test(`row: account.move/create out_invoice → a draft, id 1 — client over ${protocol}`, async (t) => {
      const s = await standin(t);
      const { invoice, created } = await client(s, protocol).createDraftInvoice({
        partnerId: 3,
        lines: LINES,
        origin: 'row-create',
      });
      assert.equal(created, true);
      assert.equal(invoice.id, 1);
    });
  }

  test('row: read of a draft → name false, state "draft", payment_state "not_paid", invoice_date false, many2one [id,"name"] — wire', async (t) => {
    const s = await standin(t);
    json2Value(await json2Raw(s, 'account.move/create', { vals_list: [INVOICE_VALS] }));
    const fields = ['name', 'state', 'payment_state', 'invoice_date', 'currency_id', 'partner_id'];
    const [rec] = json2Value(await json2Raw(s, 'account.move/read', { ids: [1], fields })) as Array<
      Record<string, unknown>
    >;
    // The real server's company currency was USD (id 1); the stand-in's seed has EUR there: data, same shape.
    assert.deepEqual(rec, {
      id: 1,
      name: false,
      state: 'draft',
      payment_state: 'not_paid',
      invoice_date: false,
      currency_id: [1, 'EUR'],
      partner_id: [3, 'Azure Interior'],
    });
    const xml = xmlResult(
      await executeKwRaw(s, 'account.move', 'read', [[1]], { fields: ['name', 'invoice_date', 'currency_id'] }),
    );
    assert.equal(xmlMember(xml, 'name'), '<value><boolean>0</boolean></value>', 'False, never <nil/>');
    assert.equal(xmlMember(xml, 'invoice_date'), '<value><boolean>0</boolean></value>');
    assert.equal(
      xmlMember(xml, 'currency_id'),
      '<value><array><data>\n<value><int>1</int></value>\n<value><string>EUR</string></value>\n</data></array></value>',
    );
  });

  for (const protocol of PROTOCOLS) {
    test(`row: read of a draft → no number, draft, not paid, no date — client over ${protocol}`, async (t) => {
      const s = await standin(t);
      const odoo = client(s, protocol);
      const { invoice } = await odoo.createDraftInvoice({ partnerId: 3, lines: LINES, origin: 'row-read' });
      const read = await odoo.getInvoice(invoice.id);
      assert.equal(read.name, null);
      assert.equal(read.state, 'draft');
      assert.equal(read.payment_state, 'not_paid');
      assert.equal(read.invoice_date, null);
      assert.deepEqual(read.currency, { id: 1, name: 'EUR' });
      assert.deepEqual(read.partner, { id: 3, name: 'Azure Interior' });
    });
  }

  test('row: account.move/action_post {"ids":[1]} → 200 false; then name "INV/2026/00001", state "posted", invoice_date today — wire', async (t) => {
    const s = await standin(t);
    json2Value(await json2Raw(s, 'account.move/create', { vals_list: [INVOICE_VALS] }));
    const posted = await json2Raw(s, 'account.move/action_post', { ids: [1] });
    assert.equal(posted.text, 'false');
    const [rec] = json2Value(
      await json2Raw(s, 'account.move/read', { ids: [1], fields: ['name', 'state', 'invoice_date'] }),
    ) as Array<Record<string, unknown>>;
    assert.deepEqual(rec, { id: 1, name: 'INV/2026/00001', state: 'posted', invoice_date: TODAY });
  });

  for (const protocol of PROTOCOLS) {
    test(`row: account.move/action_post → numbered, posted, dated today — client over ${protocol}`, async (t) => {
      const s = await standin(t);
      const odoo = client(s, protocol);
      const { invoice } = await odoo.createDraftInvoice({ partnerId: 3, lines: LINES, origin: 'row-post' });
      const posted = await odoo.postInvoice(invoice.id);
      assert.equal(posted.name, 'INV/2026/00001');
      assert.equal(posted.state, 'posted');
      assert.equal(posted.invoice_date, TODAY);
    });
  }

  test('row: account.payment.register/create {"vals_list":[{}],"context":{active_model, active_ids}} → 200 [1]; amount = residual, journal "Bank", communication = invoice number — wire', async (t) => {
    const s = await standin(t);
    const id = await rawPostedInvoice(s);
    const context = { active_model: 'account.move', active_ids: [id] };
    const wizard = json2Value(await json2Raw(s, 'account.payment.register/create', { vals_list: [{}], context }));
    assert.deepEqual(wizard, [1]);
    const [rec] = json2Value(
      await json2Raw(s, 'account.payment.register/read', {
        ids: [1],
        fields: ['amount', 'journal_id', 'communication', 'payment_date'],
      }),
    ) as Array<Record<string, unknown>>;
    assert.deepEqual(rec, {
      id: 1,
      amount: 300,
      journal_id: [2, 'Bank'],
      communication: 'INV/2026/00001',
      payment_date: TODAY,
    });
  });

  test('row: account.payment.register/action_create_payments {"ids":[1],"context":{same}} → 200 an ir.actions.act_window dict (res_model "account.payment", res_id) — wire', async (t) => {
    const s = await standin(t);
    const id = await rawPostedInvoice(s);
    const context = { active_model: 'account.move', active_ids: [id] };
    json2Value(await json2Raw(s, 'account.payment.register/create', { vals_list: [{}], context }));
    const action = json2Value(
      await json2Raw(s, 'account.payment.register/action_create_payments', { ids: [1], context }),
    ) as Record<string, unknown>;
    assert.equal(action['type'], 'ir.actions.act_window');
    assert.equal(action['res_model'], 'account.payment');
    assert.equal(action['res_id'], s.records('account.payment')[0]?.id);
  });

  test('row: after a full payment → payment_state "paid", amount_residual 0.0 — wire', async (t) => {
    const s = await standin(t);
    const id = await rawPostedInvoice(s);
    const context = { active_model: 'account.move', active_ids: [id] };
    json2Value(await json2Raw(s, 'account.payment.register/create', { vals_list: [{}], context }));
    json2Value(await json2Raw(s, 'account.payment.register/action_create_payments', { ids: [1], context }));
    const [rec] = json2Value(
      await json2Raw(s, 'account.move/read', { ids: [id], fields: ['payment_state', 'amount_residual'] }),
    ) as Array<Record<string, unknown>>;
    assert.deepEqual(rec, { id, payment_state: 'paid', amount_residual: 0 });
  });

  for (const protocol of PROTOCOLS) {
    test(`row: a partial payment gives "partial", a full one "paid" (wizard create, then action_create_payments) — client over ${protocol}`, async (t) => {
      const s = await standin(t);
      const odoo = client(s, protocol);
      const { invoice } = await odoo.createDraftInvoice({ partnerId: 3, lines: LINES, origin: 'row-pay' });
      await odoo.postInvoice(invoice.id);
      const partial = await odoo.registerPayment(invoice.id, { payment_date: TODAY, amount: 100 });
      assert.equal(partial.payment_state, 'partial');
      assert.equal(partial.amount_residual, 200);
      const paid = await odoo.registerPayment(invoice.id, { payment_date: TODAY });
      assert.equal(paid.payment_state, 'paid');
      assert.equal(paid.amount_residual, 0);
    });
  }

  test('row: read of a missing id → 200 [] (not an error) — wire', async (t) => {
    const s = await standin(t);
    assert.deepEqual(json2Value(await json2Raw(s, 'res.partner/read', { ids: [MISSING], fields: ['name'] })), []);
    const mixed = json2Value(await json2Raw(s, 'res.partner/read', { ids: [3, MISSING], fields: ['name'] }));
    assert.deepEqual(mixed, [{ id: 3, name: 'Azure Interior' }], 'a deleted record is skipped, the rest is read');
  });

  for (const protocol of PROTOCOLS) {
    test(`row: read of a missing id → [] from read(); a deleted invoice is "not found" — client over ${protocol}`, async (t) => {
      const s = await standin(t);
      const odoo = client(s, protocol);
      assert.deepEqual(await odoo.read('account.move', [MISSING], ['name']), []);
      const { invoice } = await odoo.createDraftInvoice({ partnerId: 3, lines: LINES, origin: 'row-deleted' });
      assert.equal(await odoo.call('account.move', 'unlink', { ids: [invoice.id] }), true);
      assert.deepEqual(await odoo.read('account.move', [invoice.id], ['state']), []);
      const gone = await rejection(odoo.getInvoice(invoice.id));
      assert.equal(gone['code'], 'not_found');
      assert.match(gone.message, new RegExp(`no invoice with id ${invoice.id}; it may have been deleted`));
      const post = await odooError(odoo.postInvoice(invoice.id));
      assert.equal(post.code, 'not_found');
      assert.equal(post.odooName, 'odoo.exceptions.MissingError');
    });
  }

  test('row: write/unlink of a missing id → 404 odoo.exceptions.MissingError "Record does not exist or has been deleted.\\n(Record: res.partner(999999,), User: 2)" — wire', async (t) => {
    const s = await standin(t);
    const expected = { status: 404, name: 'odoo.exceptions.MissingError', message: MISSING_PARTNER };
    assertJson2Error(await json2Raw(s, 'res.partner/write', { ids: [MISSING], vals: { name: 'X' } }), expected);
    assertJson2Error(await json2Raw(s, 'res.partner/unlink', { ids: [MISSING] }), expected);
  });

  for (const protocol of PROTOCOLS) {
    test(`row: write/unlink of a missing id → not_found with Odoo's MissingError — client over ${protocol}`, async (t) => {
      const s = await standin(t);
      const odoo = client(s, protocol);
      for (const p of [
        odoo.call('res.partner', 'write', { ids: [MISSING], kwargs: { vals: { name: 'X' } } }),
        odoo.call('res.partner', 'unlink', { ids: [MISSING] }),
      ]) {
        const err = await odooError(p);
        assert.equal(err.code, 'not_found');
        assert.equal(err.odooName, 'odoo.exceptions.MissingError');
        assert.equal(err.odooMessage, MISSING_PARTNER);
        if (protocol === 'json2') assert.equal(err.httpStatus, 404);
        else assert.equal(err.faultCode, 2);
      }
    });
  }

  test('row: wrong key → 401, WWW-Authenticate: "Bearer ", werkzeug.exceptions.Unauthorized "Invalid apikey" — wire and client', async (t) => {
    const s = await standin(t);
    const raw = await json2Raw(s, 'res.users/context_get', {}, { key: 'f'.repeat(40) });
    assertJson2Error(raw, { status: 401, name: 'werkzeug.exceptions.Unauthorized', message: 'Invalid apikey' });
    assert.equal(raw.headers.get('www-authenticate'), 'Bearer ');
    const err = await odooError(client(s, 'json2', { apiKey: 'f'.repeat(40) }).contextGet());
    assert.equal(err.code, 'policy_denied');
    assert.equal(err.httpStatus, 401);
    assert.equal(err.odooMessage, 'Invalid apikey');
    assert.match(err.message, /ODOO_API_KEY/);
  });

  test('row: no Authorization header → 401 "User not authenticated, use an API Key with a Bearer Authorization header." — wire and client (behind a proxy that drops it)', async (t) => {
    const s = await standin(t);
    const expected = { status: 401, name: 'werkzeug.exceptions.Unauthorized', message: NOT_AUTHENTICATED };
    const none = await json2Raw(s, 'res.users/context_get', {}, { key: null });
    assertJson2Error(none, expected);
    assert.equal(none.headers.get('www-authenticate'), 'Bearer ');
    const basic = await json2Raw(
      s,
      'res.users/context_get',
      {},
      { key: null, headers: { Authorization: 'Basic eDp5' } },
    );
    assertJson2Error(basic, expected);
    const proxy = await startAuthDroppingProxy(t, s.url);
    const err = await odooError(client({ ...s, url: proxy }, 'json2').contextGet());
    assert.equal(err.code, 'policy_denied');
    assert.equal(err.odooMessage, NOT_AUTHENTICATED);
    assert.match(err.message, /received no API key.*Authorization header/);
  });

  test('row: unknown X-Odoo-Database → 404 with an HTML page — wire and client', async (t) => {
    const s = await standin(t);
    for (const key of [s.apiKey, 'f'.repeat(40)]) {
      const raw = await json2Raw(s, 'res.users/context_get', {}, { db: 'no_such_db', key });
      assert.equal(raw.status, 404, 'the database is looked up before the key');
      assert.match(raw.contentType, /^text\/html/);
      assert.match(raw.text, /^<!doctype html>/);
    }
    const err = await odooError(client(s, 'json2', { db: 'no_such_db' }).contextGet());
    assert.equal(err.code, 'upstream', 'a worker keeps its tasks until ODOO_DB is fixed');
    assert.equal(err.httpStatus, 404);
    assert.match(err.message, /ODOO_DB "no_such_db"/);
  });

  test('row: ValidationError → 422 odoo.exceptions.ValidationError — wire', async (t) => {
    const s = await standin(t);
    const raw = await json2Raw(s, 'res.partner/create', { vals_list: [{ email: 'nameless@example.com' }] });
    assertJson2Error(raw, {
      status: 422,
      name: 'odoo.exceptions.ValidationError',
      message: /a mandatory field is not set[\s\S]*Field: Name \(name\)/,
    });
  });

  for (const protocol of PROTOCOLS) {
    test(`row: ValidationError → invalid_input with Odoo's message — client over ${protocol}`, async (t) => {
      const s = await standin(t);
      const err = await odooError(client(s, protocol).create('res.partner', { email: 'nameless@example.com' }));
      assert.equal(err.code, 'invalid_input');
      assert.match(err.odooMessage ?? '', /a mandatory field is not set/);
      if (protocol === 'json2') assert.equal(err.odooName, 'odoo.exceptions.ValidationError');
      else assert.equal(err.faultCode, 2);
    });
  }

  test('row: UserError: posting a posted invoice → 422 "The entry INV/2026/00001 (id 1) must be in draft." — wire', async (t) => {
    const s = await standin(t);
    await rawPostedInvoice(s);
    assertJson2Error(await json2Raw(s, 'account.move/action_post', { ids: [1] }), {
      status: 422,
      name: 'odoo.exceptions.UserError',
      message: 'The entry INV/2026/00001 (id 1) must be in draft.',
    });
  });

  for (const protocol of PROTOCOLS) {
    test(`row: UserError: posting a posted invoice → invalid_input "must be in draft" — client over ${protocol}`, async (t) => {
      const s = await standin(t);
      const odoo = client(s, protocol);
      const { invoice } = await odoo.createDraftInvoice({ partnerId: 3, lines: LINES, origin: 'row-twice' });
      await odoo.postInvoice(invoice.id);
      const err = await odooError(odoo.postInvoice(invoice.id));
      assert.equal(err.code, 'invalid_input');
      assert.equal(err.odooMessage, 'The entry INV/2026/00001 (id 1) must be in draft.');
      assert.match(err.message, /^Odoo refused account\.move\.action_post: The entry/);
    });
  }

  test(`row: UserError: posting an invoice without lines → 422 "Even magicians can't post nothing!" — wire`, async (t) => {
    const s = await standin(t);
    const vals = { move_type: 'out_invoice', partner_id: 3 };
    const [id] = json2Value(await json2Raw(s, 'account.move/create', { vals_list: [vals] })) as number[];
    assertJson2Error(await json2Raw(s, 'account.move/action_post', { ids: [id] }), {
      status: 422,
      name: 'odoo.exceptions.UserError',
      message: "Even magicians can't post nothing!",
    });
  });

  for (const protocol of PROTOCOLS) {
    test(`row: UserError: posting an invoice without lines → invalid_input "Even magicians..." — client over ${protocol}`, async (t) => {
      const s = await standin(t);
      const odoo = client(s, protocol);
      const id = await odoo.create('account.move', { move_type: 'out_invoice', partner_id: 3 });
      const err = await odooError(odoo.postInvoice(id));
      assert.equal(err.code, 'invalid_input');
      assert.equal(err.odooMessage, "Even magicians can't post nothing!");
      assert.equal(s.records('account.move')[0]?.['state'], 'draft');
    });
  }

  test(`row: AccessError → 403 odoo.exceptions.AccessError "You are not allowed to access 'Journal Entry' (account.move) records. ..." — wire`, async (t) => {
    const s = await standin(t, { noAccountingApiKeys: [SALES_KEY] });
    const raw = await json2Raw(s, 'account.move/search_read', { domain: [], fields: ['name'] }, { key: SALES_KEY });
    assertJson2Error(raw, {
      status: 403,
      name: 'odoo.exceptions.AccessError',
      message:
        /^You are not allowed to access 'Journal Entry' \(account\.move\) records\.\n\nThis operation is allowed for the following groups:\n\t- [\s\S]*\n\nContact your administrator to request access if necessary\.$/,
    });
    const ctx = json2Value(await json2Raw(s, 'res.users/context_get', {}, { key: SALES_KEY }));
    assert.equal((ctx as Record<string, unknown>)['uid'], 3, 'the same user reaches what it has rights on');
  });

  for (const protocol of PROTOCOLS) {
    test(`row: AccessError → policy_denied with Odoo's message — client over ${protocol}`, async (t) => {
      const s = await standin(t, { noAccountingApiKeys: [SALES_KEY] });
      const odoo = client(s, protocol, { apiKey: SALES_KEY, login: SALES_USER_LOGIN });
      assert.equal(await odoo.uid(), 3);
      const err = await odooError(odoo.listInvoices());
      assert.equal(err.code, 'policy_denied');
      assert.match(err.odooMessage ?? '', /^You are not allowed to access 'Journal Entry' \(account\.move\) records\./);
      assert.match(err.message, /^Odoo denied account\.move\.search_read: You are not allowed/);
      if (protocol === 'json2') assert.equal(err.httpStatus, 403);
      else assert.equal(err.faultCode, 4);
    });
  }

  test(`row: private method _x → 403 AccessError "Private methods (such as 'res.partner._private') cannot be called remotely." — wire`, async (t) => {
    const s = await standin(t);
    assertJson2Error(await json2Raw(s, 'res.partner/_private', { ids: [3] }), {
      status: 403,
      name: 'odoo.exceptions.AccessError',
      message: "Private methods (such as 'res.partner._private') cannot be called remotely.",
    });
  });

  for (const protocol of PROTOCOLS) {
    test(`row: private method _x → policy_denied — client over ${protocol}`, async (t) => {
      const s = await standin(t);
      const err = await odooError(client(s, protocol).call('res.partner', '_private', { ids: [3] }));
      assert.equal(err.code, 'policy_denied');
      assert.equal(err.odooMessage, "Private methods (such as 'res.partner._private') cannot be called remotely.");
      if (protocol === 'json2') assert.equal(err.httpStatus, 403);
      else assert.equal(err.faultCode, 4);
    });
  }

  test(`row: unknown model / method → 404 "the model 'no.such.model' does not exist" / "The method 'res.partner.no_such_method' does not exist" — wire`, async (t) => {
    const s = await standin(t);
    assertJson2Error(await json2Raw(s, 'no.such.model/search_read', { domain: [] }), {
      status: 404,
      name: 'werkzeug.exceptions.NotFound',
      message: "the model 'no.such.model' does not exist",
    });
    assertJson2Error(await json2Raw(s, 'res.partner/no_such_method', { ids: [3] }), {
      status: 404,
      name: 'werkzeug.exceptions.NotFound',
      message: "The method 'res.partner.no_such_method' does not exist",
    });
  });

  for (const protocol of PROTOCOLS) {
    test(`row: unknown model / method → not_found — client over ${protocol}`, async (t) => {
      const s = await standin(t);
      const odoo = client(s, protocol);
      const model = await odooError(odoo.call('no.such.model', 'search_read', { kwargs: { domain: [] } }));
      assert.equal(model.code, 'not_found');
      const method = await odooError(odoo.call('res.partner', 'no_such_method', { ids: [3] }));
      assert.equal(method.code, 'not_found');
      assert.equal(method.odooMessage, "The method 'res.partner.no_such_method' does not exist");
    });
  }

  test('row: ids given to create → 422 "cannot call res.partner.create with ids" — wire and client', async (t) => {
    const s = await standin(t);
    assertJson2Error(await json2Raw(s, 'res.partner/create', { ids: [3], vals_list: [{ name: 'X' }] }), {
      status: 422,
      name: 'werkzeug.exceptions.UnprocessableEntity',
      message: 'cannot call res.partner.create with ids',
    });
    const err = await odooError(
      client(s, 'json2').call('res.partner', 'create', { ids: [3], kwargs: { vals_list: [{ name: 'X' }] } }),
    );
    assert.equal(err.code, 'invalid_input');
    assert.equal(s.records('res.partner').filter((p) => p['name'] === 'X').length, 0);
  });

  test(`row: missing required argument → 422 "missing a required argument: 'domain'" — wire`, async (t) => {
    const s = await standin(t);
    assertJson2Error(await json2Raw(s, 'res.partner/search', {}), {
      status: 422,
      name: 'werkzeug.exceptions.UnprocessableEntity',
      message: "missing a required argument: 'domain'",
    });
  });

  for (const protocol of PROTOCOLS) {
    test(`row: missing required argument → invalid_input — client over ${protocol}`, async (t) => {
      const s = await standin(t);
      const err = await odooError(client(s, protocol).call('res.partner', 'search', { kwargs: {} }));
      assert.equal(err.code, 'invalid_input');
      if (protocol === 'json2') assert.equal(err.odooMessage, "missing a required argument: 'domain'");
      // XML-RPC calls the method itself: Python's own TypeError, fault 1.
      else assert.equal(err.odooMessage, "search() missing 1 required positional argument: 'domain'");
    });
  }

  test('row: unknown field in vals → 500 builtins.KeyError — wire', async (t) => {
    const s = await standin(t);
    const body = assertJson2Error(
      await json2Raw(s, 'res.partner/create', { vals_list: [{ name: 'X', no_such_field: 1 }] }),
      { status: 500, name: 'builtins.KeyError', message: 'no_such_field' },
    );
    assert.match(String(body['debug']), /\nKeyError: 'no_such_field'\n$/);
    assertJson2Error(await json2Raw(s, 'res.partner/write', { ids: [3], vals: { no_such_field: 1 } }), {
      status: 500,
      name: 'builtins.KeyError',
      message: 'no_such_field',
    });
    assert.equal(s.records('res.partner').filter((p) => p['name'] === 'X').length, 0, 'nothing was created');
    const fault = xmlFault(await executeKwRaw(s, 'res.partner', 'create', [{ name: 'X', no_such_field: 1 }]));
    assert.equal(fault.faultCode, 1);
    assert.match(fault.faultString, /^Traceback[\s\S]*\nKeyError: 'no_such_field'\n$/);
  });

  for (const protocol of PROTOCOLS) {
    test(`row: unknown field in vals → invalid_input naming the field, not "Odoo is down" — client over ${protocol}`, async (t) => {
      const s = await standin(t);
      const err = await odooError(client(s, protocol).create('res.partner', { name: 'X', no_such_field: 1 }));
      assert.equal(err.code, 'invalid_input');
      assert.match(err.message, /no field or key 'no_such_field' \(KeyError\)/);
      if (protocol === 'json2') {
        assert.equal(err.httpStatus, 500);
        assert.equal(err.odooName, 'builtins.KeyError');
      } else assert.equal(err.faultCode, 1);
    });
  }

  test('row: unknown keyword argument → 500 builtins.TypeError — wire', async (t) => {
    const s = await standin(t);
    assertJson2Error(await json2Raw(s, 'res.partner/search_read', { domain: [], bogus: 1 }), {
      status: 500,
      name: 'builtins.TypeError',
      message: "search_read() got an unexpected keyword argument 'bogus'",
    });
    // Not a row, from Odoo 19's json2.py: a method without **kwargs is refused by inspect's bind, 422.
    assertJson2Error(await json2Raw(s, 'res.partner/search', { domain: [], bogus: 1 }), {
      status: 422,
      name: 'werkzeug.exceptions.UnprocessableEntity',
      message: "got an unexpected keyword argument 'bogus'",
    });
  });

  for (const protocol of PROTOCOLS) {
    test(`row: unknown keyword argument → invalid_input (TypeError) — client over ${protocol}`, async (t) => {
      const s = await standin(t);
      const err = await odooError(
        client(s, protocol).call('res.partner', 'search_read', { kwargs: { domain: [], bogus: 1 } }),
      );
      assert.equal(err.code, 'invalid_input');
      assert.equal(err.odooMessage, "search_read() got an unexpected keyword argument 'bogus'");
      assert.match(err.message, /\(TypeError\)/);
    });
  }

  test('row: malformed JSON → 400 BadRequest "could not parse the body as json: ..." — wire', async (t) => {
    const s = await standin(t);
    assertJson2Error(await json2Raw(s, 'res.partner/search_read', '{"domain": ['), {
      status: 400,
      name: 'werkzeug.exceptions.BadRequest',
      message: /^could not parse the body as json: ./,
    });
  });

  test('row: GET, or POST without a JSON Content-Type → 415 with an HTML page — wire', async (t) => {
    const s = await standin(t);
    const answers = [
      await json2Raw(s, 'res.partner/search_read', undefined, { httpMethod: 'GET', contentType: null }),
      await json2Raw(s, 'res.partner/search_read', '{"domain": []}', { contentType: 'text/plain' }),
      await json2Raw(s, 'res.partner/search_read', '{"domain": []}', {
        contentType: 'application/x-www-form-urlencoded',
      }),
    ];
    for (const raw of answers) {
      assert.equal(raw.status, 415);
      assert.match(raw.contentType, /^text\/html/);
      assert.match(raw.text, /<title>415 Unsupported Media Type<\/title>/);
    }
    const charset = await json2Raw(
      s,
      'res.partner/search_count',
      { domain: [] },
      { contentType: 'application/json; charset=utf-8' },
    );
    assert.equal(charset.status, 200, 'a charset parameter is still JSON');
  });
});

describe('XML-RPC rows', () => {
  const authenticate = (s: RunningOdooStandin, key: string, db = s.db) =>
    xmlrpcRaw(s, 'common', 'authenticate', [db, s.login, key, {}]);

  test('row: authenticate(db, login, key, {}) returns the uid; a wrong key returns False, not a fault — wire and client', async (t) => {
    const s = await standin(t);
    assert.equal(xmlResult(await authenticate(s, s.apiKey)), '<value><int>2</int></value>\n');
    assert.equal(xmlResult(await authenticate(s, 'f'.repeat(40))), '<value><boolean>0</boolean></value>\n');
    assert.equal(await client(s, 'xmlrpc').uid(), 2);
    const err = await odooError(client(s, 'xmlrpc', { apiKey: 'f'.repeat(40) }).contextGet());
    assert.equal(err.code, 'policy_denied');
    assert.equal(err.faultCode, undefined, 'a refused login is False, not a fault');
    assert.match(err.message, /ODOO_API_KEY/);
  });

  test("row: execute_kw(..., 'res.partner', 'create', [{...}]) returns an int; [[{...}]] returns a list — wire and client", async (t) => {
    const s = await standin(t);
    assert.match(
      xmlResult(await executeKwRaw(s, 'res.partner', 'create', [{ name: 'One' }])),
      /^<value><int>\d+<\/int><\/value>\n$/,
    );
    assert.match(
      xmlResult(await executeKwRaw(s, 'res.partner', 'create', [[{ name: 'Listed' }]])),
      /^<value><array><data>\n<value><int>\d+<\/int><\/value>\n<\/data><\/array><\/value>\n$/,
    );
    assert.equal(typeof (await client(s, 'xmlrpc').create('res.partner', { name: 'Client' })), 'number');
  });

  test('row: action_post returns False; the payment wizard behaves as over JSON-2; read of a missing id returns [] — wire', async (t) => {
    const s = await standin(t);
    const id = Number(
      /<int>(\d+)<\/int>/.exec(xmlResult(await executeKwRaw(s, 'account.move', 'create', [INVOICE_VALS])))?.[1],
    );
    assert.equal(
      xmlResult(await executeKwRaw(s, 'account.move', 'action_post', [[id]])),
      '<value><boolean>0</boolean></value>\n',
    );
    const context = { active_model: 'account.move', active_ids: [id] };
    assert.equal(
      xmlResult(await executeKwRaw(s, 'account.payment.register', 'create', [{}], { context })),
      '<value><int>1</int></value>\n',
    );
    const action = xmlResult(
      await executeKwRaw(s, 'account.payment.register', 'action_create_payments', [[1]], { context }),
    );
    assert.equal(xmlMember(action, 'type'), '<value><string>ir.actions.act_window</string></value>');
    assert.equal(xmlMember(action, 'res_model'), '<value><string>account.payment</string></value>');
    assert.match(xmlMember(action, 'res_id') ?? '', /^<value><int>\d+<\/int><\/value>$/);
    const paid = xmlResult(
      await executeKwRaw(s, 'account.move', 'read', [[id]], { fields: ['payment_state', 'amount_residual'] }),
    );
    assert.equal(xmlMember(paid, 'payment_state'), '<value><string>paid</string></value>');
    assert.equal(xmlMember(paid, 'amount_residual'), '<value><double>0.0</double></value>');
    assert.equal(
      xmlResult(await executeKwRaw(s, 'res.partner', 'read', [[MISSING]], { fields: ['name'] })),
      '<value><array><data>\n</data></array></value>\n',
    );
  });

  test('row: fault 1 = a full Python traceback (unknown method; unknown database in authenticate) — wire and client', async (t) => {
    const s = await standin(t);
    const method = xmlFault(await executeKwRaw(s, 'res.partner', 'no_such_method', [[3]]));
    assert.equal(method.faultCode, 1);
    assert.match(
      method.faultString,
      /^Traceback \(most recent call last\):\n[\s\S]*\nAttributeError: The method 'res.partner.no_such_method' does not exist\n$/,
    );
    const db = xmlFault(await authenticate(s, s.apiKey, 'no_such_db'));
    assert.equal(db.faultCode, 1);
    assert.match(db.faultString, /^Traceback \(most recent call last\):\n/);

    const unknown = await odooError(client(s, 'xmlrpc').call('res.partner', 'no_such_method', { ids: [3] }));
    assert.equal(unknown.code, 'not_found');
    const noDb = await odooError(client(s, 'xmlrpc', { db: 'no_such_db' }).contextGet());
    assert.equal(noDb.code, 'upstream', 'a worker keeps its tasks until ODOO_DB is fixed');
    assert.equal(noDb.faultCode, 1);
    assert.match(noDb.message, /no database "no_such_db".*ODOO_DB/);
  });

  test('row: fault 2 = a plain message (ValidationError, UserError, MissingError on write, unknown model) — wire and client', async (t) => {
    const s = await standin(t);
    const validation = xmlFault(await executeKwRaw(s, 'res.partner', 'create', [{ email: 'nameless@example.com' }]));
    const id = Number(
      /<int>(\d+)<\/int>/.exec(
        xmlResult(await executeKwRaw(s, 'account.move', 'create', [{ move_type: 'out_invoice', partner_id: 3 }])),
      )?.[1],
    );
    const user = xmlFault(await executeKwRaw(s, 'account.move', 'action_post', [[id]]));
    const missing = xmlFault(await executeKwRaw(s, 'res.partner', 'write', [[MISSING], { name: 'X' }]));
    const model = xmlFault(await executeKwRaw(s, 'no.such.model', 'search_read', [], { domain: [] }));
    for (const f of [validation, user, missing, model]) {
      assert.equal(f.faultCode, 2);
      assert.ok(!f.faultString.includes('Traceback'), f.faultString);
    }
    assert.match(validation.faultString, /a mandatory field is not set/);
    assert.equal(user.faultString, "Even magicians can't post nothing!");
    assert.equal(missing.faultString, MISSING_PARTNER);
    assert.equal(model.faultString, "Object no.such.model doesn't exist");

    const target = { model: 'x.y', method: 'z' };
    const scrub = scrubber(s.apiKey);
    assert.deepEqual(
      [validation, user, missing, model].map((f) => faultToError(f.faultCode, f.faultString, target, scrub).code),
      ['invalid_input', 'invalid_input', 'not_found', 'not_found'],
    );
  });

  test('row: fault 3 = "Access Denied" (wrong key on execute_kw) — wire and client mapping', async (t) => {
    const s = await standin(t);
    const wrongKey = xmlFault(await executeKwRaw(s, 'res.partner', 'read', [[3]], {}, { key: 'f'.repeat(40) }));
    assert.deepEqual(wrongKey, { faultCode: 3, faultString: 'Access Denied' });
    const wrongUid = xmlFault(await executeKwRaw(s, 'res.partner', 'read', [[3]], {}, { uid: 7 }));
    assert.deepEqual(wrongUid, { faultCode: 3, faultString: 'Access Denied' });
    // The client authenticates first, so it meets fault 3 only for a key revoked since: its own mapping.
    const err = faultToError(
      wrongKey.faultCode,
      wrongKey.faultString,
      { model: 'res.partner', method: 'read' },
      scrubber(s.apiKey),
    );
    assert.equal(err.code, 'policy_denied');
    assert.match(err.message, /ODOO_API_KEY/);
  });

  test('row: fault 4 = AccessError (including private methods) — wire', async (t) => {
    const s = await standin(t, { noAccountingApiKeys: [SALES_KEY] });
    const access = xmlFault(
      await executeKwRaw(s, 'account.move', 'search_read', [], { domain: [] }, { key: SALES_KEY, uid: 3 }),
    );
    assert.equal(access.faultCode, 4);
    assert.match(access.faultString, /^You are not allowed to access 'Journal Entry' \(account\.move\) records\.\n\n/);
    const priv = xmlFault(await executeKwRaw(s, 'res.partner', '_private', [[3]]));
    assert.deepEqual(priv, {
      faultCode: 4,
      faultString: "Private methods (such as 'res.partner._private') cannot be called remotely.",
    });
  });

  test("row: version → {'server_version': '19.0', 'server_version_info': [19,0,0,'final',0,''], 'server_serie': '19.0', 'protocol_version': 1} — wire and client", async (t) => {
    const s = await standin(t);
    const xml = xmlResult(await xmlrpcRaw(s, 'common', 'version', []));
    assert.equal(xmlMember(xml, 'server_version'), '<value><string>19.0</string></value>');
    assert.equal(
      xmlMember(xml, 'server_version_info'),
      '<value><array><data>\n<value><int>19</int></value>\n<value><int>0</int></value>\n<value><int>0</int></value>\n' +
        '<value><string>final</string></value>\n<value><int>0</int></value>\n<value><string></string></value>\n</data></array></value>',
    );
    assert.equal(xmlMember(xml, 'server_serie'), '<value><string>19.0</string></value>');
    assert.equal(xmlMember(xml, 'protocol_version'), '<value><int>1</int></value>');
    assert.deepEqual(await client(s, 'xmlrpc').version(), {
      version: '19.0',
      major: 19,
      versionInfo: [19, 0, 0, 'final', 0, ''],
    });
  });
});

describe('health and version rows', () => {
  test('row: GET /web/health → 200 {"status": "pass"} — wire and client', async (t) => {
    const s = await standin(t);
    const res = await fetch(`${s.url}/web/health`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'pass' });
    assert.equal((await client(s, 'json2').health()).ok, true);
  });

  test('row: /json/version and /web/version both {"version_info": [19, 0, 0, "final", 0, ""], "version": "19.0"} — wire and client', async (t) => {
    const s = await standin(t);
    for (const path of ['/json/version', '/web/version']) {
      const res = await fetch(`${s.url}${path}`);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { version_info: [19, 0, 0, 'final', 0, ''], version: '19.0' });
    }
    assert.equal((await client(s, 'json2').version()).major, 19);
    assert.equal(await client(s, 'auto').protocol(), 'json2');
  });
});
