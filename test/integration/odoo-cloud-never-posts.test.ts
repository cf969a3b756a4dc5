/**
 * Cloud can never post or pay (DESIGN §4, §5). Through every entry point — the MCP tools, the Odoo worker, the
 * CLI and a direct client call with draft-only on — an attempt to post, pay or reconcile is refused, and the
 * stand-in's call log proves that no such request ever reached Odoo.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { toolDepsFromConfig } from '../../src/cli/context.js';
import { DRAFT_ONLY_OVERRIDE_VALUE, loadConfig } from '../../src/config.js';
import { executeApproved } from '../../src/core/actions/executor.js';
import { ExecutionLedger } from '../../src/core/actions/ledger.js';
import { postInvoiceHandler, registerPaymentHandler } from '../../src/core/actions/odoo-actions.js';
import { ownerDecides } from '../../src/core/actions/owner-decision.js';
import { isAppError } from '../../src/core/errors.js';
import { createOdooClient } from '../../src/core/odoo/index.js';
import type { OdooClient, OdooProtocol } from '../../src/core/odoo/types.js';
import { defaultPolicyDir, loadPolicy, type Policy } from '../../src/core/policy/policy.js';
import { newTaskText, parseTaskText } from '../../src/core/vault/frontmatter.js';
import { runOdooWorkerOnce } from '../../src/daemons/workers/odoo-worker.js';
import { buildMcpServer, toolsForRole } from '../../src/mcp/server.js';
import type { CallRecord, RunningOdooStandin } from '../../src/sandbox/odoo/index.js';
import { ALL_TOOLS, type ToolDeps } from '../../tools/index.js';
import { connectInProcess, textOf } from '../helpers/mcp-client.js';
import { PROTOCOLS, rejection, standin } from '../helpers/odoo-fixtures.js';
import { openTestVault, tempVaultDir } from '../helpers/vault.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(repo, 'dist/src/cli.js');

const TODAY = '2026-03-15';
const POSTING_TOOLS = ['odoo_post_invoice', 'odoo_register_payment'];

/** A call that would post, pay, reconcile or reset in Odoo: none of these may ever come from cloud. */
function isMoneyCall(c: CallRecord): boolean {
  return (
    c.method === 'action_post' ||
    c.method === '_post' ||
    /reconcile|payment|button_draft|button_cancel/.test(c.method) ||
    (c.model ?? '').startsWith('account.payment') ||
    (c.model ?? '').includes('reconcile')
  );
}

const moneyCalls = (s: RunningOdooStandin) => s.calls.filter(isMoneyCall);

function clientWith(s: RunningOdooStandin, protocol: OdooProtocol, policy: Policy, draftOnly: boolean): OdooClient {
  return createOdooClient({
    url: s.url,
    db: s.db,
    login: s.login,
    apiKey: s.apiKey,
    protocol,
    timeoutMs: 5_000,
    policy,
    draftOnly,
  });
}

const cloudPolicy = () => loadPolicy('cloud', { draftOnly: true });
const localPolicy = () => loadPolicy('local', { draftOnly: false });

/**
 * Set-up done by Local, as it may: one draft invoice and one posted (unpaid) invoice in the stand-in. Returns
 * their ids; nothing after this point may post or pay.
 */
async function seedInvoices(s: RunningOdooStandin): Promise<{ draftId: number; postedId: number }> {
  const local = clientWith(s, 'json2', await localPolicy(), false);
  const { partner } = await local.findOrCreatePartner({ name: 'Acme GmbH', email: 'billing@acme.example' });
  const lines = [{ name: 'Consulting', quantity: 3, price_unit: 100 }];
  const draft = await local.createDraftInvoice({
    partnerId: partner.id,
    lines,
    currency: 'EUR',
    origin: 'setup:draft',
  });
  const toPost = await local.createDraftInvoice({
    partnerId: partner.id,
    lines,
    currency: 'EUR',
    origin: 'setup:posted',
  });
  const posted = await local.postInvoice(toPost.invoice.id);
  assert.equal(posted.state, 'posted');
  assert.equal(posted.payment_state, 'not_paid');
  return { draftId: draft.invoice.id, postedId: posted.id };
}

