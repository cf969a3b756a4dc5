import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { silentLogger } from '../../src/core/log.js';
import type { Role } from '../../src/core/roles.js';
import { VAULT_FOLDERS } from '../../src/core/vault/layout.js';
import { GitSyncService } from '../../src/daemons/sync/service.js';
import { connectInProcess, toolErrorOf, type InProcessConnection } from '../helpers/mcp-client.js';
import { standin } from '../helpers/odoo-fixtures.js';
import { localExecutorDeps, odooClientFor } from '../helpers/odoo-flow.js';
import { openTestVault, seedEmailTask, tempVaultDir } from '../helpers/vault.js';

/**
 * Strict tools (issue 12): an input an agent got wrong is refused with `invalid_input` and a message that says
 * what the tool takes, never silently reinterpreted; and tools/list shows an agent every rule: closed objects,
 * enums, a description on every field.
 */

/**
 * A role's server with every optional dependency present, all real: an Odoo client against the stand-in, the
 * local executor with the Odoo handlers, and the git sync service (never run here: listing only needs it).
 */
async function connectFull(t: TestContext, role: Role, draftOnly = role === 'cloud'): Promise<InProcessConnection> {
  const s = await standin(t);
  const root = await tempVaultDir();
  const vault = await openTestVault(root, role, { draftOnly });
  const odoo = odooClientFor(s, vault);
  const executor = await localExecutorDeps(vault, odoo);
  const sync = new GitSyncService({ vault, stateDir: `${root}.state`, logger: silentLogger() });
  const conn = await connectInProcess(root, role, { draftOnly, deps: { odoo, executor, sync } });
  t.after(() => conn.close());
  return conn;
}

type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: unknown;
  items?: Schema;
  anyOf?: Schema[];
  enum?: unknown[];
  description?: string;
  title?: string;
};

/** Every object schema inside `schema` with the path that leads to it. */
function objectsIn(schema: Schema, at: string): Array<[string, Schema]> {
  const out: Array<[string, Schema]> = [];
  if (schema.properties) {
    out.push([at, schema]);
    for (const [k, v] of Object.entries(schema.properties)) out.push(...objectsIn(v, `${at}.${k}`));
  }
  if (schema.items) out.push(...objectsIn(schema.items, `${at}[]`));
  for (const [i, v] of (schema.anyOf ?? []).entries()) out.push(...objectsIn(v, `${at}|${i}`));
  return out;
}

test('a misspelled key is refused with invalid_input naming the keys the tool takes, and claims nothing', async () => {
  const root = await tempVaultDir();
  await seedEmailTask(root, 'A');
  await seedEmailTask(root, 'B');
  const conn = await connectInProcess(root, 'cloud');
  try {
    const err = toolErrorOf(await conn.call('claim_task', { task: 'Needs_Action/EMAIL_B.md' }));
    assert.equal(err.code, 'invalid_input');
    assert.match(err.message, /"task"/, 'names the key it does not know');
    assert.match(err.message, /\bpath\b/, 'names path');
    assert.match(err.message, /\btype\b/, 'names type');
    assert.deepEqual((await readdir(path.join(root, 'Needs_Action'))).filter((n) => n.endsWith('.md')).sort(), [
      'EMAIL_A.md',
      'EMAIL_B.md',
    ]);
    assert.deepEqual(
      (await readdir(path.join(root, 'In_Progress', 'cloud'))).filter((n) => n.endsWith('.md')),
      [],
      'nothing was claimed',
    );

    const bogus = toolErrorOf(await conn.call('list_tasks', { bogus: 1 }));
    assert.equal(bogus.code, 'invalid_input');
    assert.match(bogus.message, /"bogus"/);
    for (const key of ['folder', 'type', 'limit']) assert.match(bogus.message, new RegExp(`\\b${key}\\b`));
  } finally {
    await conn.close();
  }
});

test('schema violations reach the client as our invalid_input error object, not the SDK text', async () => {
  const root = await tempVaultDir();
  await seedEmailTask(root, 1);
  const conn = await connectInProcess(root, 'cloud');
  try {
    const limit = toolErrorOf(await conn.call('list_tasks', { limit: 'ten' }));
    assert.equal(limit.code, 'invalid_input');
    assert.match(limit.message, /limit/);
    assert.doesNotMatch(limit.message, /MCP error -32602/);

    const missing = toolErrorOf(await conn.call('read_task', {}));
    assert.equal(missing.code, 'invalid_input');
    assert.match(missing.message, /path/);

    const claimed = (await conn.call('claim_task')).structuredContent as { path: string };
    const kind = toolErrorOf(await conn.call('write_draft', { task: claimed.path, body: 'Hello.', kind: 'memo' }));
    assert.equal(kind.code, 'invalid_input');
    for (const value of ['reply', 'email', 'email_reply', 'social_reply', 'note'])
      assert.match(kind.message, new RegExp(value));

    const level = toolErrorOf(await conn.call('post_update', { title: 'x', body: 'y', level: 'urgent' }));
    assert.equal(level.code, 'invalid_input');
    assert.match(level.message, /info/);
  } finally {
    await conn.close();
  }
});

