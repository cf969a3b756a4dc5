import assert from 'node:assert/strict';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { connectInProcess, STACK_FRAME, type InProcessConnection } from '../helpers/mcp-client.js';
import { seedEmailTask, tempVaultDir } from '../helpers/vault.js';

/**
 * The `vault://` resource through a real SDK client: the spec's error codes (resource not found -32002 with
 * the uri in `data`, invalid params -32602), `resources/list` paged, and completion of `vault://` paths.
 */

const RESOURCE_NOT_FOUND = -32002;
const INVALID_PARAMS = -32602;

/** The McpError a read rejects with (the test fails if the read succeeds). */
async function readError(conn: InProcessConnection, uri: string): Promise<McpError> {
  try {
    await conn.client.readResource({ uri });
  } catch (err) {
    assert.ok(err instanceof McpError, `an McpError for ${uri}, got ${String(err)}`);
    assert.doesNotMatch(err.message, STACK_FRAME, 'no stack frame reaches the client');
    return err;
  }
  assert.fail(`reading ${uri} succeeded`);
}

describe('vault:// errors use the spec codes', () => {
  let conn: InProcessConnection;
  before(async () => {
    const root = await tempVaultDir('res-err-');
    await seedEmailTask(root, 1);
    conn = await connectInProcess(root, 'cloud');
  });
  after(() => conn.close());

  test('a path that does not exist is -32002 with the uri in data', async () => {
    const uri = 'vault://Needs_Action/EMAIL_404.md';
    const err = await readError(conn, uri);
    assert.equal(err.code, RESOURCE_NOT_FOUND, err.message);
    assert.deepEqual((err.data as { uri?: string }).uri, uri);
    assert.match(err.message, /does not exist/);
    // One prefix only: the client adds "MCP error -32002: " itself.
    assert.doesNotMatch(err.message, /MCP error -32002: MCP error/);
  });

  test('a missing folder on the way is -32002 too', async () => {
    const err = await readError(conn, 'vault://Nowhere/EMAIL_1.md');
    assert.equal(err.code, RESOURCE_NOT_FOUND, err.message);
  });

  for (const [label, uri, reason] of [
    ['traversal', 'vault://..%2F..%2Fetc%2Fpasswd', /"\." or "\.\."/],
    ['traversal inside', 'vault://Needs_Action%2F..%2F..%2Fsecret.md', /"\." or "\.\."/],
    ['not NFC', 'vault://Needs_Action/e%CC%81.md', /NFC/],
    ['bad percent-encoding', 'vault://Needs_Action/%ZZ.md', /percent-encoding/],
    ['a folder', 'vault://Needs_Action', /is a folder/],
    ['a hidden name', 'vault://.git/config', /hidden name/],
  ] as const) {
    test(`${label} is -32602 invalid params, with our code and reason`, async () => {
      const err = await readError(conn, uri);
      assert.equal(err.code, INVALID_PARAMS, err.message);
      assert.match(err.message, /invalid_input: /);
      assert.match(err.message, reason);
      assert.equal((err.data as { uri?: string }).uri, uri);
    });
  }

  test('a file that exists still reads', async () => {
    const res = await conn.client.readResource({ uri: 'vault://Needs_Action/EMAIL_1.md' });
    const first = res.contents[0];
    assert.ok(first && 'text' in first);
    assert.match(first.text, /message 1/);
    assert.equal(first.mimeType, 'text/markdown');
  });
});

