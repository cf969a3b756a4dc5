import assert from 'node:assert/strict';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ProgressNotificationSchema, type CallToolResult, type Progress } from '@modelcontextprotocol/sdk/types.js';
import { silentLogger } from '../../src/core/log.js';
import type { Role } from '../../src/core/roles.js';
import { writeFile } from 'node:fs/promises';
import { buildMcpServer } from '../../src/mcp/server.js';
import { ALL_TOOLS, type ToolDeps } from '../../tools/index.js';
import { makeGitPair } from '../helpers/git-pair.js';
import { textOf } from '../helpers/mcp-client.js';
import { standin } from '../helpers/odoo-fixtures.js';
import { localExecutorDeps, odooClientFor } from '../helpers/odoo-flow.js';
import { openTestVault, ownerMovesToApproved, tempVaultDir } from '../helpers/vault.js';

/**
 * Progress (issue 12): a client that sends a progressToken with a call that can take seconds (a git sync, an
 * Odoo round trip) gets notifications/progress with rising progress, a total and a message at each step; the
 * last one has progress equal to its total. Real SDK client, real server, in process.
 */

async function connect(t: TestContext, deps: ToolDeps) {
  const server = buildMcpServer(deps, ALL_TOOLS);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'progress-test', version: '1.0.0' });
  await client.connect(clientSide);
  t.after(async () => {
    await client.close();
    await server.close();
  });
  /** Calls a tool with a progressToken (the SDK adds one for `onprogress`); returns the result and the steps. */
  const callWithProgress = async (name: string, args: Record<string, unknown> = {}) => {
    const steps: Progress[] = [];
    const result = (await client.callTool({ name, arguments: args }, undefined, {
      onprogress: (p) => steps.push(p),
    })) as CallToolResult;
    return { result, steps };
  };
  return { client, callWithProgress };
}

function assertSteps(steps: Progress[], label: string, min = 2): void {
  assert.ok(steps.length >= min, `${label}: at least ${min} progress notifications, got ${JSON.stringify(steps)}`);
  for (const [i, step] of steps.entries()) {
    assert.ok(typeof step.message === 'string' && step.message.length > 0, `${label}: step ${i} has a message`);
    assert.equal(typeof step.total, 'number', `${label}: step ${i} has a total`);
    if (i > 0) assert.ok(step.progress > (steps[i - 1]?.progress ?? -1), `${label}: progress rises`);
  }
  const last = steps.at(-1);
  assert.equal(last?.progress, last?.total, `${label}: the last step completes the total`);
}

async function odooVault(t: TestContext, role: Role) {
  const s = await standin(t);
  const root = await tempVaultDir();
  const vault = await openTestVault(root, role);
  const odoo = odooClientFor(s, vault);
  return { s, root, vault, odoo };
}

test('sync_vault reports its progress: started, then the outcome as the last step', async (t) => {
  const pair = await makeGitPair();
  t.after(() => pair.cleanup());
  await writeFile(path.join(pair.cloud.root, 'Plans', 'PLAN_1.md'), '---\nid: plan-1\n---\nA plan.\n');
  const { callWithProgress } = await connect(t, {
    vault: pair.cloud.vault,
    logger: silentLogger(),
    sync: pair.cloud.sync,
  });
  const { result, steps } = await callWithProgress('sync_vault');
  assert.equal(result.isError, undefined, textOf(result));
  assert.equal((result.structuredContent as { status: string }).status, 'ok');
  assertSteps(steps, 'sync_vault');
  assert.match(steps.at(-1)?.message ?? '', /ok|committed|pushed/i, 'the last step says how it ended');
});

test('odoo_create_draft_invoice reports each Odoo step (partner, invoice, approval)', async (t) => {
  const { vault, odoo } = await odooVault(t, 'cloud');
  const { callWithProgress } = await connect(t, { vault, logger: silentLogger(), odoo });
  const { result, steps } = await callWithProgress('odoo_create_draft_invoice', {
    partner: { name: 'Acme GmbH', email: 'billing@acme.example' },
    lines: [{ name: 'Consulting', quantity: 3, price_unit: 100 }],
    currency: 'EUR',
  });
  assert.equal(result.isError, undefined, textOf(result));
  assertSteps(steps, 'odoo_create_draft_invoice', 3);
  const messages = steps.map((s) => s.message ?? '').join('\n');
  assert.match(messages, /partner/i);
  assert.match(messages, /invoice/i);
  assert.match(messages, /approval/i);
});

test('the read-only Odoo tools report a start and an end', async (t) => {
  const { vault, odoo } = await odooVault(t, 'cloud');
  const { callWithProgress } = await connect(t, { vault, logger: silentLogger(), odoo });
  for (const [name, args] of [
    ['odoo_health', {}],
    ['odoo_list_invoices', { limit: 5 }],
  ] as const) {
    const { result, steps } = await callWithProgress(name, args);
    assert.equal(result.isError, undefined, textOf(result));
    assertSteps(steps, name);
  }
});

test('odoo_post_invoice on local reports checking, posting and filing', async (t) => {
  const { root, vault, odoo } = await odooVault(t, 'local');
  const executor = await localExecutorDeps(vault, odoo);
  const { callWithProgress } = await connect(t, { vault, logger: silentLogger(), odoo, executor });
  const drafted = await callWithProgress('odoo_create_draft_invoice', {
    partner: { name: 'Acme GmbH' },
    lines: [{ name: 'Consulting', quantity: 1, price_unit: 250 }],
    currency: 'EUR',
  });
  assert.equal(drafted.result.isError, undefined, textOf(drafted.result));
  const approval = path.posix.basename((drafted.result.structuredContent as { approval: string }).approval);
  await ownerMovesToApproved(root, approval);
  const { result, steps } = await callWithProgress('odoo_post_invoice', { approval: `Approved/${approval}` });
  assert.equal(result.isError, undefined, textOf(result));
  assertSteps(steps, 'odoo_post_invoice', 3);
  assert.match(steps.at(-1)?.message ?? '', /Done\//, 'the last step says where the approval was filed');
});

test('without a progressToken no progress notification is sent', async (t) => {
  const { vault, odoo } = await odooVault(t, 'cloud');
  const { client } = await connect(t, { vault, logger: silentLogger(), odoo });
  let seen = 0;
  client.setNotificationHandler(ProgressNotificationSchema, () => {
    seen += 1;
  });
  const result = (await client.callTool({ name: 'odoo_health', arguments: {} })) as CallToolResult;
  assert.equal(result.isError, undefined, textOf(result));
  await client.ping(); // a round trip after the call: any notification sent during it has arrived by now
  assert.equal(seen, 0);
});
