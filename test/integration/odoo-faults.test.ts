import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OdooError } from '../../src/core/odoo/index.js';
import { clientFor, PROTOCOLS, rejection, standin } from '../helpers/odoo-fixtures.js';

/** Every fault row of reference/odoo.md, through the real client, over both transports. */
async function odooError(p: Promise<unknown>): Promise<OdooError> {
  const err = await rejection(p);
  assert.ok(err instanceof OdooError, `expected an OdooError, got ${err.name}: ${err.message}`);
  return err;
}

for (const protocol of PROTOCOLS) {
  describe(`Odoo faults over ${protocol}`, () => {
    test('a bad API key: 401 Invalid apikey (JSON-2) or authenticate False (XML-RPC)', async (t) => {
      const s = await standin(t);
      const key = 'not-the-key-0123456789abcdef';
      const err = await odooError(clientFor(s, protocol, { apiKey: key }).contextGet());
      assert.equal(err.code, 'policy_denied');
      assert.match(err.message, /ODOO_API_KEY/);
      assert.ok(!err.message.includes(key));
      if (protocol === 'json2') {
        assert.equal(err.httpStatus, 401);
        assert.equal(err.odooMessage, 'Invalid apikey');
        assert.equal(s.calls.at(-1)?.outcome, 'unauthorized');
      } else {
        assert.equal(err.faultCode, undefined, 'a bad login is not a fault over XML-RPC');
        assert.deepEqual(
          s.calls.map((c) => c.method),
          ['authenticate'],
          'nothing is executed without a uid',
        );
      }
    });

    test('an unknown model', async (t) => {
      const s = await standin(t);
      const err = await odooError(
        clientFor(s, protocol).call('no.such.model', 'search_read', { kwargs: { domain: [] } }),
      );
      assert.equal(err.code, 'not_found');
      if (protocol === 'json2') {
        assert.equal(err.httpStatus, 404);
        assert.equal(err.odooName, 'werkzeug.exceptions.NotFound');
        assert.equal(err.odooMessage, "the model 'no.such.model' does not exist");
      } else {
        assert.equal(err.faultCode, 2);
        assert.equal(err.odooMessage, "Object no.such.model doesn't exist");
      }
    });

    test('an unknown method', async (t) => {
      const s = await standin(t);
      const err = await odooError(clientFor(s, protocol).call('res.partner', 'no_such_method', { ids: [1] }));
      assert.equal(err.code, 'not_found');
      assert.equal(err.odooMessage, "The method 'res.partner.no_such_method' does not exist");
      if (protocol === 'json2') assert.equal(err.httpStatus, 404);
      else {
        assert.equal(err.faultCode, 1);
        assert.equal(err.odooName, 'AttributeError');
      }
    });

    test('a private method (_post) cannot be called remotely', async (t) => {
      const s = await standin(t);
      const err = await odooError(clientFor(s, protocol).call('account.move', '_post', { ids: [1] }));
      assert.equal(err.code, 'policy_denied');
      assert.equal(err.odooMessage, "Private methods (such as 'account.move._post') cannot be called remotely.");
      if (protocol === 'json2') {
        assert.equal(err.httpStatus, 403);
        assert.equal(err.odooName, 'odoo.exceptions.AccessError');
      } else assert.equal(err.faultCode, 4);
    });

    test('ids sent to a model-level method', async (t) => {
      const s = await standin(t);
      const err = await odooError(
        clientFor(s, protocol).call('res.partner', 'create', { ids: [1], kwargs: { vals_list: [{ name: 'X' }] } }),
      );
      assert.equal(err.code, 'invalid_input');
      if (protocol === 'json2') {
        assert.equal(err.httpStatus, 422);
        assert.equal(err.odooMessage, 'cannot call res.partner.create with ids');
      } else {
        // XML-RPC has no ids slot: they become an extra positional argument, a Python TypeError.
        assert.equal(err.faultCode, 1);
        assert.equal(err.odooName, 'TypeError');
      }
      assert.equal(s.records('res.partner').filter((p) => p['name'] === 'X').length, 0);
    });

    test('an unknown keyword argument', async (t) => {
      const s = await standin(t);
      const err = await odooError(
        clientFor(s, protocol).call('res.partner', 'search_read', { kwargs: { domain: [], bogus: 1 } }),
      );
      assert.equal(err.code, 'invalid_input');
      assert.equal(err.odooMessage, "search_read() got an unexpected keyword argument 'bogus'");
    });

    test('writing a missing record is MissingError; reading one is an empty answer', async (t) => {
      const s = await standin(t);
      assert.deepEqual(await clientFor(s, protocol).read('res.partner', [9999], ['name']), []);
      const err = await odooError(
        clientFor(s, protocol).call('res.partner', 'write', { ids: [9999], kwargs: { vals: { name: 'X' } } }),
      );
      assert.equal(err.code, 'not_found');
      assert.equal(
        err.odooMessage,
        'Record does not exist or has been deleted.\n(Record: res.partner(9999,), User: 2)',
      );
      assert.equal(err.odooName, 'odoo.exceptions.MissingError');
      if (protocol === 'json2') assert.equal(err.httpStatus, 404);
      else assert.equal(err.faultCode, 2);
    });

    test('a ValidationError (mandatory field) and a failed call leave nothing behind', async (t) => {
      const s = await standin(t);
      const odoo = clientFor(s, protocol);
      const before = s.records('account.move').length;
      const err = await odooError(
        odoo.call('account.payment.register', 'create', {
          kwargs: { vals_list: [{ amount: 1 }] },
          context: { active_model: 'account.move', active_ids: [] },
        }),
      );
      assert.equal(err.code, 'invalid_input');
      const noName = await odooError(odoo.create('res.partner', { email: 'nameless@example.com' }));
      assert.equal(noName.code, 'invalid_input');
      assert.match(noName.odooMessage ?? '', /a mandatory field is not set[\s\S]*Field: Name \(name\)/);
      assert.equal(s.records('account.move').length, before);
      assert.equal(s.records('res.partner').filter((p) => p['email'] === 'nameless@example.com').length, 0);
    });
  });
}

