import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { describe, test } from 'node:test';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { DRAFT_ONLY_OVERRIDE_VALUE, loadConfig } from '../../src/config.js';
import { AppError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/log.js';
import { CAPABILITIES, type Capability } from '../../src/core/policy/capabilities.js';
import { loadPolicy, Policy } from '../../src/core/policy/policy.js';
import { PolicySchema, type PolicyFile } from '../../src/core/policy/schema.js';
import type { Role } from '../../src/core/roles.js';
import { Vault } from '../../src/core/vault/vault.js';
import { ALL_TOOLS } from '../../tools/index.js';
import { connectInProcess, textOf, type InProcessConnection } from '../helpers/mcp-client.js';
import { seedEmailTask, tempVaultDir } from '../helpers/vault.js';

/**
 * Role × draft-only × tool. The expectations below are written by hand from policies/*.json and DESIGN §4,
 * not computed from the code under test: if a policy file or the filter changes, this table must be
 * changed on purpose.
 */

/**
 * Which (role, draft-only) cells list each tool, when every optional dependency (Odoo, executor) is present.
 * Columns: cloud draft-only, cloud with the override, local draft-only, local live. Written from
 * policies/*.json by hand: cloud holds no live-action capability at all; local loses them in draft-only.
 */
const TOOL_TABLE: Record<string, [boolean, boolean, boolean, boolean]> = {
  list_tasks: [true, true, true, true], // vault.read
  read_task: [true, true, true, true], // vault.read
  vault_status: [true, true, true, true], // vault.read
  claim_task: [true, true, true, true], // vault.claim
  release_task: [true, true, true, true], // vault.claim
  complete_task: [true, true, true, true], // vault.claim
  fail_task: [true, true, true, true], // vault.claim
  write_draft: [true, true, true, true], // vault.draft
  request_approval: [true, true, true, true], // approval.request
  post_update: [true, true, true, true], // vault.update
  odoo_health: [true, true, true, true], // odoo.read
  odoo_get_invoice: [true, true, true, true], // odoo.read
  odoo_list_invoices: [true, true, true, true], // odoo.read
  odoo_create_draft_invoice: [true, true, true, true], // odoo.draft_invoice + approval.request
  odoo_post_invoice: [false, false, false, true], // odoo.post_invoice + approval.execute
  odoo_register_payment: [false, false, false, true], // odoo.register_payment + approval.execute
  sync_vault: [true, true, true, true], // vault.sync (both roles sync), listed only with a git remote
  send_email: [false, false, false, true], // mail.send + approval.execute
  publish_reply: [false, false, false, true], // social.reply + approval.execute
};
/** Tools that are only listed when Odoo is configured (they need an Odoo client). */
const ODOO_TOOLS = [
  'odoo_create_draft_invoice',
  'odoo_get_invoice',
  'odoo_health',
  'odoo_list_invoices',
  'odoo_post_invoice',
  'odoo_register_payment',
];
/** Tools that are only listed when the vault syncs with a git remote (they need the sync service). */
const SYNC_TOOLS = ['sync_vault'];
/** Tools that are only listed on a machine with the approval executor (they reach Gmail and the social APIs). */
const EXECUTOR_TOOLS = ['send_email', 'publish_reply'];
const ALL_TOOL_NAMES = Object.keys(TOOL_TABLE).sort();
const toolsFor = (column: number, withOdoo: boolean) =>
  ALL_TOOL_NAMES.filter(
    (n) =>
      TOOL_TABLE[n]?.[column] === true &&
      (withOdoo || (!ODOO_TOOLS.includes(n) && !SYNC_TOOLS.includes(n) && !EXECUTOR_TOOLS.includes(n))),
  );

const CLOUD_CAPS = [
  'approval.request',
  'guard.run',
  'odoo.draft_invoice',
  'odoo.read',
  'vault.claim',
  'vault.draft',
  'vault.read',
  'vault.sync',
  'vault.update',
];
const LOCAL_DRAFT_ONLY_CAPS = CLOUD_CAPS;
const LOCAL_LIVE_CAPS = [
  'approval.execute',
  'approval.request',
  'guard.run',
  'mail.send',
  'odoo.draft_invoice',
  'odoo.post_invoice',
  'odoo.read',
  'odoo.register_payment',
  'social.reply',
  'vault.claim',
  'vault.draft',
  'vault.read',
  'vault.sync',
  'vault.update',
];

interface Cell {
  role: Role;
  draftOnly: boolean;
  capabilities: string[];
  /** Column of TOOL_TABLE. */
  column: number;
  resource: boolean;
}

const MATRIX: Cell[] = [
  { role: 'cloud', draftOnly: true, capabilities: CLOUD_CAPS, column: 0, resource: true },
  // Cloud with the override: the file grants no live action, so nothing changes.
  { role: 'cloud', draftOnly: false, capabilities: CLOUD_CAPS, column: 1, resource: true },
  { role: 'local', draftOnly: true, capabilities: LOCAL_DRAFT_ONLY_CAPS, column: 2, resource: true },
  { role: 'local', draftOnly: false, capabilities: LOCAL_LIVE_CAPS, column: 3, resource: true },
];

/**
 * Stand-ins for the optional dependencies, so the Odoo tools are listed. Every method rejects as an upstream
 * failure: the point is that a call gets past the policy, not what Odoo answers.
 */
function unreachable(name: string): unknown {
  return new Proxy(
    {},
    {
      get: (_target, prop) =>
        prop === 'then'
          ? undefined
          : () => Promise.reject(new AppError('upstream', `${name} is not reachable in this test.`)),
    },
  );
}
const OPTIONAL_DEPS = {
  odoo: unreachable('Odoo'),
  executor: unreachable('The executor'),
  sync: unreachable('The git remote'),
};

/** Hand-made policies with fewer capabilities, and the tools each must list. */
const CRAFTED: Array<{ name: string; capabilities: Capability[]; tools: string[]; resource: boolean }> = [
  { name: 'nothing', capabilities: [], tools: [], resource: false },
  {
    name: 'read only',
    capabilities: ['vault.read'],
    tools: ['list_tasks', 'read_task', 'vault_status'],
    resource: true,
  },
  {
    name: 'claim only',
    capabilities: ['vault.claim'],
    tools: ['claim_task', 'complete_task', 'fail_task', 'release_task'],
    resource: false,
  },
  {
    name: 'draft, ask and update',
    capabilities: ['vault.draft', 'approval.request', 'vault.update'],
    tools: ['post_update', 'request_approval', 'write_draft'],
    resource: false,
  },
  { name: 'sync only', capabilities: ['vault.sync'], tools: ['sync_vault'], resource: false },
  {
    name: 'Odoo reads',
    capabilities: ['odoo.read'],
    tools: ['odoo_get_invoice', 'odoo_health', 'odoo_list_invoices'],
    resource: false,
  },
  {
    name: 'live actions only (draft-only strips them)',
    capabilities: ['approval.execute', 'mail.send', 'odoo.post_invoice', 'odoo.register_payment', 'social.reply'],
    tools: [],
    resource: false,
  },
];

const READ_ONLY_TOOLS = [
  'list_tasks',
  'read_task',
  'vault_status',
  'odoo_health',
  'odoo_get_invoice',
  'odoo_list_invoices',
];

/** Config as the process would build it: cloud draft-only off needs the override phrase. */
function draftOnlyFromConfig(role: Role, draftOnly: boolean): boolean {
  const env: NodeJS.ProcessEnv = { AGENT_ROLE: role, CLOUD_DRAFT_ONLY: String(draftOnly) };
  if (role === 'cloud' && !draftOnly) env['CLOUD_DRAFT_ONLY_OVERRIDE'] = DRAFT_ONLY_OVERRIDE_VALUE;
  return loadConfig(env).draftOnly;
}

function craftedPolicy(capabilities: Capability[], overrides: Partial<PolicyFile> = {}): Policy {
  const file = PolicySchema.parse({
    role: 'cloud',
    capabilities,
    claim: { queues: ['Needs_Action'], types: ['email'] },
    writable: ['Needs_Action', 'In_Progress/cloud', 'Pending_Approval', 'Done', 'Failed', 'Updates', 'Logs'],
    odoo_methods: [],
    guard_blocked_names: [],
    accept_from_peer: [],
    ...overrides,
  });
  return new Policy(file, { draftOnly: true });
}

async function listedTools(conn: InProcessConnection) {
  try {
    return (await conn.client.listTools()).tools;
  } catch (err) {
    // A server with no tool at all does not answer tools/list.
    assert.match((err as Error).message, /Method not found/);
    return [];
  }
}

async function hasVaultResource(conn: InProcessConnection): Promise<boolean> {
  try {
    const { resourceTemplates } = await conn.client.listResourceTemplates();
    return resourceTemplates.some((t) => t.uriTemplate === 'vault://{+path}');
  } catch (err) {
    assert.match((err as Error).message, /Method not found/);
    return false;
  }
}

/** Asserts the call of a tool that is not listed is refused as unknown (isError result or protocol error). */
async function assertUnknownTool(conn: InProcessConnection, name: string): Promise<void> {
  let result: CallToolResult;
  try {
    result = (await conn.client.callTool({ name, arguments: {} })) as CallToolResult;
  } catch (err) {
    assert.match((err as Error).message, /not found|Method not found/, `${name}: ${(err as Error).message}`);
    return;
  }
  assert.equal(result.isError, true, `${name} is not listed, yet the call did not fail`);
  assert.match(textOf(result), new RegExp(`Tool ${name} not found`));
}

/**
 * Calls every tool in `names` with arguments that are valid for `role` on a fresh vault, in an order that
 * works (claim before draft, and so on). Returns the results by tool name.
 */
async function exercise(
  conn: InProcessConnection,
  root: string,
  role: Role,
  names: readonly string[],
): Promise<Map<string, CallToolResult>> {
  const queue = role === 'cloud' ? 'Needs_Action' : 'Needs_Action/local';
  const type = role === 'cloud' ? 'email' : 'task';
  for (const n of [1, 2, 3, 4]) await seedEmailTask(root, n, queue, { type });
  const results = new Map<string, CallToolResult>();
  const run = async (tool: string, args: Record<string, unknown>): Promise<CallToolResult> => {
    let result: CallToolResult;
    try {
      result = await conn.call(tool, args);
    } catch (err) {
      // An unlisted tool on a server without any tool is a protocol error; that is checked elsewhere.
      if (names.includes(tool)) throw err;
      return { isError: true, content: [{ type: 'text', text: (err as Error).message }] };
    }
    if (names.includes(tool) && !results.has(tool)) results.set(tool, result);
    return result;
  };
  const claim = async (n: number) => {
    const result = await run('claim_task', { path: `${queue}/EMAIL_${n}.md` });
    return (result.structuredContent as { path?: string } | undefined)?.path ?? `In_Progress/${role}/EMAIL_${n}.md`;
  };
  const claimOnly = names.includes('claim_task');
  await run('list_tasks', {});
  await run('read_task', { path: `${queue}/EMAIL_1.md` });
  await run('vault_status', {});
  const first = claimOnly ? await claim(1) : `In_Progress/${role}/EMAIL_1.md`;
  const draft = await run('write_draft', { task: first, body: 'Thank you, we will reply tomorrow.' });
  const draftPath = (draft.structuredContent as { path?: string } | undefined)?.path;
  await run('request_approval', {
    task: first,
    action: 'send_email',
    params: { to: 'customer@example.com', subject: 'Re: Question 1' },
    ...(draftPath ? { draft: draftPath } : {}),
  });
  await run('release_task', { path: claimOnly ? await claim(2) : first, reason: 'try later' });
  await run('complete_task', { path: claimOnly ? await claim(3) : first, outcome: 'replied' });
  await run('fail_task', { path: claimOnly ? await claim(4) : first, reason: 'needs a human' });
  await run('post_update', { title: 'Matrix', body: 'Checked.' });
  await run('sync_vault', {});
  await run('odoo_health', {});
  await run('odoo_get_invoice', { id: 1 });
  await run('odoo_list_invoices', { state: 'draft' });
  await run('odoo_create_draft_invoice', {
    partner: { name: 'Customer Ltd', email: 'customer@example.com' },
    lines: [{ name: 'Consulting', quantity: 2, price_unit: 100 }],
  });
  await run('odoo_post_invoice', { approval: 'Approved/ODOO_POST_INVOICE_X.md' });
  await run('odoo_register_payment', { approval: 'Approved/ODOO_PAYMENT_X.md' });
  await run('send_email', { approval: 'Approved/EMAIL_SEND_X.md' });
  await run('publish_reply', { approval: 'Approved/SOCIAL_REPLY_X.md' });
  return results;
}

describe('policy matrix: role × CLOUD_DRAFT_ONLY × tool', () => {
  test('cloud cannot turn draft-only off without the override phrase', () => {
    assert.throws(() => loadConfig({ AGENT_ROLE: 'cloud', CLOUD_DRAFT_ONLY: 'false' }), /CLOUD_DRAFT_ONLY_OVERRIDE/);
    assert.equal(loadConfig({ AGENT_ROLE: 'cloud' }).draftOnly, true, 'cloud is draft-only by default');
    assert.equal(loadConfig({ AGENT_ROLE: 'local' }).draftOnly, false);
  });

  test('the expectation table covers every tool and only capabilities that exist', () => {
    assert.deepEqual(ALL_TOOLS.map((t) => t.name).sort(), ALL_TOOL_NAMES);
    for (const cell of MATRIX) for (const cap of cell.capabilities) assert.ok(CAPABILITIES.includes(cap as Capability));
  });

  for (const cell of MATRIX) {
    const label = `${cell.role}, CLOUD_DRAFT_ONLY=${cell.draftOnly}`;

    test(`${label}: the policy grants exactly the expected capabilities`, async () => {
      const draftOnly = draftOnlyFromConfig(cell.role, cell.draftOnly);
      assert.equal(draftOnly, cell.draftOnly);
      const policy = await loadPolicy(cell.role, { draftOnly });
      assert.deepEqual(
        CAPABILITIES.filter((c) => policy.has(c)),
        CAPABILITIES.filter((c) => cell.capabilities.includes(c)),
      );
      for (const cap of CAPABILITIES.filter((c) => !cell.capabilities.includes(c))) {
        assert.throws(
          () => policy.require(cap, 'Test'),
          (err: AppError) => err.code === 'policy_denied' && err.message.includes(cap),
        );
      }
    });

    test(`${label}: tools/list is exactly the expected tools, each callable without policy_denied`, async () => {
      const expected = toolsFor(cell.column, true);
      const root = await tempVaultDir('matrix-');
      const draftOnly = draftOnlyFromConfig(cell.role, cell.draftOnly);
      const policy = await loadPolicy(cell.role, { draftOnly });
      const conn = await connectInProcess(root, cell.role, { policy, deps: OPTIONAL_DEPS });
      try {
        const listed = (await listedTools(conn)).map((t) => t.name).sort();
        assert.deepEqual(listed, expected);
        assert.equal(await hasVaultResource(conn), cell.resource);
        const results = await exercise(conn, root, cell.role, listed);
        assert.deepEqual([...results.keys()].sort(), expected, 'every listed tool was called');
        for (const [tool, result] of results) {
          if (ODOO_TOOLS.includes(tool) || SYNC_TOOLS.includes(tool) || EXECUTOR_TOOLS.includes(tool)) {
            // Odoo, the executor and the git remote are stand-ins that always fail: only the policy verdict counts.
            if (result.isError) assert.doesNotMatch(textOf(result), /policy_denied/, `${tool}: ${textOf(result)}`);
          } else {
            assert.equal(result.isError, undefined, `${tool} failed: ${textOf(result)}`);
          }
        }
        for (const name of ALL_TOOL_NAMES.filter((n) => !expected.includes(n))) await assertUnknownTool(conn, name);
      } finally {
        await conn.close();
        await rm(root, { recursive: true, force: true });
      }
    });

    test(`${label}: without Odoo configured, the Odoo tools are not listed`, async () => {
      const root = await tempVaultDir('matrix-no-odoo-');
      const policy = await loadPolicy(cell.role, { draftOnly: draftOnlyFromConfig(cell.role, cell.draftOnly) });
      const conn = await connectInProcess(root, cell.role, { policy });
      try {
        const listed = (await listedTools(conn)).map((t) => t.name).sort();
        assert.deepEqual(listed, toolsFor(cell.column, false));
        for (const name of ODOO_TOOLS) await assertUnknownTool(conn, name);
      } finally {
        await conn.close();
        await rm(root, { recursive: true, force: true });
      }
    });
  }

  for (const crafted of CRAFTED) {
    test(`a policy granting ${crafted.name}: lists exactly its tools; the others are unknown`, async () => {
      const root = await tempVaultDir('matrix-crafted-');
      const conn = await connectInProcess(root, 'cloud', {
        policy: craftedPolicy(crafted.capabilities),
        deps: OPTIONAL_DEPS,
      });
      try {
        const listed = (await listedTools(conn)).map((t) => t.name).sort();
        assert.deepEqual(listed, crafted.tools);
        assert.equal(await hasVaultResource(conn), crafted.resource);
        const results = await exercise(conn, root, 'cloud', listed);
        for (const [tool, result] of results) {
          if (result.isError) assert.doesNotMatch(textOf(result), /policy_denied/, `${tool}: ${textOf(result)}`);
        }
        for (const name of ALL_TOOL_NAMES.filter((n) => !crafted.tools.includes(n)))
          await assertUnknownTool(conn, name);
      } finally {
        await conn.close();
        await rm(root, { recursive: true, force: true });
      }
    });
  }
});

describe('the core check applies outside MCP', () => {
  test('every Vault method refuses with policy_denied when the policy grants nothing', async () => {
    const root = await tempVaultDir('matrix-core-');
    await seedEmailTask(root, 1);
    const vault = await Vault.open({ root, policy: craftedPolicy([]), logger: silentLogger(), processName: 'test' });
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['listTasks', () => vault.listTasks()],
      ['listTasks(folder)', () => vault.listTasks({ folder: 'Needs_Action' })],
      ['readTask', () => vault.readTask('Needs_Action/EMAIL_1.md')],
      ['readRaw', () => vault.readRaw('Needs_Action/EMAIL_1.md')],
      ['status', () => vault.status()],
      ['claim()', () => vault.claim()],
      ['claim(path)', () => vault.claim({ path: 'Needs_Action/EMAIL_1.md' })],
      ['release', () => vault.release('In_Progress/cloud/EMAIL_1.md', 'x')],
      ['complete', () => vault.complete('In_Progress/cloud/EMAIL_1.md', 'x')],
      ['fail', () => vault.fail('In_Progress/cloud/EMAIL_1.md', 'x')],
      ['writeDraft', () => vault.writeDraft({ task: 'In_Progress/cloud/EMAIL_1.md', body: 'x' })],
      [
        'requestApproval',
        () =>
          vault.requestApproval({
            task: 'In_Progress/cloud/EMAIL_1.md',
            action: 'send_email',
            params: { to: 'a@example.com', subject: 's' },
          }),
      ],
      ['postUpdate', () => vault.postUpdate({ title: 't', body: 'b' })],
    ];
    for (const [name, call] of calls) {
      await assert.rejects(call(), (err: unknown) => {
        assert.ok(err instanceof AppError, `${name}: ${String(err)}`);
        assert.equal(err.code, 'policy_denied', `${name}: ${err.message}`);
        assert.match(err.message, /not allowed: the cloud policy does not grant "[a-z.]+"/);
        return true;
      });
    }
    // Nothing moved: the denial came before any file was touched.
    const after = await Vault.open({
      root,
      policy: craftedPolicy(['vault.read']),
      logger: silentLogger(),
      processName: 't',
    });
    assert.deepEqual(
      (await after.listTasks()).map((t) => t.path),
      ['Needs_Action/EMAIL_1.md'],
    );
    await rm(root, { recursive: true, force: true });
  });

  test('draft-only removes live actions whatever the file says, with a reason that says so', () => {
    const policy = craftedPolicy(['mail.send', 'odoo.post_invoice', 'approval.execute', 'vault.read']);
    assert.equal(policy.has('vault.read'), true);
    for (const cap of ['mail.send', 'odoo.post_invoice', 'approval.execute'] as const) {
      assert.equal(policy.has(cap), false);
      assert.throws(() => policy.require(cap, 'Sending'), /draft-only mode forbids/);
    }
  });

  test('a write to a folder the policy does not name is refused in core (drafts, approvals, updates)', async () => {
    const root = await tempVaultDir('matrix-writable-');
    await seedEmailTask(root, 1);
    const all: Capability[] = ['vault.read', 'vault.claim', 'vault.draft', 'approval.request', 'vault.update'];
    const policy = craftedPolicy(all, { writable: ['In_Progress/cloud'] });
    const vault = await Vault.open({ root, policy, logger: silentLogger(), processName: 'test' });
    const { path: claimed } = await vault.claim({ path: 'Needs_Action/EMAIL_1.md' });
    for (const [name, call] of [
      ['writeDraft', () => vault.writeDraft({ task: claimed, body: 'x' })],
      [
        'requestApproval',
        () =>
          vault.requestApproval({
            task: claimed,
            action: 'post_invoice',
            params: { invoice_id: 1, amount: 10, currency: 'EUR' },
          }),
      ],
      ['postUpdate', () => vault.postUpdate({ title: 't', body: 'b' })],
    ] as const) {
      await assert.rejects(
        call(),
        (err: AppError) => err.code === 'policy_denied' && /may not write/.test(err.message),
        name,
      );
    }
    await rm(root, { recursive: true, force: true });
  });

  test('moves out of In_Progress/ (complete, fail, release) are also held to the writable folders', async () => {
    const root = await tempVaultDir('matrix-writable-moves-');
    for (const n of [1, 2, 3]) await seedEmailTask(root, n);
    const policy = craftedPolicy(['vault.read', 'vault.claim'], { writable: ['In_Progress/cloud'] });
    const vault = await Vault.open({ root, policy, logger: silentLogger(), processName: 'test' });
    const problems: string[] = [];
    const moves: Array<[string, (p: string) => Promise<unknown>]> = [
      ['complete (to Done/)', (p) => vault.complete(p, 'x')],
      ['fail (to Failed/)', (p) => vault.fail(p, 'x')],
      ['release (to Needs_Action/)', (p) => vault.release(p, 'x')],
    ];
    for (const [i, [name, move]] of moves.entries()) {
      const { path: claimed } = await vault.claim({ path: `Needs_Action/EMAIL_${i + 1}.md` });
      try {
        await move(claimed);
        problems.push(`${name} was allowed`);
      } catch (err) {
        if ((err as AppError).code !== 'policy_denied') problems.push(`${name}: ${(err as Error).message}`);
      }
    }
    assert.deepEqual(problems, []);
    await rm(root, { recursive: true, force: true });
  });
});