describe('resources/list: the task and approval files, paged', () => {
  let root: string;
  let conn: InProcessConnection;
  before(async () => {
    root = await tempVaultDir('res-list-');
    for (let i = 1; i <= 60; i++) await seedEmailTask(root, i);
    await seedEmailTask(root, 'C1', 'Needs_Action/cloud');
    await seedEmailTask(root, 'L1', 'Needs_Action/local');
    await seedEmailTask(root, 'P1', 'In_Progress/cloud', { status: 'in_progress' });
    await seedEmailTask(root, 'Q1', 'In_Progress/local', { status: 'in_progress' });
    await seedEmailTask(root, 'D1', 'Done', { status: 'done' });
    await writeFile(
      path.join(root, 'Pending_Approval', 'EMAIL_SEND_gmail_7.md'),
      '---\ntype: approval_request\nid: approval-7\naction: send_email\nstatus: pending\nto: a@example.com\nsubject: Your order\n---\nSend it?\n',
    );
    await writeFile(path.join(root, 'Approved', 'EMAIL_SEND_gmail_8.md'), '---\ntype: approval_request\n---\n');
    await writeFile(path.join(root, 'Rejected', 'EMAIL_SEND_gmail_9.md'), '---\ntype: approval_request\n---\n');
    await writeFile(path.join(root, 'Needs_Action', '.hidden.md'), 'not listed');
    await writeFile(path.join(root, 'Needs_Action', 'notes.txt'), 'not a task file');
    await mkdir(path.join(root, 'Needs_Action', 'sub.md'));
    conn = await connectInProcess(root, 'cloud');
  });
  after(() => conn.close());

  async function listAll(c: InProcessConnection): Promise<{ uris: string[]; pages: number[] }> {
    const uris: string[] = [];
    const pages: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await c.client.listResources(cursor === undefined ? {} : { cursor });
      pages.push(page.resources.length);
      for (const r of page.resources) {
        assert.ok(r.uri.startsWith('vault://'), r.uri);
        assert.ok(r.name, `${r.uri} has a name`);
        assert.equal(r.mimeType, 'text/markdown');
        uris.push(r.uri);
      }
      cursor = page.nextCursor;
      assert.ok(pages.length < 20, 'paging ends');
    } while (cursor !== undefined);
    return { uris, pages };
  }

  test('pages of 50 with an opaque nextCursor, every file once, in a stable order', async () => {
    const { uris, pages } = await listAll(conn);
    // The handbook, 60 + 1 queued, 1 claimed, 3 approval files.
    assert.deepEqual(pages, [50, 16]);
    assert.equal(new Set(uris).size, uris.length, 'no file twice');
    assert.equal(uris[0], 'vault://Company_Handbook.md', 'the handbook first: the rules come before the work');
    for (const expected of [
      'vault://Needs_Action/EMAIL_1.md',
      'vault://Needs_Action/EMAIL_60.md',
      'vault://Needs_Action/cloud/EMAIL_C1.md',
      'vault://In_Progress/cloud/EMAIL_P1.md',
      'vault://Pending_Approval/EMAIL_SEND_gmail_7.md',
      'vault://Approved/EMAIL_SEND_gmail_8.md',
      'vault://Rejected/EMAIL_SEND_gmail_9.md',
    ])
      assert.ok(uris.includes(expected), `${expected} is listed`);
    for (const absent of [
      'vault://Needs_Action/local/EMAIL_L1.md', // local's queue: cloud may not claim from it
      'vault://In_Progress/local/EMAIL_Q1.md', // local's claims
      'vault://Done/EMAIL_D1.md', // history: list_tasks {"folder": "Done"} reads it
      'vault://Needs_Action/.hidden.md',
      'vault://Needs_Action/notes.txt',
      'vault://Needs_Action/sub.md',
    ])
      assert.ok(!uris.includes(absent), `${absent} is not listed`);
  });

  test('each entry carries a title and description from its frontmatter', async () => {
    const { resources } = await conn.client.listResources();
    const email = resources.find((r) => r.uri === 'vault://Needs_Action/EMAIL_1.md');
    assert.ok(email);
    assert.equal(email.name, 'EMAIL_1.md');
    assert.equal(email.title, 'Question 1');
    assert.match(email.description ?? '', /email/);
    assert.match(email.description ?? '', /new/);
    const { resources: more } = await conn.client.listResources({
      cursor: (await conn.client.listResources()).nextCursor,
    });
    const approval = more.find((r) => r.uri === 'vault://Pending_Approval/EMAIL_SEND_gmail_7.md');
    assert.ok(approval);
    assert.match(approval.description ?? '', /send_email/);
    assert.match(approval.description ?? '', /pending/);
  });

  test('every listed uri reads back', async () => {
    const { uris } = await listAll(conn);
    for (const uri of uris) await conn.client.readResource({ uri });
  });

  test('a file moved between pages is neither repeated nor does it break paging', async () => {
    const first = await conn.client.listResources();
    // Another agent claims a task already listed: the next page starts where the first ended.
    await rename(path.join(root, 'Needs_Action', 'EMAIL_1.md'), path.join(root, 'In_Progress', 'cloud', 'EMAIL_1.md'));
    try {
      const second = await conn.client.listResources({ cursor: first.nextCursor });
      const firstUris = new Set(first.resources.map((r) => r.uri));
      assert.ok(second.resources.every((r) => !firstUris.has(r.uri)));
      assert.ok(second.resources.some((r) => r.uri === 'vault://In_Progress/cloud/EMAIL_1.md'));
    } finally {
      await rename(
        path.join(root, 'In_Progress', 'cloud', 'EMAIL_1.md'),
        path.join(root, 'Needs_Action', 'EMAIL_1.md'),
      );
    }
  });

  test('a cursor we did not issue is -32602', async () => {
    for (const cursor of ['garbage', 'eyJ4IjoxfQ', '']) {
      await assert.rejects(conn.client.listResources({ cursor }), (err: McpError) => {
        assert.equal(err.code, INVALID_PARAMS);
        assert.match(err.message, /cursor/);
        return true;
      });
    }
  });

  test('local lists its own queue and claims, not cloud’s', async () => {
    const local = await connectInProcess(root, 'local');
    try {
      const { uris } = await listAll(local);
      assert.ok(uris.includes('vault://Needs_Action/local/EMAIL_L1.md'));
      assert.ok(uris.includes('vault://In_Progress/local/EMAIL_Q1.md'));
      assert.ok(uris.includes('vault://Pending_Approval/EMAIL_SEND_gmail_7.md'));
      assert.ok(!uris.includes('vault://Needs_Action/EMAIL_1.md'));
      assert.ok(!uris.includes('vault://In_Progress/cloud/EMAIL_P1.md'));
    } finally {
      await local.close();
    }
  });

  test('a name that needs encoding is listed percent-encoded and reads back', async () => {
    await seedEmailTask(root, 'a b#ü', 'Needs_Action/cloud');
    const { uris } = await listAll(conn);
    const uri = uris.find((u) => u.includes('EMAIL_a'));
    assert.equal(uri, 'vault://Needs_Action/cloud/EMAIL_a%20b%23%C3%BC.md');
    const res = await conn.client.readResource({ uri });
    assert.match((res.contents[0] as { text: string }).text, /message a b#ü/);
  });
});