describe('JSON-2 request errors (raw HTTP)', () => {
  const post = (url: string, key: string, body: string) =>
    fetch(url, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body,
    });

  test('a body that is not JSON is 400; one that is not an object is 400 too', async (t) => {
    const s = await standin(t);
    const res = await post(`${s.url}/json/2/res.partner/search_read`, s.apiKey, '{"domain": [');
    assert.equal(res.status, 400);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body['name'], 'werkzeug.exceptions.BadRequest');
    assert.match(String(body['message']), /^could not parse the body as json: /);
    const list = await post(`${s.url}/json/2/res.partner/search_read`, s.apiKey, '[1, 2]');
    assert.equal(list.status, 400);
    assert.equal(
      ((await list.json()) as Record<string, unknown>)['message'],
      'could not parse the body, expecting a json object',
    );
  });

  test('401 carries WWW-Authenticate: Bearer; the scheme is case-insensitive', async (t) => {
    const s = await standin(t);
    const bad = await post(`${s.url}/json/2/res.users/context_get`, 'wrong', '{}');
    assert.equal(bad.status, 401);
    // Exactly `Bearer `: werkzeug's challenge with no parameters keeps a trailing space.
    assert.equal(bad.headers.get('www-authenticate'), 'Bearer ');
    const ok = await fetch(`${s.url}/json/2/res.users/context_get`, {
      method: 'POST',
      headers: { authorization: `BEARER ${s.apiKey}`, 'content-type': 'application/json' },
    });
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as Record<string, unknown>)['uid'], 2);
  });

  test('a plain GET is an HTML 415; a JSON request off the route is 404 "Did you mean"', async (t) => {
    const s = await standin(t);
    const get = await fetch(`${s.url}/json/2/res.partner/search_read`, {
      headers: { Authorization: `bearer ${s.apiKey}` },
    });
    assert.equal(get.status, 415);
    assert.match(get.headers.get('content-type') ?? '', /^text\/html/);
    const jsonGet = await fetch(`${s.url}/json/2/res.partner/search_read`, {
      headers: { Authorization: `bearer ${s.apiKey}`, 'Content-Type': 'application/json' },
    });
    assert.equal(jsonGet.status, 404);
    assert.equal(
      ((await jsonGet.json()) as Record<string, unknown>)['message'],
      'Did you mean POST /json/2/<model>/<method>?',
    );
    const short = await post(`${s.url}/json/2/res.partner`, s.apiKey, '{}');
    assert.equal(short.status, 404);
  });

  test('a wrong X-Odoo-Database is refused', async (t) => {
    const s = await standin(t);
    const res = await fetch(`${s.url}/json/2/res.users/context_get`, {
      method: 'POST',
      headers: {
        Authorization: `bearer ${s.apiKey}`,
        'X-Odoo-Database': 'other_db',
        'Content-Type': 'application/json',
      },
      body: '{}',
    });
    assert.equal(res.status, 404);
  });
});
