import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ALL_TOOLS } from '../../tools/index.js';
import { silentLogger } from '../../src/core/log.js';
import { buildMcpServer } from '../../src/mcp/server.js';
import { normaliseApprovalText } from '../../src/core/vault/approval-text.js';
import { approvalContentHash } from '../../src/core/vault/approval-actions.js';
import type { Role } from '../../src/core/roles.js';
import { openTestVault, seedEmailTask, tempVaultDir } from '../helpers/vault.js';

async function connect(root: string, role: Role) {
  const vault = await openTestVault(root, role);
  const server = buildMcpServer({ vault, logger: silentLogger() }, ALL_TOOLS);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(clientSide);
  const call = async (name: string, args: Record<string, unknown> = {}) =>
    (await client.callTool({ name, arguments: args })) as CallToolResult;
  return { client, call, close: () => client.close() };
}

function errorOf(result: CallToolResult): { code: string; message: string } {
  assert.equal(result.isError, true, `expected an error, got ${JSON.stringify(result.structuredContent)}`);
  const text = (result.content[0] as { text: string }).text;
  assert.doesNotMatch(text, /\n\s+at /, 'no stack trace reaches the model');
  return (JSON.parse(text) as { error: { code: string; message: string } }).error;
}

test('cloud works a mail task end to end through the tools: list, claim, draft, approval, status', async () => {
  const root = await tempVaultDir();
  await seedEmailTask(root, 1);
  await seedEmailTask(root, 2, 'Needs_Action', { priority: 'high' });
  const { call, close } = await connect(root, 'cloud');

  const listed = await call('list_tasks', { folder: 'Needs_Action' });
  const tasks = (listed.structuredContent as { tasks: Array<{ path: string }> }).tasks;
  assert.deepEqual(
    tasks.map((t) => t.path),
    ['Needs_Action/EMAIL_1.md', 'Needs_Action/EMAIL_2.md'],
  );
  assert.deepEqual(
    JSON.parse((listed.content[0] as { text: string }).text),
    listed.structuredContent,
    'text mirrors structuredContent',
  );

  const claimed = (await call('claim_task')).structuredContent as {
    path: string;
    frontmatter: Record<string, unknown>;
    body: string;
  };
  assert.equal(claimed.path, 'In_Progress/cloud/EMAIL_2.md', 'the high-priority task is claimed first');
  assert.equal(claimed.frontmatter['status'], 'in_progress');
  assert.match(claimed.body, /message 2/);

  const draft = (await call('write_draft', { task: claimed.path, body: 'Thanks, we will reply tomorrow.' }))
    .structuredContent as { path: string };
  assert.equal(draft.path, 'Needs_Action/cloud/DRAFT_EMAIL_2.md');

  const approval = (
    await call('request_approval', {
      task: claimed.path,
      action: 'send_email',
      params: { to: 'customer@example.com', subject: 'Re: Question 2' },
      draft: draft.path,
    })
  ).structuredContent as { path: string; content_sha256: string };
  assert.equal(approval.path, 'Pending_Approval/EMAIL_SEND_EMAIL_2.md');
  const draftBody = (await readFile(path.join(root, draft.path), 'utf8')).split('---\n')[2] ?? '';
  assert.equal(
    approval.content_sha256,
    approvalContentHash(
      'send_email',
      { to: 'customer@example.com', subject: 'Re: Question 2' },
      normaliseApprovalText(draftBody),
    ),
  );

  const task = (await call('read_task', { path: claimed.path })).structuredContent as {
    frontmatter: Record<string, unknown>;
  };
  assert.equal(task.frontmatter['status'], 'awaiting_approval');
  assert.equal(task.frontmatter['lease_until'], undefined, 'waiting on a human: no lease');

  const status = (await call('vault_status')).structuredContent as {
    folders: Record<string, number>;
    pending_approvals: unknown[];
  };
  assert.equal(status.folders['Needs_Action'], 1);
  assert.equal(status.pending_approvals.length, 1);

  const update = (await call('post_update', { title: 'Mail drafted', body: 'One reply awaits approval.' }))
    .structuredContent as { path: string };
  assert.match(update.path, /^Updates\/.*_cloud_mail-drafted_/);

  const logs = await readFile(path.join(root, 'Logs', `${new Date().toISOString().slice(0, 10)}.cloud.jsonl`), 'utf8');
  const actions = logs
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { action_type: string }).action_type);
  for (const expected of [
    'task.claim',
    'tool.claim_task',
    'draft.write',
    'approval.request',
    'tool.request_approval',
    'update.post',
  ]) {
    assert.ok(actions.includes(expected), `audit log has ${expected}`);
  }
  await close();
});

test('the loser of a claim gets an isError "already claimed"; errors carry a code and no stack', async () => {
  const root = await tempVaultDir();
  await seedEmailTask(root, 7);
  const a = await connect(root, 'cloud');
  const b = await connect(root, 'cloud');
  const [ra, rb] = await Promise.all([
    a.call('claim_task', { path: 'Needs_Action/EMAIL_7.md' }),
    b.call('claim_task', { path: 'Needs_Action/EMAIL_7.md' }),
  ]);
  const results = [ra, rb];
  assert.equal(results.filter((r) => !r.isError).length, 1, 'exactly one winner');
  const loser = errorOf(results.find((r) => r.isError) as CallToolResult);
  assert.equal(loser.code, 'conflict');
  assert.match(loser.message, /already claimed/);

  assert.equal(errorOf(await a.call('claim_task')).code, 'not_found', 'empty queue says so');
  assert.equal(errorOf(await a.call('read_task', { path: 'Done/nothing.md' })).code, 'not_found');
  assert.equal(
    errorOf(await a.call('request_approval', { task: 'Needs_Action/EMAIL_7.md', action: 'send_email', params: {} }))
      .code,
    'invalid_input',
  );
  await a.close();
  await b.close();
});

test('an unreadable task is moved to Failed/ with its reason instead of crashing or being skipped', async () => {
  const root = await tempVaultDir();
  await writeFile(
    path.join(root, 'Needs_Action', 'EMAIL_bad.md'),
    '---\nid: x\ntype: email\ncreated: [yesterday\n---\nbody\n',
  );
  const { call, close } = await connect(root, 'cloud');
  const err = errorOf(await call('claim_task', { path: 'Needs_Action/EMAIL_bad.md' }));
  assert.equal(err.code, 'invalid_input');
  assert.match(err.message, /Failed\/EMAIL_bad\.md/);
  const failed = await readFile(path.join(root, 'Failed', 'EMAIL_bad.md'), 'utf8');
  assert.match(failed, /failed_reason: .*not valid YAML/);
  assert.match(failed, /^body$/m, 'the original body is kept');
  await close();
});

test('local sees the tools its policy grants and reads vault files through vault://', async () => {
  const root = await tempVaultDir();
  const { client, close } = await connect(root, 'local');
  const names = (await client.listTools()).tools.map((t) => t.name).sort();
  assert.deepEqual(names, [
    'claim_task',
    'complete_task',
    'fail_task',
    'list_tasks',
    'post_update',
    'read_task',
    'release_task',
    'request_approval',
    'vault_status',
    'write_draft',
  ]);
  const resource = await client.readResource({ uri: 'vault://Company_Handbook.md' });
  assert.match((resource.contents[0] as { text: string }).text, /Company Handbook/);
  await assert.rejects(client.readResource({ uri: 'vault://..%2F..%2Fetc%2Fpasswd' }), /invalid_input/);
  await close();
});