describe('completion of vault:// paths', () => {
  let conn: InProcessConnection;
  before(async () => {
    const root = await tempVaultDir('res-complete-');
    for (let i = 1; i <= 130; i++) await seedEmailTask(root, i, 'Done');
    await seedEmailTask(root, 1);
    await seedEmailTask(root, 2);
    await seedEmailTask(root, 'C1', 'Needs_Action/cloud');
    await writeFile(path.join(root, 'Needs_Action', '.secret.md'), 'hidden');
    conn = await connectInProcess(root, 'cloud');
  });
  after(() => conn.close());

  const complete = (value: string) =>
    conn.client.complete({ ref: { type: 'ref/resource', uri: 'vault://{+path}' }, argument: { name: 'path', value } });

  test('the server declares completions', () => {
    assert.ok(conn.client.getServerCapabilities()?.completions);
  });

  test('a prefix completes to the vault files under it, hidden ones never', async () => {
    const { completion } = await complete('Needs_Action/');
    assert.deepEqual(completion.values, [
      'Needs_Action/EMAIL_1.md',
      'Needs_Action/EMAIL_2.md',
      'Needs_Action/cloud/EMAIL_C1.md',
    ]);
    assert.equal(completion.hasMore, false);
    assert.equal(completion.total, 3);
  });

  test('a partial name matches, case-insensitively', async () => {
    const { completion } = await complete('needs_action/email_1');
    assert.deepEqual(completion.values, ['Needs_Action/EMAIL_1.md']);
  });

  test('more than 100 matches: 100 values, hasMore and the total', async () => {
    const { completion } = await complete('Done/EMAIL_');
    assert.equal(completion.values.length, 100);
    assert.equal(completion.total, 130);
    assert.equal(completion.hasMore, true);
  });

  test('the process_vault_task prompt completes its path to the tasks in the role’s queues', async () => {
    const { completion } = await conn.client.complete({
      ref: { type: 'ref/prompt', name: 'process_vault_task' },
      argument: { name: 'path', value: 'needs' },
    });
    assert.deepEqual(completion.values, [
      'Needs_Action/EMAIL_1.md',
      'Needs_Action/EMAIL_2.md',
      'Needs_Action/cloud/EMAIL_C1.md',
    ]);
  });

  test('the empty prefix offers the top of the vault; a hostile prefix offers nothing', async () => {
    const top = await complete('');
    assert.ok(top.completion.values.includes('Company_Handbook.md'));
    for (const value of ['../', '/etc/', '.git/', 'Needs_Action/.s'])
      assert.deepEqual((await complete(value)).completion.values, [], value);
  });
});
