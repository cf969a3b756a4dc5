import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toExecuteKw, dropUndefined } from '../../src/core/odoo/xmlrpc-args.js';
import { faultToError, isNoneResultFault } from '../../src/core/odoo/xmlrpc-faults.js';
import { scrubber } from '../../src/core/odoo/errors.js';
import { toInvoice, ref } from '../../src/core/odoo/normalise.js';
import { parseMethodCall, pythonFloat, serialiseFault, serialiseResponse } from '../../src/sandbox/odoo/xmlrpc-wire.js';
import { PyFloat } from '../../src/sandbox/odoo/py-float.js';
import { compileDomain } from '../../src/sandbox/odoo/domain.js';

const scrub = scrubber('secret-key-123');

test('client: execute_kw args put ids first and create values positionally; context rides in kwargs', () => {
  assert.deepEqual(toExecuteKw('create', { kwargs: { vals_list: [{ name: 'A' }] }, context: { lang: 'en_US' } }), {
    args: [[{ name: 'A' }]],
    kwargs: { context: { lang: 'en_US' } },
  });
  assert.deepEqual(toExecuteKw('write', { ids: [1, 2], kwargs: { vals: { name: 'B' } } }), {
    args: [[1, 2]],
    kwargs: { vals: { name: 'B' } },
  });
  assert.deepEqual(toExecuteKw('search_read', { kwargs: { domain: [], fields: undefined, limit: 5 } }), {
    args: [],
    kwargs: { domain: [], limit: 5 },
  });
  assert.deepEqual(dropUndefined({ a: [1, undefined], b: { c: undefined, d: null } }), {
    a: [1, null],
    b: { d: null },
  });
});

test('client: XML-RPC faults map to the same codes as JSON-2 statuses', () => {
  const target = { model: 'account.move', method: 'action_post' };
  assert.equal(faultToError(3, 'Access Denied', target, scrub).code, 'policy_denied');
  assert.equal(faultToError(4, 'Private methods ...', target, scrub).code, 'policy_denied');
  assert.equal(faultToError(2, 'The entry X (id 1) must be in draft.', target, scrub).code, 'invalid_input');
  assert.equal(faultToError(2, "Object foo.bar doesn't exist", target, scrub).code, 'not_found');
  const missing = faultToError(
    2,
    'Record does not exist or has been deleted.\n(Record: x(1,), User: 2)',
    target,
    scrub,
  );
  assert.equal(missing.code, 'not_found');
  assert.equal(missing.odooName, 'odoo.exceptions.MissingError');
  const attr = faultToError(
    1,
    "Traceback (most recent call last):\n  ...\nAttributeError: The method 'a.b' does not exist\n",
    target,
    scrub,
  );
  assert.equal(attr.code, 'not_found');
  assert.equal(attr.odooName, 'AttributeError');
  assert.equal(attr.odooMessage, "The method 'a.b' does not exist");
  assert.equal(faultToError(1, 'Traceback\nZeroDivisionError: division by zero', target, scrub).code, 'upstream');
  // A real Odoo 19.0 answers an unknown field with KeyError: the request's fault, not Odoo being down.
  assert.equal(faultToError(1, "Traceback\nKeyError: 'boom'", target, scrub).code, 'invalid_input');
  const leaked = faultToError(2, 'bad key secret-key-123 here', target, scrub);
  assert.ok(!leaked.message.includes('secret-key-123'));
  assert.equal(leaked.faultCode, 2);
  assert.equal(isNoneResultFault(1, 'Traceback\nTypeError: cannot marshal None unless allow_none is enabled\n'), true);
  assert.equal(isNoneResultFault(2, 'cannot marshal None unless allow_none is enabled'), false);
});

test('client: normalisation turns False into null and many2one into {id, name}', () => {
  assert.equal(ref(false), null);
  assert.deepEqual(ref([3, 'Azure Interior']), { id: 3, name: 'Azure Interior' });
  const inv = toInvoice({ id: 7, name: false, state: 'draft', partner_id: false, currency_id: [1, 'EUR'], ref: false });
  assert.equal(inv.name, null);
  assert.equal(inv.partner, null);
  assert.equal(inv.ref, null);
  assert.equal(inv.amount_total, 0);
  assert.deepEqual(inv.currency, { id: 1, name: 'EUR' });
});

