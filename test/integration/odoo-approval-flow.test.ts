import assert from 'node:assert/strict';
import { copyFile, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { executeApproved } from '../../src/core/actions/executor.js';
import { ownerDecides } from '../../src/core/actions/owner-decision.js';
import { parseTaskText } from '../../src/core/vault/frontmatter.js';
import { sightPendingApprovals } from '../../src/core/vault/owner-evidence.js';
import type { Vault } from '../../src/core/vault/vault.js';
import { startLocalExecutor } from '../../src/daemons/workers/local-executor.js';
import { runOdooWorkerOnce } from '../../src/daemons/workers/odoo-worker.js';
import { silentLogger } from '../../src/core/log.js';
import { startOdooStandin, type RunningOdooStandin } from '../../src/sandbox/odoo/index.js';
import { localExecutorDeps, odooClientFor, seedInvoiceTask } from '../helpers/odoo-flow.js';
import { openTestVault, tempVaultDir } from '../helpers/vault.js';

let standin: RunningOdooStandin;
before(async () => {
  standin = await startOdooStandin();
});
after(async () => {
  await standin.close();
});

/** Cloud drafts the invoice from a task; returns the vault, the approval's file name and the invoice id. */
async function cloudDrafts(n: number) {
  const root = await tempVaultDir();
  await seedInvoiceTask(root, n);
  const cloud = await openTestVault(root, 'cloud');
  const report = await runOdooWorkerOnce(cloud, odooClientFor(standin, cloud));
  assert.deepEqual(report, { drafted: 1, released: 0, failed: 0 });
  const name = `ODOO_POST_INVOICE_ODOO_DRAFT_INVOICE_${n}.md`;
  const approval = parseTaskText(await readFile(path.join(root, 'Pending_Approval', name), 'utf8')).data;
  const local = await openTestVault(root, 'local');
  return { root, cloud, local, name, invoiceId: Number(approval['invoice_id']) };
}

/** The owner moves a request on the local machine, whose executor has seen it pending there (owner-evidence.ts). */
async function ownerMoves(local: Vault, name: string, to: 'Approved' | 'Rejected' = 'Approved') {
  await sightPendingApprovals(local.ctx);
  await rename(path.join(local.root, 'Pending_Approval', name), path.join(local.root, to, name));
}

test('task → draft invoice → approval → the owner moves it → the watching executor posts it; everything is filed in Done/', async () => {
  const { root, local, name, invoiceId } = await cloudDrafts(1);
  const odoo = odooClientFor(standin, local, 'xmlrpc');
  assert.equal((await odoo.getInvoice(invoiceId)).state, 'draft');
  const executor = startLocalExecutor(await localExecutorDeps(local, odoo), { logger: silentLogger() });
  await executor.ready;
  const outcome = new Promise((resolve) => {
    const timer = setInterval(async () => {
      if ((await readdir(path.join(root, 'Done'))).includes(name)) {
        clearInterval(timer);
        resolve(true);
      }
    }, 25);
  });
  await rename(path.join(root, 'Pending_Approval', name), path.join(root, 'Approved', name));
  await outcome;
  await executor.close();

  const invoice = await odoo.getInvoice(invoiceId);
  assert.equal(invoice.state, 'posted');
  assert.match(invoice.name ?? '', /^INV\/\d{4}\/\d{5}$/);
  const filed = parseTaskText(await readFile(path.join(root, 'Done', name), 'utf8')).data;
  assert.equal(filed['status'], 'executed');
  assert.equal(filed['result_invoice_number'], invoice.name);
  const task = parseTaskText(await readFile(path.join(root, 'Done', 'ODOO_DRAFT_INVOICE_1.md'), 'utf8')).data;
  assert.equal(task['status'], 'done');
  assert.equal(task['result_invoice_number'], invoice.name, 'the invoice number is in Done/ with the task');
  const log = await readFile(path.join(root, 'Logs', `${new Date().toISOString().slice(0, 10)}.local.jsonl`), 'utf8');
  assert.match(log, /"action_type":"execute.post_invoice".*"approval_status":"approved".*"result":"ok"/);
});

test('a payment approved by the owner registers through the wizard; it is never retried after a failure', async () => {
  const { root, local, name, invoiceId } = await cloudDrafts(2);
  const odoo = odooClientFor(standin, local);
  const deps = await localExecutorDeps(local, odoo);
  await ownerMoves(local, name);
  assert.equal((await executeApproved(deps, `Approved/${name}`)).status, 'executed');

  const pay = await local.requestApproval({
    subject: `invoice-${invoiceId}`,
    action: 'register_payment',
    params: { invoice_id: invoiceId, amount: 300, currency: 'EUR' },
  });
  await ownerMoves(local, path.basename(pay.path));
  const paid = await executeApproved(deps, `Approved/${path.basename(pay.path)}`);
  assert.equal(paid.status, 'executed');
  assert.equal(paid.result?.['payment_state'], 'paid');

  // A second payment of the same invoice: nothing left to pay → refused before any payment call.
  const again = await local.requestApproval({
    subject: `invoice-${invoiceId}-again`,
    action: 'register_payment',
    params: { invoice_id: invoiceId, amount: 300, currency: 'EUR' },
  });
  await ownerMoves(local, path.basename(again.path));
  const before = standin.calls.filter((c) => c.model === 'account.payment.register').length;
  const refused = await executeApproved(deps, `Approved/${path.basename(again.path)}`);
  assert.equal(refused.status, 'failed');
  assert.match(refused.reason ?? '', /will not be retried.*left to pay/s);
  assert.equal(standin.calls.filter((c) => c.model === 'account.payment.register').length, before);
  assert.ok((await readdir(path.join(root, 'Failed'))).includes(path.basename(again.path)));
});

test('tampering is refused with its reason and nothing is posted twice', async (t) => {
  const postCalls = () => standin.calls.filter((c) => c.method === 'action_post').length;

  await t.test('an approved amount that differs from the invoice', async () => {
    const { local, invoiceId } = await cloudDrafts(3);
    const deps = await localExecutorDeps(local, odooClientFor(standin, local));
    const forged = await local.requestApproval({
      subject: 'forged',
      action: 'post_invoice',
      params: { invoice_id: invoiceId, amount: 30, currency: 'EUR' },
    });
    await ownerMoves(local, path.basename(forged.path));
    const before = postCalls();
    const outcome = await executeApproved(deps, `Approved/${path.basename(forged.path)}`);
    assert.equal(outcome.status, 'failed');
    assert.match(outcome.reason ?? '', /totals 300, but 30 was approved/);
    assert.equal(postCalls(), before);
  });

  await t.test('an expired approval', async () => {
    const { root, local, name } = await cloudDrafts(4);
    const later = await openTestVault(root, 'local', { clock: () => new Date(Date.now() + 3 * 86_400_000) });
    const deps = await localExecutorDeps(later, odooClientFor(standin, later));
    await ownerMoves(local, name);
    const before = postCalls();
    const outcome = await executeApproved(deps, `Approved/${name}`);
    assert.equal(outcome.status, 'refused');
    assert.match(outcome.reason ?? '', /expired/);
    assert.equal(postCalls(), before);
    assert.ok((await readdir(path.join(root, 'Failed'))).includes(name));
    void local;
  });

  await t.test('one edited after the owner decided', async () => {
    const { root, local, name } = await cloudDrafts(5);
    const deps = await localExecutorDeps(local, odooClientFor(standin, local));
    const approved = await ownerDecides(local.ctx, `Pending_Approval/${name}`, 'approve');
    const file = path.join(root, approved);
    await writeFile(file, (await readFile(file, 'utf8')).replace('amount: 300', 'amount: 3'));
    const before = postCalls();
    const outcome = await executeApproved(deps, approved);
    assert.equal(outcome.status, 'refused');
    assert.match(outcome.reason ?? '', /changed after the owner's decision/);
    assert.equal(postCalls(), before);
  });

  await t.test(
    "one edited by the owner before he moved it: his edit is what is executed (and Odoo's check refuses it)",
    async () => {
      const { root, local, name } = await cloudDrafts(10);
      const deps = await localExecutorDeps(local, odooClientFor(standin, local));
      await sightPendingApprovals(local.ctx);
      const file = path.join(root, 'Pending_Approval', name);
      await writeFile(file, (await readFile(file, 'utf8')).replace('amount: 300', 'amount: 3'));
      await ownerMoves(local, name);
      const before = postCalls();
      const outcome = await executeApproved(deps, `Approved/${name}`);
      assert.equal(outcome.status, 'failed');
      assert.match(outcome.reason ?? '', /totals 300, but 3 was approved/);
      assert.equal(postCalls(), before);
    },
  );

  await t.test('one executed twice', async () => {
    const { root, local, name } = await cloudDrafts(6);
    const deps = await localExecutorDeps(local, odooClientFor(standin, local));
    await ownerMoves(local, name);
    assert.equal((await executeApproved(deps, `Approved/${name}`)).status, 'executed');
    await copyFile(path.join(root, 'Done', name), path.join(root, 'Approved', name));
    const before = postCalls();
    const outcome = await executeApproved(deps, `Approved/${name}`);
    assert.equal(outcome.status, 'refused');
    assert.match(outcome.reason ?? '', /already executed/);
    assert.equal(postCalls(), before);
  });

  await t.test('one that stands in Approved/ without the owner having moved it there on this machine', async () => {
    const { root, local, name } = await cloudDrafts(7);
    const deps = await localExecutorDeps(local, odooClientFor(standin, local));
    // Never seen pending on this machine (as if a pull had put it straight into Approved/): no decision of his.
    await copyFile(path.join(root, 'Pending_Approval', name), path.join(root, 'Approved', name));
    const before = postCalls();
    const outcome = await executeApproved(deps, `Approved/${name}`);
    assert.equal(outcome.status, 'suspicious');
    assert.match(outcome.reason ?? '', /no decision of the owner/);
    assert.equal(postCalls(), before);
    assert.ok((await readdir(path.join(root, 'Approved'))).includes(name), 'it stays for the owner');
  });
});

test("the owner's own edit is re-hashed by `approve`; a rejection files the request and its task as rejected", async () => {
  const { root, local, name, invoiceId } = await cloudDrafts(8);
  const odoo = odooClientFor(standin, local);
  const deps = await localExecutorDeps(local, odoo);
  const pay = await local.requestApproval({
    subject: `pay-${invoiceId}`,
    action: 'register_payment',
    params: { invoice_id: invoiceId, amount: 300, currency: 'EUR' },
  });
  const payFile = path.join(root, pay.path);
  await writeFile(payFile, (await readFile(payFile, 'utf8')).replace('amount: 300', 'amount: 100'));
  await ownerMoves(local, name);
  await executeApproved(deps, `Approved/${name}`);
  const approved = await ownerDecides(local.ctx, pay.path, 'approve');
  const outcome = await executeApproved(deps, approved);
  assert.equal(outcome.status, 'executed');
  assert.equal(outcome.result?.['payment_state'], 'partial', 'the edited amount (100 of 300) is what was paid');

  const other = await cloudDrafts(9);
  await ownerMoves(other.local, other.name, 'Rejected');
  const rejected = await (
    await import('../../src/core/actions/executor.js')
  ).recordRejection(await localExecutorDeps(other.local, odoo), `Rejected/${other.name}`);
  assert.equal(rejected.status, 'rejected');
  assert.equal(
    parseTaskText(await readFile(path.join(other.root, 'Done', 'ODOO_DRAFT_INVOICE_9.md'), 'utf8')).data['outcome'],
    'rejected by the owner',
  );
  assert.equal((await odoo.getInvoice(other.invoiceId)).state, 'draft', 'nothing was posted');
});