describe('what each role may write (Policy.canWrite)', () => {
  test('cloud may not write Approved/, Rejected/, Dashboard.md or local queues it does not own', async () => {
    const cloud = await loadPolicy('cloud', { draftOnly: true });
    for (const p of [
      'Approved',
      'Approved/EMAIL_SEND_1.md',
      'Rejected/EMAIL_SEND_1.md',
      'Dashboard.md',
      'Company_Handbook.md',
      'In_Progress/local/EMAIL_1.md',
      'Inbox/x.md',
      'Done_evil/x.md',
      'Approved_evil/x.md',
      'Dashboard.md.bak',
      'Logs_x/a.jsonl',
    ]) {
      assert.equal(cloud.canWrite(p), false, `cloud must not write ${p}`);
      assert.throws(
        () => cloud.requireWritable(p, 'Writing'),
        (err: AppError) => err.code === 'policy_denied',
      );
    }
    for (const p of [
      'Needs_Action/EMAIL_1.md',
      'Needs_Action/cloud/DRAFT_EMAIL_1.md',
      'In_Progress/cloud/EMAIL_1.md',
      'Plans/p.md',
      'Pending_Approval/EMAIL_SEND_1.md',
      'Done/EMAIL_1.md',
      'Failed/EMAIL_1.md',
      'Updates/u.md',
      'Logs/2026-11-26.cloud.jsonl',
    ]) {
      assert.equal(cloud.canWrite(p), true, `cloud may write ${p}`);
    }
  });

  test('local may write Approved/, Rejected/ and Dashboard.md, but not the shared Needs_Action/ root', async () => {
    const local = await loadPolicy('local', { draftOnly: false });
    for (const p of [
      'Approved/EMAIL_SEND_1.md',
      'Rejected/EMAIL_SEND_1.md',
      'Dashboard.md',
      'In_Progress/cloud/x.md',
    ]) {
      assert.equal(local.canWrite(p), true, `local may write ${p}`);
    }
    for (const p of ['Needs_Action/EMAIL_1.md', 'Needs_Action/cloud/DRAFT_1.md', 'Company_Handbook.md', 'Inbox/x.md']) {
      assert.equal(local.canWrite(p), false, `local must not write ${p}`);
    }
  });
});

