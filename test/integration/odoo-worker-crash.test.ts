/**
 * Exactly once (DESIGN §5): the built Odoo worker, killed with SIGKILL between creating the draft invoice and
 * writing its approval, then restarted, leaves one invoice and one approval request — never two. And Odoo
 * being down releases the task with backoff: no invoice, not done, not failed.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createOdooClient } from '../../src/core/odoo/index.js';
import { newTaskText, parseTaskText } from '../../src/core/vault/frontmatter.js';
import { runOdooWorkerOnce } from '../../src/daemons/workers/odoo-worker.js';
import type { RunningOdooStandin } from '../../src/sandbox/odoo/index.js';
import { PROTOCOLS, standin } from '../helpers/odoo-fixtures.js';
import { openTestVault, tempVaultDir } from '../helpers/vault.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(repo, 'dist/src/cli.js');

const TASK = 'ODOO_DRAFT_INVOICE_1.md';
const ORIGIN = 'invoice-req:1';
const APPROVAL = 'ODOO_POST_INVOICE_ODOO_DRAFT_INVOICE_1.md';

async function seedInvoiceTask(root: string): Promise<void> {
  await writeFile(
    path.join(root, 'Needs_Action/cloud', TASK),
    newTaskText(
      {
        id: ORIGIN,
        type: 'odoo_draft_invoice',
        created: '2026-11-26T09:00:00Z',
        partner: { name: 'Acme GmbH', email: 'billing@acme.example' },
        lines: [{ name: 'Consulting', quantity: 3, price_unit: 100 }],
        currency: 'EUR',
      },
      'Invoice Acme for three days of consulting.',
    ),
  );
}

const mdIn = async (root: string, folder: string) =>
  (await readdir(path.join(root, folder))).filter((n) => n.endsWith('.md'));

const frontmatterOf = async (root: string, rel: string) =>
  parseTaskText(await readFile(path.join(root, rel), 'utf8')).data;

const createsOf = (s: RunningOdooStandin) => s.calls.filter((c) => c.model === 'account.move' && c.method === 'create');

const invoicesFor = (s: RunningOdooStandin, origin: string) =>
  s.records('account.move').filter((r) => r['invoice_origin'] === origin);

interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI without blocking this event loop: the stand-in it talks to lives in this process. */
function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

