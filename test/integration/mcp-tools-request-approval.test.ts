import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { silentLogger } from '../../src/core/log.js';
import { APPROVAL_ACTIONS } from '../../src/core/vault/approval-actions.js';
import { parseTaskText } from '../../src/core/vault/frontmatter.js';
import { buildMcpServer } from '../../src/mcp/server.js';
import { ALL_TOOLS } from '../../tools/index.js';
import { toolErrorOf } from '../helpers/mcp-client.js';
import { openTestVault, seedEmailTask, tempVaultDir } from '../helpers/vault.js';

/**
 * request_approval as an agent sees it: `params` typed per action in the schema, a wrong shape refused with the
 * keys that action takes, and a repeated request answered with the request as it stands in the vault.
 */

/** The real server for cloud over a vault whose clock the test moves. */
async function connectWithClock(root: string, clock: () => Date) {
  const vault = await openTestVault(root, 'cloud', { clock });
  const server = buildMcpServer({ vault, logger: silentLogger() }, ALL_TOOLS);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'approval-test', version: '1.0.0' });
  await client.connect(clientSide);
  return {
    client,
    call: async (name: string, args: Record<string, unknown> = {}) =>
      (await client.callTool({ name, arguments: args })) as CallToolResult,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

type Schema = {
  properties?: Record<string, Schema>;
  anyOf?: Schema[];
  required?: string[];
  additionalProperties?: unknown;
  title?: string;
  description?: string;
};

test('tools/list shows params as one closed shape per action, each named by its action', async () => {
  const root = await tempVaultDir();
  const conn = await connectWithClock(root, () => new Date());
  try {
    const tool = (await conn.client.listTools()).tools.find((t) => t.name === 'request_approval');
    assert.ok(tool);
    const params = (tool.inputSchema as Schema).properties?.['params'];
    assert.ok(params?.anyOf, `params is a union: ${JSON.stringify(params)}`);
    const variants = params.anyOf;
    assert.equal(variants.length, Object.keys(APPROVAL_ACTIONS).length);
    for (const [action, spec] of Object.entries(APPROVAL_ACTIONS)) {
      const variant = variants.find((v) => v.title === action);
      assert.ok(variant, `a variant titled ${action}`);
      assert.match(variant.description ?? '', new RegExp(`action.*"${action}"`), `${action}: says when it applies`);
      assert.equal(variant.additionalProperties, false, `${action}: closed`);
      assert.deepEqual(Object.keys(variant.properties ?? {}).sort(), Object.keys(spec.params.shape).sort());
      for (const [key, field] of Object.entries(variant.properties ?? {}))
        assert.ok(field.description, `${action}.${key} has a description`);
    }
  } finally {
    await conn.close();
  }
});

test('params of another action are refused, naming the keys the chosen action takes', async () => {
  const root = await tempVaultDir();
  await seedEmailTask(root, 1);
  const conn = await connectWithClock(root, () => new Date());
  try {
    const claimed = (await conn.call('claim_task')).structuredContent as { path: string };
    const err = toolErrorOf(
      await conn.call('request_approval', {
        task: claimed.path,
        action: 'post_invoice',
        params: { to: 'customer@example.com', subject: 'Re: Question 1' },
      }),
    );
    assert.equal(err.code, 'invalid_input');
    assert.match(err.message, /post_invoice/);
    for (const key of ['invoice_id', 'amount', 'currency']) assert.match(err.message, new RegExp(`\\b${key}\\b`));

    const extra = toolErrorOf(
      await conn.call('request_approval', {
        task: claimed.path,
        action: 'post_invoice',
        params: { invoice_id: 7, amount: 100, currency: 'EUR', due: '2026-12-31' },
      }),
    );
    assert.equal(extra.code, 'invalid_input');
    assert.match(extra.message, /"due"/);
    assert.match(extra.message, /\bpartner\b/, 'names the optional keys as well');
  } finally {
    await conn.close();
  }
});

test('a repeated identical request returns the expires the file holds, not a newly computed one', async () => {
  const root = await tempVaultDir();
  await seedEmailTask(root, 1);
  let now = Date.UTC(2026, 11, 1, 10, 0, 0);
  const conn = await connectWithClock(root, () => new Date(now));
  try {
    const claimed = (await conn.call('claim_task')).structuredContent as { path: string };
    const args = {
      task: claimed.path,
      action: 'post_invoice',
      params: { invoice_id: 7, amount: 100, currency: 'EUR' },
    };
    const first = (await conn.call('request_approval', args)).structuredContent as { path: string; expires: string };
    now += 3 * 3_600_000;
    const again = await conn.call('request_approval', args);
    assert.equal(again.isError, undefined, JSON.stringify(again.content));
    const second = again.structuredContent as { path: string; expires: string };
    const file = parseTaskText(await readFile(path.join(root, first.path), 'utf8')).data;
    assert.equal(second.path, first.path);
    assert.equal(second.expires, file['expires'], 'the answer is the file as it stands');
    assert.equal(first.expires, file['expires']);
  } finally {
    await conn.close();
  }
});
