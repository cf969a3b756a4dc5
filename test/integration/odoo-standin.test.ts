import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { runOdooSandboxCommand, formatOdooSandboxInfo, startOdooStandin } from '../../src/sandbox/odoo/index.js';
import { clientFor, standin, twoLines } from '../helpers/odoo-fixtures.js';

/** The stand-in seen from the wire, without the client: hand-written XML-RPC, and its state file. */
const param = (xml: string) => `<param><value>${xml}</value></param>`;
const str = (s: string) => `<string>${s}</string>`;

async function xmlrpc(url: string, service: 'common' | 'object', body: string) {
  const res = await fetch(`${url}/xmlrpc/2/${service}`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/xml' },
    body,
  });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

function executeKw(db: string, key: string, model: string, method: string, args: string, kwargs = '<struct></struct>') {
  return (
    `<?xml version="1.0"?>\n<methodCall><methodName>execute_kw</methodName><params>` +
    param(str(db)) +
    param('<int>2</int>') +
    param(str(key)) +
    param(str(model)) +
    param(str(method)) +
    param(args) +
    param(kwargs) +
    `</params></methodCall>`
  );
}

const fault = (code: number, text: string) =>
  "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n" +
  `<member>\n<name>faultCode</name>\n<value><int>${code}</int></value>\n</member>\n` +
  `<member>\n<name>faultString</name>\n<value><string>${text}</string></value>\n</member>\n` +
  '</struct></value>\n</fault>\n</methodResponse>\n';

describe('the stand-in speaks Python-style XML-RPC', () => {
  test('authenticate: exact framing, an int uid; bad credentials are False, not a fault', async (t) => {
    const s = await standin(t);
    const call = (key: string) =>
      `<?xml version="1.0"?><methodCall><methodName>authenticate</methodName><params>${param(str(s.db))}${param(
        str(s.login),
      )}${param(str(key))}${param('<struct/>')}</params></methodCall>`;
    const ok = await xmlrpc(s.url, 'common', call(s.apiKey));
    assert.equal(ok.status, 200);
    assert.match(ok.type, /^text\/xml/);
    assert.equal(
      ok.text,
      "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><int>2</int></value>\n</param>\n</params>\n</methodResponse>\n",
    );
    const bad = await xmlrpc(s.url, 'common', call('wrong'));
    assert.match(bad.text, /<value><boolean>0<\/boolean><\/value>/);
  });

  test('version reports 19.0 with protocol_version 1', async (t) => {
    const s = await standin(t);
    const res = await xmlrpc(
      s.url,
      'common',
      '<?xml version="1.0"?><methodCall><methodName>version</methodName><params/></methodCall>',
    );
    assert.match(res.text, /<name>server_version<\/name>\n<value><string>19\.0<\/string><\/value>/);
    assert.match(res.text, /<name>protocol_version<\/name>\n<value><int>1<\/int><\/value>/);
  });

  test('floats are doubles even when integral, empty is boolean 0, never nil; many2one is [id, name]', async (t) => {
    const s = await standin(t);
    const res = await xmlrpc(
      s.url,
      'object',
      executeKw(
        s.db,
        s.apiKey,
        'product.product',
        'read',
        '<array><data><value><array><data><value><i4>1</i4></value></data></array></value></data></array>',
        '<struct><member><name>fields</name><value><array><data><value>list_price</value><value>default_code</value><value>taxes_id</value></data></array></value></member></struct>',
      ),
    );
    assert.match(res.text, /<name>list_price<\/name>\n<value><double>100\.0<\/double><\/value>/);
    assert.match(
      res.text,
      /<name>taxes_id<\/name>\n<value><array><data>\n<value><int>1<\/int><\/value>\n<\/data><\/array><\/value>/,
    );
    assert.ok(!res.text.includes('<nil'));
    const partner = await xmlrpc(
      s.url,
      'object',
      executeKw(
        s.db,
        s.apiKey,
        'res.partner',
        'read',
        '<array><data><value><array><data><value><int>3</int></value></data></array></value></data></array>',
        '<struct><member><name>fields</name><value><array><data><value><string>phone</string></value></data></array></value></member></struct>',
      ),
    );
    assert.match(partner.text, /<name>phone<\/name>\n<value><boolean>0<\/boolean><\/value>/);
  });

  test('fault table: 3 Access Denied, 2 unknown model, 4 private method, 1 unknown method and None result', async (t) => {
    const s = await standin(t);
    const ids = '<array><data><value><array><data><value><int>1</int></value></data></array></value></data></array>';
    const denied = await xmlrpc(s.url, 'object', executeKw(s.db, 'wrong-key', 'res.partner', 'read', ids));
    assert.equal(denied.status, 200);
    assert.equal(denied.text, fault(3, 'Access Denied'));
    const model = await xmlrpc(s.url, 'object', executeKw(s.db, s.apiKey, 'foo.bar', 'read', ids));
    assert.equal(model.text, fault(2, "Object foo.bar doesn't exist"));
    const priv = await xmlrpc(s.url, 'object', executeKw(s.db, s.apiKey, 'account.move', '_post', ids));
    assert.equal(priv.text, fault(4, "Private methods (such as 'account.move._post') cannot be called remotely."));
    const method = await xmlrpc(s.url, 'object', executeKw(s.db, s.apiKey, 'res.partner', 'foo', ids));
    assert.match(
      method.text,
      /<int>1<\/int>[\s\S]*Traceback[\s\S]*AttributeError: The method 'res.partner.foo' does not exist\n<\/string>/,
    );

    const odoo = clientFor(s, 'json2');
    const { invoice } = await odoo.createDraftInvoice({ partnerId: 3, lines: twoLines, origin: 'raw-none' });
    await odoo.postInvoice(invoice.id);
    const none = await xmlrpc(
      s.url,
      'object',
      executeKw(
        s.db,
        s.apiKey,
        'account.move',
        'button_draft',
        `<array><data><value><array><data><value><int>${invoice.id}</int></value></data></array></value></data></array>`,
      ),
    );
    assert.match(none.text, /<int>1<\/int>[\s\S]*cannot marshal None unless allow_none is enabled\n<\/string>/);
    assert.equal((await odoo.getInvoice(invoice.id)).state, 'draft', 'the call itself was applied');
  });

  test('create needs its values positionally (Odoo reads args[0]); a dict gives an int, a list a list', async (t) => {
    const s = await standin(t);
    const vals =
      '<struct><member><name>name</name><value><string>Raw &amp; Co &lt;test&gt;</string></value></member></struct>';
    const asKw = await xmlrpc(
      s.url,
      'object',
      executeKw(
        s.db,
        s.apiKey,
        'res.partner',
        'create',
        '<array><data/></array>',
        `<struct><member><name>vals_list</name><value>${vals}</value></member></struct>`,
      ),
    );
    assert.match(asKw.text, /IndexError: tuple index out of range/);
    const one = await xmlrpc(
      s.url,
      'object',
      executeKw(s.db, s.apiKey, 'res.partner', 'create', `<array><data><value>${vals}</value></data></array>`),
    );
    assert.match(one.text, /<param>\n<value><int>\d+<\/int><\/value>\n<\/param>/);
    const list = await xmlrpc(
      s.url,
      'object',
      executeKw(
        s.db,
        s.apiKey,
        'res.partner',
        'create',
        `<array><data><value><array><data><value>${vals}</value></data></array></value></data></array>`,
      ),
    );
    assert.match(
      list.text,
      /<param>\n<value><array><data>\n<value><int>\d+<\/int><\/value>\n<\/data><\/array><\/value>/,
    );
    assert.equal(s.records('res.partner').filter((p) => p['name'] === 'Raw & Co <test>').length, 2);
  });

  test('a body that is not XML-RPC is fault 1; a DOCTYPE is refused', async (t) => {
    const s = await standin(t);
    const junk = await xmlrpc(s.url, 'object', 'not xml at all');
    assert.equal(junk.status, 200);
    assert.match(junk.text, /<int>1<\/int>[\s\S]*ExpatError/);
    const dtd = await xmlrpc(
      s.url,
      'common',
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><methodCall><methodName>version</methodName></methodCall>',
    );
    assert.match(dtd.text, /ExpatError: DOCTYPE/);
  });
});