describe('the Odoo worker killed between the invoice and its approval', () => {
  for (const protocol of PROTOCOLS) {
    test(
      `over ${protocol}: SIGKILL after create, restart → one invoice, one approval; a third run changes nothing`,
      { skip: !existsSync(cli) && 'run `npm run build` first (npm test does)' },
      async (t) => {
        const s = await standin(t);
        const root = await tempVaultDir();
        const stateDir = await mkdtemp(path.join(os.tmpdir(), 'state-'));
        await seedInvoiceTask(root);
        const env: Record<string, string> = {
          PATH: process.env['PATH'] ?? '',
          AGENT_ROLE: 'cloud',
          AI_EMPLOYEE_STATE_DIR: stateDir,
          LOG_LEVEL: 'warn',
          ODOO_URL: s.url,
          ODOO_DB: s.db,
          ODOO_LOGIN: s.login,
          ODOO_API_KEY: s.apiKey,
          ODOO_PROTOCOL: protocol,
          // Why on every run: the lease is written at claim time, by the process that is about to die. 0.0001 min
          // (6 ms) has long passed when the next process runs vault.recover(), as 30 min would after a real crash.
          CLAIM_LEASE_MINUTES: '0.0001',
        };
        const worker = ['worker', 'odoo', '--once', '--vault', root];

        // 1. Killed right after Odoo created the draft, before the approval was written.
        const killed = await runCli(worker, { ...env, AI_EMPLOYEE_FAULT_POINT: 'draft-invoice:after-create' });
        assert.equal(killed.signal, 'SIGKILL', `the worker died by SIGKILL (code ${killed.code}, ${killed.stderr})`);
        assert.equal(killed.stdout, '', 'it never got to print its report');
        assert.equal(invoicesFor(s, ORIGIN).length, 1, 'the invoice was created before the crash');
        assert.equal(createsOf(s).length, 1);
        assert.deepEqual(await mdIn(root, 'Pending_Approval'), [], 'no approval was written');
        assert.deepEqual(await mdIn(root, 'In_Progress/cloud'), [TASK], 'the dead claim is still there');
        assert.equal((await frontmatterOf(root, `In_Progress/cloud/${TASK}`))['status'], 'in_progress');

        // 2. Restarted: recover() returns the expired claim, the worker claims it again, finds the invoice by
        // its origin instead of creating a second one, and writes the approval.
        const restarted = await runCli(worker, env);
        assert.equal(restarted.code, 0, restarted.stderr);
        assert.deepEqual(JSON.parse(restarted.stdout.trim().split('\n').at(-1) ?? ''), {
          drafted: 1,
          released: 0,
          failed: 0,
        });
        const [invoice] = invoicesFor(s, ORIGIN);
        const assertExactlyOnce = async () => {
          assert.equal(invoicesFor(s, ORIGIN).length, 1, 'one invoice for the task');
          assert.equal(createsOf(s).length, 1, 'account.move.create reached Odoo once');
          assert.deepEqual(await mdIn(root, 'Pending_Approval'), [APPROVAL], 'one approval request');
          assert.deepEqual(await mdIn(root, 'In_Progress/cloud'), [TASK]);
          assert.deepEqual(await mdIn(root, 'Needs_Action/cloud'), []);
          assert.deepEqual(await mdIn(root, 'Done'), []);
          assert.deepEqual(await mdIn(root, 'Failed'), []);
          const task = await frontmatterOf(root, `In_Progress/cloud/${TASK}`);
          assert.equal(task['status'], 'awaiting_approval');
          assert.equal(task['approval'], `Pending_Approval/${APPROVAL}`);
          assert.equal(task['lease_until'], undefined, 'a task waiting on a human has no lease');
          const approval = await frontmatterOf(root, `Pending_Approval/${APPROVAL}`);
          assert.equal(approval['action'], 'post_invoice');
          assert.equal(approval['invoice_id'], invoice?.['id']);
          assert.equal(approval['amount'], 300);
          assert.equal(approval['currency'], 'EUR');
          assert.equal(approval['source_task'], `In_Progress/cloud/${TASK}`);
        };
        await assertExactlyOnce();
        assert.equal((await frontmatterOf(root, `In_Progress/cloud/${TASK}`))['attempts'], 1, 'the lapse counted');
        // Through a real client too, not only the stand-in's store.
        const reader = createOdooClient({
          url: s.url,
          db: s.db,
          login: s.login,
          apiKey: s.apiKey,
          protocol,
          timeoutMs: 5_000,
          policy: (await openTestVault(root, 'cloud')).policy,
          draftOnly: true,
        });
        const found = await reader.listInvoices({ origin: ORIGIN });
        assert.equal(found.length, 1);
        assert.equal(found[0]?.state, 'draft');
        assert.equal(found[0]?.amount_total, 300);

        // 3. A third run: nothing to claim, nothing created, nothing rewritten.
        const approvalText = await readFile(path.join(root, 'Pending_Approval', APPROVAL), 'utf8');
        const third = await runCli(worker, env);
        assert.equal(third.code, 0, third.stderr);
        assert.deepEqual(JSON.parse(third.stdout.trim().split('\n').at(-1) ?? ''), {
          drafted: 0,
          released: 0,
          failed: 0,
        });
        await assertExactlyOnce();
        assert.equal(await readFile(path.join(root, 'Pending_Approval', APPROVAL), 'utf8'), approvalText);
      },
    );
  }
});