test('a nested object refuses unknown keys too, naming its own keys (Odoo partner and lines)', async (t) => {
  const conn = await connectFull(t, 'cloud');
  const partner = toolErrorOf(
    await conn.call('odoo_create_draft_invoice', {
      partner: { name: 'Acme GmbH', mail: 'billing@acme.example' },
      lines: [{ name: 'Consulting', quantity: 1, price_unit: 100 }],
    }),
  );
  assert.equal(partner.code, 'invalid_input');
  assert.match(partner.message, /"mail"/);
  assert.match(partner.message, /partner/);
  assert.match(partner.message, /\bemail\b/);

  const line = toolErrorOf(
    await conn.call('odoo_create_draft_invoice', {
      partner: { name: 'Acme GmbH' },
      lines: [{ name: 'Consulting', qty: 1, price_unit: 100 }],
    }),
  );
  assert.equal(line.code, 'invalid_input');
  assert.match(line.message, /"qty"/);
  assert.match(line.message, /\bquantity\b/);
});

test('an unknown tool is refused (our error object, or a protocol error)', async () => {
  const root = await tempVaultDir();
  const conn = await connectInProcess(root, 'cloud');
  try {
    // The SDK 1.x answers an unknown tool as a tool result; the spec says protocol error: accept either.
    const outcome = await conn.call('no_such_tool', {}).then(
      (result) => ({ result }),
      (err: unknown) => ({ rejected: (err as Error).message }),
    );
    if ('rejected' in outcome) assert.match(outcome.rejected, /no_such_tool/);
    else {
      const err = toolErrorOf(outcome.result);
      assert.equal(err.code, 'not_found');
      assert.match(err.message, /Tool no_such_tool not found/);
    }
  } finally {
    await conn.close();
  }
});

for (const [role, draftOnly] of [
  ['cloud', true],
  ['local', false],
] as const) {
  test(`tools/list (${role}): every input object is closed, every field described, known values are enums`, async (t) => {
    const conn = await connectFull(t, role, draftOnly);
    const tools = (await conn.client.listTools()).tools;
    assert.ok(tools.length >= 15, `${role} lists its tools`);
    const byName = new Map<string, Tool>(tools.map((tool) => [tool.name, tool]));
    for (const tool of tools) {
      const input = tool.inputSchema as Schema;
      assert.equal(input.additionalProperties, false, `${tool.name}: the input object refuses unknown keys`);
      for (const [at, obj] of objectsIn(input, tool.name)) {
        assert.equal(obj.additionalProperties, false, `${at}: a nested object refuses unknown keys`);
        for (const [key, field] of Object.entries(obj.properties ?? {}))
          assert.ok(
            typeof field.description === 'string' && field.description.length > 3,
            `${at}.${key} has a description`,
          );
      }
    }
    const props = (name: string) => (byName.get(name)?.inputSchema as Schema).properties ?? {};
    assert.deepEqual(props('write_draft')['kind']?.enum, ['reply', 'email', 'email_reply', 'social_reply', 'note']);
    assert.deepEqual(props('post_update')['level']?.enum, ['info', 'alert']);
    for (const folder of VAULT_FOLDERS)
      assert.match(props('list_tasks')['folder']?.description ?? '', new RegExp(`"${folder}"`));
    assert.deepEqual(props('odoo_list_invoices')['state']?.enum, ['draft', 'posted', 'cancel']);
    assert.ok(Array.isArray(props('odoo_list_invoices')['payment_state']?.enum), 'payment_state is an enum');
    for (const name of ['release_task', 'complete_task', 'fail_task']) {
      const description = props(name)['path']?.description ?? '';
      assert.match(description, /In_Progress\/<role>\/|In_Progress\/(cloud|local)\//, `${name}.path example`);
      assert.doesNotMatch(description, /Needs_Action\//, `${name}.path does not suggest a queue path`);
    }
    for (const [name, field] of [
      ['post_update', 'title'],
      ['post_update', 'body'],
      ['post_update', 'level'],
      ['release_task', 'reason'],
      ['fail_task', 'reason'],
      ['complete_task', 'note'],
    ] as const)
      assert.ok(props(name)[field]?.description, `${name}.${field} has a description`);
  });
}