describe('stand-in state and runner', () => {
  test('the state file survives a restart and is written atomically', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'odoo-standin-'));
    const stateFile = path.join(dir, 'odoo.json');
    const first = await startOdooStandin({ stateFile, apiKey: 'k'.repeat(40) });
    const odoo = clientFor(first, 'xmlrpc');
    const { invoice } = await odoo.createDraftInvoice({ partnerId: 3, lines: twoLines, origin: 'persisted' });
    await first.close();
    assert.deepEqual(await readdir(dir), ['odoo.json'], 'no temp files left behind');
    assert.ok(JSON.parse(await readFile(stateFile, 'utf8')).records['account.move']);
    const second = await startOdooStandin({ stateFile, apiKey: 'k'.repeat(40) });
    try {
      const again = await clientFor(second, 'json2').createDraftInvoice({
        partnerId: 3,
        lines: twoLines,
        origin: 'persisted',
      });
      assert.equal(again.created, false);
      assert.equal(again.invoice.id, invoice.id);
    } finally {
      await second.close();
    }
  });

  test('runOdooSandboxCommand returns what to print and keeps serving until closed', async () => {
    const info = await runOdooSandboxCommand({ port: 0 });
    try {
      assert.match(info.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.match(info.apiKey, /^[0-9a-f]{40}$/);
      assert.equal((await fetch(`${info.url}/web/health`)).status, 200);
      const text = formatOdooSandboxInfo(info);
      assert.match(text, /^ODOO_URL=http/);
      assert.match(text, new RegExp(`ODOO_API_KEY=${info.apiKey}`));
    } finally {
      await info.close();
    }
  });
});