describe('Odoo down', () => {
  const T0 = Date.parse('2026-11-26T10:00:00Z');

  for (const protocol of PROTOCOLS) {
    test(`over ${protocol}: connections dropped → released with backoff, then drafted once Odoo is back`, async (t) => {
      const s = await standin(t);
      const root = await tempVaultDir();
      await seedInvoiceTask(root);
      let now = T0;
      const cloud = await openTestVault(root, 'cloud', { clock: () => new Date(now) });
      const odoo = createOdooClient({
        url: s.url,
        db: s.db,
        login: s.login,
        apiKey: s.apiKey,
        protocol,
        timeoutMs: 5_000,
        policy: cloud.policy,
        draftOnly: true,
      });
      s.inject({ kind: 'drop' });

      assert.deepEqual(await runOdooWorkerOnce(cloud, odoo), { drafted: 0, released: 1, failed: 0 });
      const queued = `Needs_Action/cloud/${TASK}`;
      let task = await frontmatterOf(root, queued);
      assert.equal(task['status'], 'new');
      assert.equal(task['odoo_failures'], 1);
      assert.equal(task['retry_after'], new Date(T0 + 30_000).toISOString(), 'first backoff: 30 s');
      assert.equal(task['attempts'], 0, 'Odoo being down does not use up the task attempts');
      assert.match(String(task['last_release_reason']), /Odoo is unreachable/);
      assert.equal(invoicesFor(s, ORIGIN).length, 0);
      assert.ok(s.calls.length > 0 && s.calls.every((c) => c.outcome === 'dropped'), 'every call was dropped');
      const assertNotFiled = async () => {
        assert.deepEqual(await mdIn(root, 'Done'), []);
        assert.deepEqual(await mdIn(root, 'Failed'), []);
        assert.deepEqual(await mdIn(root, 'Pending_Approval'), []);
        assert.deepEqual(await mdIn(root, 'In_Progress/cloud'), []);
      };
      await assertNotFiled();

      // Before retry_after the task is not claimed: no call is even tried.
      const calls = s.calls.length;
      now = T0 + 29_000;
      assert.deepEqual(await runOdooWorkerOnce(cloud, odoo), { drafted: 0, released: 0, failed: 0 });
      assert.equal(s.calls.length, calls);

      // Still down after the backoff: released again, the backoff doubles.
      now = T0 + 31_000;
      assert.deepEqual(await runOdooWorkerOnce(cloud, odoo), { drafted: 0, released: 1, failed: 0 });
      task = await frontmatterOf(root, queued);
      assert.equal(task['odoo_failures'], 2);
      assert.equal(task['retry_after'], new Date(now + 60_000).toISOString(), 'second backoff: 60 s');
      await assertNotFiled();

      // Odoo is back: one invoice, one approval.
      s.clearInjections();
      now += 61_000;
      assert.deepEqual(await runOdooWorkerOnce(cloud, odoo), { drafted: 1, released: 0, failed: 0 });
      assert.equal(invoicesFor(s, ORIGIN).length, 1);
      assert.equal(createsOf(s).filter((c) => c.outcome === 'ok').length, 1);
      assert.deepEqual(await mdIn(root, 'Pending_Approval'), [APPROVAL]);
      assert.equal((await frontmatterOf(root, `In_Progress/cloud/${TASK}`))['status'], 'awaiting_approval');
    });
  }

  test('the stand-in stopped (connection refused) → released with retry_after in the future, odoo_failures 1', async (t) => {
    const s = await standin(t);
    const root = await tempVaultDir();
    await seedInvoiceTask(root);
    const cloud = await openTestVault(root, 'cloud', { clock: () => new Date(T0) });
    const odoo = createOdooClient({
      url: s.url,
      db: s.db,
      login: s.login,
      apiKey: s.apiKey,
      protocol: 'json2',
      timeoutMs: 5_000,
      policy: cloud.policy,
      draftOnly: true,
    });
    await s.close();
    assert.deepEqual(await runOdooWorkerOnce(cloud, odoo), { drafted: 0, released: 1, failed: 0 });
    const task = await frontmatterOf(root, `Needs_Action/cloud/${TASK}`);
    assert.equal(task['status'], 'new');
    assert.equal(task['odoo_failures'], 1);
    assert.ok(String(task['retry_after']) > new Date(T0).toISOString(), 'retry_after is in the future');
    assert.equal(task['attempts'], 0);
    assert.equal(s.records('account.move').filter((r) => r['invoice_origin'] === ORIGIN).length, 0);
    assert.deepEqual(await mdIn(root, 'Done'), []);
    assert.deepEqual(await mdIn(root, 'Failed'), []);
    assert.deepEqual(await mdIn(root, 'Pending_Approval'), []);
  });
});