/** The two seeded invoices are exactly as Local left them: no posting, no payment. */
async function assertUntouched(s: RunningOdooStandin, ids: { draftId: number; postedId: number }): Promise<void> {
  const reader = clientWith(s, 'json2', await cloudPolicy(), true);
  const draft = await reader.getInvoice(ids.draftId);
  assert.equal(draft.state, 'draft');
  assert.equal(draft.name, null);
  const posted = await reader.getInvoice(ids.postedId);
  assert.equal(posted.payment_state, 'not_paid');
  assert.equal(posted.amount_residual, posted.amount_total);
  assert.equal(s.records('account.payment').length, 0, 'no payment record exists');
}

async function seedInvoiceTask(root: string, n: number): Promise<string> {
  const rel = `Needs_Action/cloud/ODOO_DRAFT_INVOICE_${n}.md`;
  await writeFile(
    path.join(root, rel),
    newTaskText(
      {
        id: `invoice-req:${n}`,
        type: 'odoo_draft_invoice',
        created: '2026-11-26T09:00:00Z',
        partner: { name: 'Acme GmbH', email: 'billing@acme.example' },
        lines: [{ name: 'Consulting', quantity: 3, price_unit: 100 }],
        currency: 'EUR',
      },
      `Invoice Acme for consulting (${n}).`,
    ),
  );
  return rel;
}

/** Cloud's own flow: the worker drafts the invoice and writes the approval request. Returns its file name. */
async function cloudDrafts(s: RunningOdooStandin, root: string, n: number, protocol: OdooProtocol = 'json2') {
  await seedInvoiceTask(root, n);
  const cloud = await openTestVault(root, 'cloud');
  const odoo = clientWith(s, protocol, cloud.policy, cloud.policy.draftOnly);
  assert.deepEqual(await runOdooWorkerOnce(cloud, odoo), { drafted: 1, released: 0, failed: 0 });
  const name = `ODOO_POST_INVOICE_ODOO_DRAFT_INVOICE_${n}.md`;
  const approval = parseTaskText(await readFile(path.join(root, 'Pending_Approval', name), 'utf8')).data;
  return { cloud, odoo, name, invoiceId: Number(approval['invoice_id']) };
}