describe('tool metadata', () => {
  test('every tool sets all four annotation hints as booleans; only the read tools are read-only', async () => {
    for (const tool of ALL_TOOLS) {
      for (const hint of ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const) {
        assert.equal(typeof tool.annotations[hint], 'boolean', `${tool.name}.${hint}`);
      }
      assert.equal(tool.annotations.readOnlyHint, READ_ONLY_TOOLS.includes(tool.name), `${tool.name}.readOnlyHint`);
    }
    // And as a client sees them, through tools/list.
    const root = await tempVaultDir('matrix-meta-');
    const conn = await connectInProcess(root, 'local', { draftOnly: false, deps: OPTIONAL_DEPS });
    try {
      const tools = await listedTools(conn);
      assert.equal(tools.length, ALL_TOOLS.length);
      for (const tool of tools) {
        const a = tool.annotations ?? {};
        for (const hint of ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const) {
          assert.equal(typeof a[hint], 'boolean', `${tool.name}.${hint} in tools/list`);
        }
        assert.equal(a.readOnlyHint, READ_ONLY_TOOLS.includes(tool.name), `${tool.name}.readOnlyHint in tools/list`);
        assert.equal(
          a.openWorldHint,
          ODOO_TOOLS.includes(tool.name) || SYNC_TOOLS.includes(tool.name) || EXECUTOR_TOOLS.includes(tool.name),
          `${tool.name}: only Odoo tools, the reply tools and the git sync reach out`,
        );
        assert.ok(tool.outputSchema, `${tool.name} has an output schema`);
        assert.equal(tool.outputSchema.type, 'object');
        assert.ok(Object.keys(tool.outputSchema.properties ?? {}).length > 0, `${tool.name} output has properties`);
        assert.equal(tool.inputSchema.type, 'object');
      }
    } finally {
      await conn.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});