test('stand-in: Python float repr and framing', () => {
  assert.equal(pythonFloat(115), '115.0');
  assert.equal(pythonFloat(0.1), '0.1');
  assert.equal(pythonFloat(-2.5), '-2.5');
  assert.equal(pythonFloat(1e21), '1e+21');
  assert.equal(
    serialiseResponse({ amount: new PyFloat(115), ok: true, name: 'a<b&c', ids: [] }),
    "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><struct>\n" +
      '<member>\n<name>amount</name>\n<value><double>115.0</double></value>\n</member>\n' +
      '<member>\n<name>ok</name>\n<value><boolean>1</boolean></value>\n</member>\n' +
      '<member>\n<name>name</name>\n<value><string>a&lt;b&amp;c</string></value>\n</member>\n' +
      '<member>\n<name>ids</name>\n<value><array><data>\n</data></array></value>\n</member>\n' +
      '</struct></value>\n</param>\n</params>\n</methodResponse>\n',
  );
  assert.throws(() => serialiseResponse(null), /cannot marshal None/);
  assert.match(serialiseFault(3, 'Access Denied'), /<name>faultCode<\/name>\n<value><int>3<\/int><\/value>/);
  assert.equal(JSON.stringify({ a: new PyFloat(115) }), '{"a":115}');
});

test('stand-in: parses every XML-RPC value type, CDATA and entities', () => {
  const call = parseMethodCall(
    `<?xml version="1.0"?><!-- c --><methodCall><methodName>m</methodName><params>` +
      `<param><value><int>1</int></value></param><param><value><i4>-2</i4></value></param>` +
      `<param><value><double>1.5</double></value></param><param><value><boolean>1</boolean></value></param>` +
      `<param><value><string>a &amp; b &#65;&#x42;</string></value></param><param><value>bare</value></param>` +
      `<param><value><string><![CDATA[<x>&]]></string></value></param><param><value><string/></value></param>` +
      `<param><value><nil/></value></param><param><value><dateTime.iso8601>20260315T10:11:12</dateTime.iso8601></value></param>` +
      `<param><value><array><data><value><int>3</int></value></data></array></value></param>` +
      `<param><value><struct><member><name>k</name><value><boolean>0</boolean></value></member></struct></value></param>` +
      `</params></methodCall>`,
  );
  assert.equal(call.methodName, 'm');
  assert.deepEqual(call.params, [
    1,
    -2,
    1.5,
    true,
    'a & b AB',
    'bare',
    '<x>&',
    '',
    null,
    '2026-03-15 10:11:12',
    [3],
    { k: false },
  ]);
  assert.throws(() => parseMethodCall('<methodCall><methodName>m</methodName><params></methodCall>'), /mismatched/);
  assert.throws(
    () =>
      parseMethodCall(
        '<methodCall><methodName>m</methodName><params><param><value><int>x</int></value></param></params></methodCall>',
      ),
    /bad integer/,
  );
});

test('stand-in: domains in prefix notation', () => {
  const rec: Record<string, unknown> = { name: 'Azure Interior', amount: 10, tags: [1, 2], email: false };
  const match = (domain: unknown) => compileDomain(domain, () => true)((f) => rec[f]);
  assert.equal(match([['name', 'ilike', 'azure']]), true);
  assert.equal(match([['name', 'like', 'azure']]), false);
  assert.equal(match([['name', '=ilike', 'AZURE INTERIOR']]), true);
  assert.equal(match(['|', ['amount', '>', 20], ['amount', '<=', 10]]), true);
  assert.equal(match(['&', ['amount', '>=', 10], '!', ['tags', 'in', [2]]]), false);
  assert.equal(match([['email', '=', false]]), true);
  assert.equal(
    match([
      ['tags', 'not in', [5]],
      ['name', '!=', 'x'],
    ]),
    true,
  );
  assert.throws(() => compileDomain([['name', 'regex', 'x']], () => true), /Invalid leaf/);
});
