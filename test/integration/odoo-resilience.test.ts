import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startOdooStandin } from '../../src/sandbox/odoo/index.js';
import { clientFor, PROTOCOLS, rejection, standin } from '../helpers/odoo-fixtures.js';

/** Timeouts, 500s, dropped connections, the `auto` probe and the health check. */
for (const protocol of PROTOCOLS) {
  describe(`resilience over ${protocol}`, () => {
    test('a slow Odoo is a timeout error, quickly; the next call works', async (t) => {
      const s = await standin(t);
      // Why: the process's first fetch loads undici, which can take longer than a short timeout.
      await clientFor(s, protocol).contextGet();
      const odoo = clientFor(s, protocol, { timeoutMs: 250 });
      await odoo.contextGet(); // authenticate first, so the injected latency hits a model call
      s.inject({ kind: 'latency', ms: 5_000, next: 1 });
      const started = Date.now();
      const err = await rejection(odoo.contextGet());
      assert.equal(err['code'], 'timeout');
      assert.match(err.message, /within 250 ms/);
      assert.ok(Date.now() - started < 2_000, 'the client gave up at its own timeout');
      assert.equal((await odoo.contextGet()).uid, 2);
    });

    test('HTTP 500 is an upstream error', async (t) => {
      const s = await standin(t);
      const odoo = clientFor(s, protocol);
      await odoo.contextGet();
      s.inject({ kind: 'error500', next: 1 });
      const err = await rejection(odoo.contextGet());
      assert.equal(err['code'], 'upstream');
      assert.equal(err['httpStatus'], 500);
      assert.equal(s.calls.at(-1)?.outcome, 'error500');
      assert.equal((await odoo.contextGet()).uid, 2);
    });

    test('a dropped connection is an upstream error', async (t) => {
      const s = await standin(t);
      const odoo = clientFor(s, protocol);
      await odoo.contextGet();
      s.inject({ kind: 'drop', next: 1 });
      const err = await rejection(odoo.contextGet());
      assert.equal(err['code'], 'upstream');
      assert.match(err.message, /check ODOO_URL/);
      assert.equal(s.calls.at(-1)?.outcome, 'dropped');
      assert.equal((await odoo.contextGet()).uid, 2);
    });

    test('a timed-out create that Odoo applied anyway is found by origin on retry', async (t) => {
      const s = await standin(t);
      await clientFor(s, protocol).contextGet();
      const odoo = clientFor(s, protocol, { timeoutMs: 250 });
      await odoo.contextGet();
      const input = { partnerId: 3, lines: [{ name: 'Work', quantity: 1, price_unit: 10 }], origin: 'task-slow' };
      // Only the create is slow: the origin search before it answers at once.
      s.inject({ kind: 'latency', ms: 600, next: 1, model: 'account.move', method: 'create' });
      const err = await rejection(odoo.createDraftInvoice(input));
      assert.equal(err['code'], 'timeout');
      // Wait for the stand-in to finish the create the client gave up on (bounded, event-driven).
      await waitFor(() => s.calls.some((c) => c.method === 'create' && c.outcome === 'ok'));
      s.clearInjections();
      const retry = await odoo.createDraftInvoice(input);
      assert.equal(retry.created, false);
      assert.equal(s.records('account.move').length, 1);
    });
  });
}

/** Polls a condition on the event loop's own schedule, at most ~2 s. */
async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setImmediate(r));
  if (condition()) return;
  await new Promise<void>((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      if (condition()) resolve();
      else if (Date.now() - started > 2_000) reject(new Error('condition not met'));
      else setTimeout(tick, 10);
    };
    tick();
  });
}

describe('fault injection by ratio', () => {
  test('ratio uses the injected random source', async (t) => {
    const s = await standin(t, { random: () => 0.25 });
    const odoo = clientFor(s, 'json2');
    s.inject({ kind: 'error500', ratio: 0.2 });
    assert.equal((await odoo.contextGet()).uid, 2, '0.25 is not below 0.2');
    s.inject({ kind: 'error500', ratio: 0.3 });
    assert.equal((await rejection(odoo.contextGet()))['code'], 'upstream');
  });
});

describe('protocol auto-probe', () => {
  test('picks JSON-2 on Odoo 19', async (t) => {
    const s = await standin(t);
    const odoo = clientFor(s, 'auto');
    assert.equal(await odoo.protocol(), 'json2');
    assert.equal((await odoo.contextGet()).uid, 2);
    assert.deepEqual(
      s.calls.map((c) => c.transport),
      ['json2'],
    );
  });

  test('picks XML-RPC when /json/version is 404 (Odoo 18)', async (t) => {
    const s = await standin(t, { jsonApi: false });
    const version = await fetch(`${s.url}/json/version`);
    assert.equal(version.status, 404);
    const odoo = clientFor(s, 'auto');
    assert.equal(await odoo.protocol(), 'xmlrpc');
    assert.equal((await odoo.version()).version, '18.0');
    assert.equal((await odoo.contextGet()).uid, 2);
    assert.ok(s.calls.every((c) => c.transport === 'xmlrpc'));
  });

  test('a probe that cannot reach Odoo is an upstream error, retried on the next call', async (t) => {
    const s = await standin(t);
    s.setJsonApi(false);
    const gone = await startOdooStandin();
    const url = gone.url;
    await gone.close();
    const err = await rejection(clientFor({ ...s, url }, 'auto').protocol());
    assert.equal(err['code'], 'upstream');
    const odoo = clientFor(s, 'auto');
    assert.equal(await odoo.protocol(), 'xmlrpc');
    s.setJsonApi(true);
    assert.equal(await clientFor(s, 'auto').protocol(), 'json2');
  });
});

describe('health', () => {
  test('pass with the database up, fail (500) without', async (t) => {
    const s = await standin(t);
    const odoo = clientFor(s, 'json2');
    assert.deepEqual(await odoo.health(), { ok: true, status: 'pass', httpStatus: 200, dbServerStatus: true });
    s.setDatabaseUp(false);
    assert.deepEqual(await odoo.health(), { ok: false, status: 'fail', httpStatus: 500, dbServerStatus: false });
    const plain = await fetch(`${s.url}/web/health`);
    assert.deepEqual(await plain.json(), { status: 'pass' });
  });

  test('an unreachable Odoo makes health() throw upstream', async (t) => {
    const s = await standin(t);
    const gone = await startOdooStandin();
    const url = gone.url;
    await gone.close();
    const err = await rejection(clientFor({ ...s, url }, 'json2').health());
    assert.equal(err['code'], 'upstream');
  });
});