async function connect(deps: ToolDeps): Promise<{ client: Client; close(): Promise<void> }> {
  const server = buildMcpServer(deps, ALL_TOOLS);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'never-posts', version: '1.0.0' });
  await client.connect(clientSide);
  return {
    client,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

describe('MCP: cloud has no posting or payment tool', () => {
  test('draft-only cloud: the tools are not listed, calling them is an error, nothing reaches Odoo', async (t) => {
    const s = await standin(t, { today: () => TODAY });
    const ids = await seedInvoices(s);
    const root = await tempVaultDir();
    const odoo = clientWith(s, 'json2', await cloudPolicy(), true);
    const conn = await connectInProcess(root, 'cloud', { deps: { odoo } });
    t.after(() => conn.close());

    const names = (await conn.client.listTools()).tools.map((tool) => tool.name);
    assert.ok(names.includes('odoo_create_draft_invoice'), 'cloud drafts invoices');
    for (const name of POSTING_TOOLS) assert.ok(!names.includes(name), `${name} is not listed for cloud`);

    // Cloud drafts through the tool (what it is for), then the approval is pulled into Approved/ as git would.
    const drafted = await conn.call('odoo_create_draft_invoice', {
      partner: { name: 'Acme GmbH', email: 'billing@acme.example' },
      lines: [{ name: 'Consulting', quantity: 3, price_unit: 100 }],
      currency: 'EUR',
    });
    assert.equal(drafted.isError, undefined, textOf(drafted));
    const out = drafted.structuredContent as { invoice_id: number; approval: string; state: string };
    assert.equal(out.state, 'draft');
    const approvalName = path.posix.basename(out.approval);
    await copyFile(path.join(root, out.approval), path.join(root, 'Approved', approvalName));

    const before = s.calls.length;
    const attempts: Array<[string, Record<string, unknown>]> = [
      ['odoo_post_invoice', { approval: `Approved/${approvalName}` }],
      ['odoo_register_payment', { approval: `Approved/${approvalName}` }],
    ];
    for (const [name, args] of attempts) {
      const result: CallToolResult = await conn.call(name, args);
      assert.equal(result.isError, true, `${name} must fail on cloud`);
      assert.match(textOf(result), new RegExp(`Tool ${name} not found`));
    }
    assert.equal(s.calls.length, before, 'the refused calls made no request');
    assert.deepEqual(
      moneyCalls(s).map((c) => c.seq),
      s.calls.filter((c) => c.method === 'action_post').map((c) => c.seq),
    );
    assert.equal(
      s.calls.filter((c) => c.method === 'action_post').length,
      1,
      'the only action_post is Local setting up the posted invoice',
    );
    assert.equal((await odoo.getInvoice(out.invoice_id)).state, 'draft');
    await assertUntouched(s, ids);
    assert.ok(existsSync(path.join(root, 'Approved', approvalName)), 'the pulled approval was not acted on');
  });

  test('cloud with CLOUD_DRAFT_ONLY=false and the override: still no posting tool, the policy refuses the calls', async (t) => {
    const s = await standin(t, { today: () => TODAY });
    const ids = await seedInvoices(s);
    const root = await tempVaultDir();
    const stateDir = await mkdtemp(path.join(os.tmpdir(), 'state-'));
    const env = {
      AGENT_ROLE: 'cloud',
      VAULT_PATH: root,
      AI_EMPLOYEE_STATE_DIR: stateDir,
      LOG_LEVEL: 'silent',
      ODOO_URL: s.url,
      ODOO_DB: s.db,
      ODOO_LOGIN: s.login,
      ODOO_API_KEY: s.apiKey,
      ODOO_PROTOCOL: 'json2',
    };
    // One setting alone never switches draft-only off.
    assert.throws(() => loadConfig({ ...env, CLOUD_DRAFT_ONLY: 'false' }), /CLOUD_DRAFT_ONLY_OVERRIDE/);
    const config = loadConfig({
      ...env,
      CLOUD_DRAFT_ONLY: 'false',
      CLOUD_DRAFT_ONLY_OVERRIDE: DRAFT_ONLY_OVERRIDE_VALUE,
    });
    assert.equal(config.draftOnly, false);

    // The CLI's own wiring (what `serve` uses).
    const deps = await toolDepsFromConfig(config, 'never-posts');
    assert.equal(deps.vault.policy.draftOnly, false);
    assert.ok(deps.odoo, 'the Odoo client is configured');
    assert.equal(deps.executor, undefined, 'cloud.json does not grant approval.execute: no executor');
    for (const cap of ['approval.execute', 'odoo.post_invoice', 'odoo.register_payment'] as const)
      assert.equal(deps.vault.policy.has(cap), false, `cloud.json does not grant ${cap}`);

    const conn = await connect(deps);
    t.after(() => conn.close());
    const names = (await conn.client.listTools()).tools.map((tool) => tool.name);
    assert.ok(names.includes('odoo_create_draft_invoice'));
    for (const name of POSTING_TOOLS) assert.ok(!names.includes(name), `${name} is not listed`);
    // Even with an executor forced in, the capabilities decide: the tools stay hidden.
    const forced = { ...deps, executor: { ctx: deps.vault.ctx, ledger: new ExecutionLedger(stateDir), handlers: [] } };
    const visible = toolsForRole(ALL_TOOLS, forced).map((tool) => tool.name);
    for (const name of POSTING_TOOLS) assert.ok(!visible.includes(name), `${name} stays hidden with an executor`);

    // The client has no draft-only wall now, but the cloud policy's allow-list still refuses before sending.
    const before = s.calls.length;
    for (const attempt of [
      () => deps.odoo!.postInvoice(ids.draftId),
      () => deps.odoo!.registerPayment(ids.postedId, { payment_date: TODAY, amount: 1 }),
      () => deps.odoo!.call('account.move', 'action_post', { ids: [ids.draftId] }),
      () => deps.odoo!.call('account.payment.register', 'action_create_payments', { ids: [1] }),
    ]) {
      const err = await rejection(attempt());
      assert.equal(err['code'], 'policy_denied');
      assert.match(err.message, /not allowed for the cloud role/);
      assert.equal(isAppError(err) ? err.details?.['guard'] : 'not an AppError', undefined, 'the policy refused');
    }
    assert.equal(s.calls.length, before);
    await assertUntouched(s, ids);
  });
});

describe('the cloud Odoo worker', () => {
  for (const protocol of PROTOCOLS) {
    test(`over ${protocol}: drafts and asks; every call it makes is in cloud.json, none posts or pays`, async (t) => {
      const s = await standin(t, { today: () => TODAY });
      const root = await tempVaultDir();
      const { cloud, invoiceId } = await cloudDrafts(s, root, 1, protocol);
      const allowed = new Set(
        (
          JSON.parse(await readFile(path.join(defaultPolicyDir(), 'cloud.json'), 'utf8')) as {
            odoo_methods: string[];
          }
        ).odoo_methods,
      );
      const modelCalls = s.calls.filter((c) => c.service !== 'common');
      assert.ok(modelCalls.length > 0);
      for (const c of modelCalls) assert.ok(allowed.has(`${c.model}.${c.method}`), `${c.model}.${c.method} is allowed`);
      assert.deepEqual(moneyCalls(s), []);
      // A second pass (the task now awaits approval) makes no further Odoo write at all.
      assert.deepEqual(await runOdooWorkerOnce(cloud, clientWith(s, protocol, cloud.policy, true)), {
        drafted: 0,
        released: 0,
        failed: 0,
      });
      assert.deepEqual(moneyCalls(s), []);
      const invoice = s.records('account.move').find((r) => r['id'] === invoiceId);
      assert.equal(invoice?.['state'], 'draft');
      const task = parseTaskText(
        await readFile(path.join(root, 'In_Progress/cloud/ODOO_DRAFT_INVOICE_1.md'), 'utf8'),
      ).data;
      assert.equal(task['status'], 'awaiting_approval');
    });
  }
});

interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI without blocking this process's event loop (the stand-in lives here). */
function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

describe('the CLI as cloud', () => {
  test(
    'worker local-executor --once and approve/reject exit 1 with one line; nothing reaches Odoo, no file moves',
    { skip: !existsSync(cli) && 'run `npm run build` first (npm test does)' },
    async (t) => {
      const s = await standin(t, { today: () => TODAY });
      const ids = await seedInvoices(s);
      const root = await tempVaultDir();
      const { name } = await cloudDrafts(s, root, 1);
      // The request also sits in Approved/, as a pull could have put it there.
      await copyFile(path.join(root, 'Pending_Approval', name), path.join(root, 'Approved', name));
      const approvedBefore = await readFile(path.join(root, 'Approved', name), 'utf8');
      const stateDir = await mkdtemp(path.join(os.tmpdir(), 'state-'));
      const env = {
        PATH: process.env['PATH'] ?? '',
        AGENT_ROLE: 'cloud',
        AI_EMPLOYEE_STATE_DIR: stateDir,
        ODOO_URL: s.url,
        ODOO_DB: s.db,
        ODOO_LOGIN: s.login,
        ODOO_API_KEY: s.apiKey,
        ODOO_PROTOCOL: 'json2',
      };
      const before = s.calls.length;
      const runs: Array<[string[], Record<string, string>, RegExp]> = [
        [['worker', 'local-executor', '--once'], env, /cloud role may not execute approvals/],
        [
          ['worker', 'local-executor', '--once'],
          { ...env, CLOUD_DRAFT_ONLY: 'false', CLOUD_DRAFT_ONLY_OVERRIDE: DRAFT_ONLY_OVERRIDE_VALUE },
          /cloud role may not execute approvals/,
        ],
        [['approve', `Pending_Approval/${name}`], env, /Only the owner, on the local machine/],
        [['reject', `Pending_Approval/${name}`], env, /Only the owner, on the local machine/],
      ];
      // Why in parallel: each is refused before it touches anything, and a CLI start costs a second or two.
      const results = await Promise.all(runs.map(([args, runEnv]) => runCli([...args, '--vault', root], runEnv)));
      for (const [i, [args, , reason]] of runs.entries()) {
        const run = results[i] as CliRun;
        const label = args.join(' ');
        assert.equal(run.code, 1, `${label} exits 1 (stderr: ${run.stderr})`);
        assert.equal(run.stdout, '', `${label} prints nothing on stdout`);
        const lines = run.stderr.trim().split('\n');
        assert.equal(lines.length, 1, `${label} says why in one line: ${run.stderr}`);
        assert.match(lines[0] ?? '', reason);
      }
      assert.equal(s.calls.length, before, 'no CLI run sent anything to Odoo');
      assert.equal(await readFile(path.join(root, 'Approved', name), 'utf8'), approvedBefore);
      assert.ok(existsSync(path.join(root, 'Pending_Approval', name)), 'the request is still pending');
      assert.deepEqual(await readdir(path.join(root, 'Rejected')).then((n) => n.filter((f) => f.endsWith('.md'))), []);
      assert.equal(existsSync(path.join(stateDir, 'executions')), false, 'no execution was ever started');
      await assertUntouched(s, ids);
      assert.equal(s.calls.filter((c) => c.method === 'action_post').length, 1, "only Local's set-up posted");
    },
  );
});

describe('a direct client with draft-only on, even with the LOCAL policy that allows posting', () => {
  for (const protocol of PROTOCOLS) {
    test(`over ${protocol}: every post, pay, reconcile or reset is policy_denied before a request is made`, async (t) => {
      const s = await standin(t, { today: () => TODAY });
      const ids = await seedInvoices(s);
      const policy = await localPolicy();
      assert.ok(policy.canCallOdoo('account.move', 'action_post'), 'the local policy allows posting');
      const walled = clientWith(s, protocol, policy, true);
      // A live connection (XML-RPC has authenticated): the wall must hold on a warm client too.
      assert.equal((await walled.getInvoice(ids.draftId)).state, 'draft');
      const before = s.calls.length;
      const moneyBefore = moneyCalls(s).length;

      const attempts: Array<[string, () => Promise<unknown>]> = [
        ['postInvoice', () => walled.postInvoice(ids.draftId)],
        ['registerPayment', () => walled.registerPayment(ids.postedId, { payment_date: TODAY, amount: 10 })],
        ['account.move.action_post', () => walled.call('account.move', 'action_post', { ids: [ids.draftId] })],
        ['account.move._post', () => walled.call('account.move', '_post', { ids: [ids.draftId] })],
        [
          'account.payment.register.create',
          () =>
            walled.call('account.payment.register', 'create', {
              kwargs: { vals_list: [{ payment_date: TODAY }] },
              context: { active_model: 'account.move', active_ids: [ids.postedId] },
            }),
        ],
        [
          'account.payment.register.action_create_payments',
          () => walled.call('account.payment.register', 'action_create_payments', { ids: [1] }),
        ],
        [
          'account.payment.create',
          () => walled.call('account.payment', 'create', { kwargs: { vals_list: [{ amount: 10 }] } }),
        ],
        ['account.move.line.reconcile', () => walled.call('account.move.line', 'reconcile', { ids: [1, 2] })],
        [
          'account.move.js_assign_outstanding_line',
          () =>
            walled.call('account.move', 'js_assign_outstanding_line', { ids: [ids.postedId], kwargs: { line_id: 1 } }),
        ],
        [
          'account.partial.reconcile.create',
          () => walled.call('account.partial.reconcile', 'create', { kwargs: { vals_list: [{}] } }),
        ],
        [
          'account.move.action_register_payment',
          () => walled.call('account.move', 'action_register_payment', { ids: [ids.postedId] }),
        ],
        ['account.move.button_draft', () => walled.call('account.move', 'button_draft', { ids: [ids.postedId] })],
        ['account.move.button_cancel', () => walled.call('account.move', 'button_cancel', { ids: [ids.draftId] })],
        [
          'account.move.write state=posted',
          () => walled.call('account.move', 'write', { ids: [ids.draftId], kwargs: { vals: { state: 'posted' } } }),
        ],
        [
          'account.move.write payment_state',
          () =>
            walled.call('account.move', 'write', { ids: [ids.postedId], kwargs: { vals: { payment_state: 'paid' } } }),
        ],
        [
          'account.move.create auto_post',
          () =>
            walled.call('account.move', 'create', {
              kwargs: { vals_list: [{ move_type: 'out_invoice', partner_id: 1, auto_post: 'at_date' }] },
            }),
        ],
      ];
      for (const [label, attempt] of attempts) {
        const err = await rejection(attempt());
        assert.equal(err['code'], 'policy_denied', `${label}: ${err.message}`);
        assert.ok(isAppError(err), `${label} is an AppError`);
        assert.equal(err.details?.['guard'], 'draft_only', `${label} is refused by the draft-only wall`);
        assert.match(err.message, /draft-only mode/);
      }
      assert.equal(s.calls.length, before, 'not one refused call reached the stand-in');
      assert.equal(moneyCalls(s).length, moneyBefore);
      await assertUntouched(s, ids);

      // Control: the log does record such calls — Local, without draft-only, posts the draft.
      const local = clientWith(s, protocol, policy, false);
      assert.equal((await local.postInvoice(ids.draftId)).state, 'posted');
      assert.equal(moneyCalls(s).length, moneyBefore + 1);
      assert.equal(s.calls.at(-2)?.method, 'action_post');
    });
  }
});

describe('the executor on cloud', () => {
  test('an approval that reaches Approved/ on cloud is refused with a reason; nothing reaches Odoo', async (t) => {
    const s = await standin(t, { today: () => TODAY });
    const root = await tempVaultDir();
    const { cloud, odoo, name, invoiceId } = await cloudDrafts(s, root, 1);
    await copyFile(path.join(root, 'Pending_Approval', name), path.join(root, 'Approved', name));
    const approved = await readFile(path.join(root, 'Approved', name), 'utf8');
    const ledgerDir = path.join(await mkdtemp(path.join(os.tmpdir(), 'state-')), 'executions');
    const before = s.calls.length;

    const deps = {
      ctx: cloud.ctx,
      ledger: new ExecutionLedger(ledgerDir),
      handlers: [postInvoiceHandler(odoo), registerPaymentHandler(odoo, () => new Date(`${TODAY}T12:00:00Z`))],
    };
    const err = await rejection(executeApproved(deps, `Approved/${name}`));
    assert.equal(err['code'], 'policy_denied');
    assert.match(err.message, /Executing an approval is not allowed/);
    assert.match(err.message, /approval\.execute/);
    // The owner's decision is Local's too.
    const decide = await rejection(ownerDecides(cloud.ctx, `Pending_Approval/${name}`, 'approve'));
    assert.equal(decide['code'], 'policy_denied');

    // A bad edit of policies/cloud.json that grants execution and posting: draft-only strips it again.
    const policyDir = await mkdtemp(path.join(os.tmpdir(), 'policies-'));
    const file = JSON.parse(await readFile(path.join(defaultPolicyDir(), 'cloud.json'), 'utf8')) as {
      capabilities: string[];
      odoo_methods: string[];
      writable: string[];
    };
    file.capabilities.push('approval.execute', 'odoo.post_invoice', 'odoo.register_payment');
    file.odoo_methods.push(
      'account.move.action_post',
      'account.payment.register.create',
      'account.payment.register.action_create_payments',
    );
    file.writable.push('Approved');
    await mkdir(policyDir, { recursive: true });
    await writeFile(path.join(policyDir, 'cloud.json'), JSON.stringify(file));
    const edited = await loadPolicy('cloud', { dir: policyDir, draftOnly: true });
    for (const cap of ['approval.execute', 'odoo.post_invoice', 'odoo.register_payment'] as const)
      assert.equal(edited.has(cap), false, `draft-only removes ${cap}`);
    const editedVault = await openTestVault(root, 'cloud');
    const editedCtx = { ...editedVault.ctx, policy: edited };
    const editedOdoo = clientWith(s, 'json2', edited, true);
    const again = await rejection(
      executeApproved(
        { ctx: editedCtx, ledger: new ExecutionLedger(ledgerDir), handlers: [postInvoiceHandler(editedOdoo)] },
        `Approved/${name}`,
      ),
    );
    assert.equal(again['code'], 'policy_denied');
    assert.match(again.message, /draft-only mode forbids "approval\.execute"/);
    // And were a handler called anyway, the client's wall refuses the post.
    const handlerErr = await rejection(
      postInvoiceHandler(editedOdoo).execute({
        params: { invoice_id: invoiceId, amount: 300, currency: 'EUR' },
      } as unknown as Parameters<ReturnType<typeof postInvoiceHandler>['execute']>[0]),
    );
    assert.equal(handlerErr['code'], 'policy_denied');
    assert.match(handlerErr.message, /draft-only mode/);

    // The pulled approval is left for Local to judge: not moved, not rewritten, never recorded as executed.
    assert.equal(await readFile(path.join(root, 'Approved', name), 'utf8'), approved);
    assert.equal(existsSync(ledgerDir), false, 'no ledger entry: nothing was started');
    const readsOnly = s.calls.slice(before);
    for (const c of readsOnly) assert.ok(['search_read', 'read'].includes(c.method), `only reads: ${c.method}`);
    assert.deepEqual(moneyCalls(s), []);
    assert.equal(s.records('account.move').find((r) => r['id'] === invoiceId)?.['state'], 'draft');
  });
});
