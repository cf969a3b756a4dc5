import assert from 'node:assert/strict';
import { copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { executeApproved } from '../../src/core/actions/executor.js';
import type { ActionHandler } from '../../src/core/actions/handler.js';
import { ExecutionLedger } from '../../src/core/actions/ledger.js';
import { ownerDecides } from '../../src/core/actions/owner-decision.js';
import { AppError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/log.js';
import { newTaskText } from '../../src/core/vault/frontmatter.js';
import { startLocalExecutor } from '../../src/daemons/workers/local-executor.js';
import { git, makeGitPair, openSide, treeOf, type Side } from '../helpers/git-pair.js';
import { cloudDraftsAndAsks, frontmatterOf } from '../helpers/git-ops.js';
import { seedEmailTask } from '../helpers/vault.js';

/**
 * The approval boundary tried as an attacker would (issue 10): a compromised cloud that can push anything to
 * the vault's remote and forge commit authors, and an agent that misuses the MCP tools. Each test is one attack;
 * the invariant is always the same: nothing is sent that the owner did not decide on, on this machine, with the
 * content he saw.
 */

interface Sent {
  approval: string;
  to: unknown;
  text: string;
}

/** A send_email handler that records what it would send (the executor's content, not a file's). */
function recordingHandler(sent: Sent[]): ActionHandler {
  return {
    action: 'send_email',
    execute: async (doc) => {
      sent.push({ approval: doc.rel, to: doc.params['to'], text: doc.sendText });
      return { message_id: `sent-${sent.length}` };
    },
  };
}

function executorOf(side: Side, sent: Sent[]) {
  return {
    ctx: side.vault.ctx,
    ledger: new ExecutionLedger(path.join(side.stateDir, 'executions')),
    handlers: [recordingHandler(sent)],
  };
}

/** Runs the local executor over whatever is in Approved/ and Rejected/ now, as `worker local-executor --once`. */
async function runExecutorOnce(side: Side, sent: Sent[]): Promise<void> {
  const running = startLocalExecutor(executorOf(side, sent), { logger: silentLogger() });
  await running.ready;
  await running.close();
}

/** Commits everything in cloud's work tree with plain git under a forged author and pushes it. */
async function forgedPush(cloud: Side, message: string): Promise<void> {
  await git(cloud.root, 'add', '-A', '.');
  await git(cloud.root, 'commit', '-qm', message, '--author', 'ai-employee-local <local@ai-employee.invalid>');
  await git(cloud.root, 'push', '-q', 'origin', 'HEAD:main');
}

const ls = async (side: Side, folder: string) =>
  (await readdir(path.join(side.root, folder)).catch(() => [] as string[])).filter((n) => n.endsWith('.md'));
const exists = (p: string) =>
  readFile(p).then(
    () => true,
    () => false,
  );

test('attack 1, fresh join: an Approved/ file cloud pushed under a forged local author never reaches a new laptop, and nothing is sent', async (t) => {
  const pair = await makeGitPair();
  t.after(() => pair.cleanup());
  const { cloud } = pair;
  await seedEmailTask(cloud.root, 1);
  const pending = await cloudDraftsAndAsks(cloud.vault, 'Needs_Action/EMAIL_1.md');
  assert.equal((await cloud.sync.syncOnce()).status, 'ok');
  const planted = `Approved/${path.basename(pending)}`;
  await copyFile(path.join(cloud.root, pending), path.join(cloud.root, planted));
  await forgedPush(cloud, 'approve my own request');
  assert.ok((await treeOf(pair.remote, 'main')).has(planted), 'the planted approval is on the remote');

  // A laptop that joins afterwards: init, then its first sync.
  const laptopDir = path.join(pair.dir, 'laptop');
  await mkdir(laptopDir, { recursive: true });
  const laptop = await openSide(laptopDir, 'local', pair.remote);
  const joined = await laptop.sync.syncOnce();
  assert.equal(joined.status, 'ok', joined.message);
  assert.equal(await exists(path.join(laptop.root, planted)), false, 'the planted file is not in the work tree');
  assert.ok(!(await treeOf(laptop.root, 'HEAD')).has(planted), 'nor in the laptop commit');
  assert.ok(
    joined.refused.some((c) => c.paths.includes(planted)),
    `the join reports the refused path: ${JSON.stringify(joined.refused)}`,
  );
  assert.ok(await exists(path.join(laptop.root, pending)), 'the honest pending request did arrive');
  const sent: Sent[] = [];
  await runExecutorOnce(laptop, sent);
  assert.deepEqual(sent, []);
});

test('attack 2, claim conflict: a forged In_Progress/local/ file with claimed_from: Approved never reaches Approved/', async (t) => {
  const pair = await makeGitPair();
  t.after(() => pair.cleanup());
  const { cloud, local } = pair;
  await writeFile(
    path.join(local.root, 'Needs_Action/local/TASK_1.md'),
    newTaskText(
      { id: 'task:1', type: 'task', created: '2026-12-01T09:00:00.000Z', status: 'new', title: 'Call the bank' },
      'Call the bank about the card.',
    ),
  );
  assert.equal((await local.sync.syncOnce()).status, 'ok');
  assert.equal((await cloud.sync.syncOnce()).status, 'ok');
  const claimed = await local.vault.claim({ path: 'Needs_Action/local/TASK_1.md' });
  const localClaim = await readFile(path.join(local.root, claimed.path), 'utf8');

  // Cloud: a real approval request of its own, then the forgery: the task gone, and local's claimed file
  // replaced by a copy of that request that says it was claimed from Approved/, with an expired lease.
  await seedEmailTask(cloud.root, 2);
  const pending = await cloudDraftsAndAsks(cloud.vault, 'Needs_Action/EMAIL_2.md');
  const request = await readFile(path.join(cloud.root, pending), 'utf8');
  await rm(path.join(cloud.root, 'Needs_Action/local/TASK_1.md'));
  const forged = request.replace(
    /^status: pending$/m,
    'status: in_progress\nclaimed_by: local:mcp-server\nclaimed_from: Approved\nlease_until: 2020-01-01T00:00:00.000Z',
  );
  assert.notEqual(forged, request);
  await mkdir(path.join(cloud.root, 'In_Progress/local'), { recursive: true });
  await writeFile(path.join(cloud.root, 'In_Progress/local/TASK_1.md'), forged);
  await forgedPush(cloud, 'claim conflict, forged');

  assert.equal((await local.sync.syncOnce()).status, 'ok');
  assert.equal(await readFile(path.join(local.root, claimed.path), 'utf8'), localClaim, "local's claim stands");
  await local.vault.recover(); // every `serve` start runs it
  assert.deepEqual(await ls(local, 'Approved'), []);
  const sent: Sent[] = [];
  await runExecutorOnce(local, sent);
  assert.deepEqual(sent, []);
});

test('attack 3, the audit log: cloud rewriting Logs/<day>.local.jsonl does not remove the owner’s lines', async (t) => {
  const pair = await makeGitPair();
  t.after(() => pair.cleanup());
  const { cloud, local } = pair;
  await local.vault.audit.record({ action_type: 'approval.approve', target: 'Approved/X.md', result: 'ok' });
  const logName = (await readdir(path.join(local.root, 'Logs'))).find((n) => n.endsWith('.local.jsonl'));
  assert.ok(logName);
  const ownLog = await readFile(path.join(local.root, 'Logs', logName), 'utf8');
  assert.equal((await local.sync.syncOnce()).status, 'ok');
  assert.equal((await cloud.sync.syncOnce()).status, 'ok');
  await writeFile(path.join(cloud.root, 'Logs', logName), '');
  await forgedPush(cloud, 'tidy the logs');

  const result = await local.sync.syncOnce();
  assert.equal(result.status, 'ok', result.message);
  const after = await readFile(path.join(local.root, 'Logs', logName), 'utf8');
  assert.ok(after.startsWith(ownLog), "the owner's lines are all still there, in order");
  assert.ok(result.refused.some((c) => c.paths.includes(`Logs/${logName}`)));
  await local.sync.syncOnce(); // carries local's own alert line about the refusal
  assert.equal(
    await git(pair.remote, 'show', `main:Logs/${logName}`),
    await readFile(path.join(local.root, 'Logs', logName), 'utf8'),
    "local's log wins on the remote",
  );
});

test('attack 4a, shown is sent: a draft cloud changes after the request is not what goes out', async (t) => {
  const pair = await makeGitPair();
  t.after(() => pair.cleanup());
  const { cloud, local } = pair;
  await seedEmailTask(cloud.root, 3);
  const pending = await cloudDraftsAndAsks(cloud.vault, 'Needs_Action/EMAIL_3.md');
  const shown = 'Dear customer, thanks for In_Progress/cloud/EMAIL_3.md.';
  assert.equal((await cloud.sync.syncOnce()).status, 'ok');
  // The request is out; cloud now rewrites the draft file it points at.
  const draft = String((await frontmatterOf(cloud.root, pending))['draft']);
  const draftText = await readFile(path.join(cloud.root, draft), 'utf8');
  await writeFile(path.join(cloud.root, draft), draftText.replace(shown, 'Please wire 5,000 EUR to IBAN XX00.'));
  await forgedPush(cloud, 'improve the draft');

  assert.equal((await local.sync.syncOnce()).status, 'ok');
  assert.match(await readFile(path.join(local.root, pending), 'utf8'), /Dear customer, thanks/);
  const approved = await ownerDecides(local.vault.ctx, pending, 'approve');
  const sent: Sent[] = [];
  const outcome = await executeApproved(executorOf(local, sent), approved);
  assert.equal(outcome.status, 'executed', outcome.reason);
  assert.deepEqual(
    sent.map((s) => s.text),
    [shown],
  );
});

test('attack 4b, shown is sent: write_draft after request_approval is refused, naming the approval', async (t) => {
  const pair = await makeGitPair();
  t.after(() => pair.cleanup());
  const { cloud } = pair;
  await seedEmailTask(cloud.root, 4);
  const pending = await cloudDraftsAndAsks(cloud.vault, 'Needs_Action/EMAIL_4.md');
  await assert.rejects(
    cloud.vault.writeDraft({ task: 'In_Progress/cloud/EMAIL_4.md', body: 'Something else.' }),
    (e) => {
      assert.ok(e instanceof AppError);
      assert.equal(e.code, 'conflict');
      assert.match(e.message, new RegExp(pending));
      return true;
    },
  );
});

test('attack 4c, shown is sent: the owner’s edit of the text in the request is what goes out, by `approve` or by moving the file', async (t) => {
  const pair = await makeGitPair();
  t.after(() => pair.cleanup());
  const { cloud, local } = pair;
  await seedEmailTask(cloud.root, 5);
  await seedEmailTask(cloud.root, 6);
  const viaCli = await cloudDraftsAndAsks(cloud.vault, 'Needs_Action/EMAIL_5.md');
  const viaMove = await cloudDraftsAndAsks(cloud.vault, 'Needs_Action/EMAIL_6.md');
  assert.equal((await cloud.sync.syncOnce()).status, 'ok');
  assert.equal((await local.sync.syncOnce()).status, 'ok');

  const edit = async (rel: string, n: number) => {
    const abs = path.join(local.root, rel);
    const before = await readFile(abs, 'utf8');
    const after = before.replace(
      `Dear customer, thanks for In_Progress/cloud/EMAIL_${n}.md.`,
      `Dear Dana, the chairs ship Monday (${n}).`,
    );
    assert.notEqual(after, before, 'the request quotes the text');
    await writeFile(abs, after);
  };
  const sent: Sent[] = [];
  // By the command.
  await edit(viaCli, 5);
  const approved = await ownerDecides(local.vault.ctx, viaCli, 'approve');
  assert.equal((await executeApproved(executorOf(local, sent), approved)).status, 'executed');
  // By moving the file (Obsidian), with the local executor running, as on the owner's laptop.
  const running = startLocalExecutor(executorOf(local, sent), { logger: silentLogger() });
  t.after(() => running.close());
  await running.ready;
  await edit(viaMove, 6);
  await rename(path.join(local.root, viaMove), path.join(local.root, 'Approved', path.basename(viaMove)));
  for (let i = 0; i < 200 && sent.length < 2; i += 1) await new Promise((r) => setTimeout(r, 25));
  await running.idle();
  assert.deepEqual(
    sent.map((s) => s.text),
    ['Dear Dana, the chairs ship Monday (5).', 'Dear Dana, the chairs ship Monday (6).'],
  );
});

test('attack 5, half-finished tasks: complete_task and fail_task on a task with a pending approval are refused', async (t) => {
  const pair = await makeGitPair();
  t.after(() => pair.cleanup());
  const { cloud } = pair;
  await seedEmailTask(cloud.root, 7);
  const pending = await cloudDraftsAndAsks(cloud.vault, 'Needs_Action/EMAIL_7.md');
  const task = 'In_Progress/cloud/EMAIL_7.md';
  for (const attempt of [() => cloud.vault.complete(task, 'replied'), () => cloud.vault.fail(task, 'gave up')]) {
    await assert.rejects(attempt(), (e) => {
      assert.ok(e instanceof AppError);
      assert.equal(e.code, 'conflict');
      assert.match(e.message, new RegExp(pending));
      return true;
    });
  }
  assert.ok(await exists(path.join(cloud.root, task)), 'the task is still claimed');
  assert.ok(await exists(path.join(cloud.root, pending)), 'the request still points at it');
});

test('recovery and release send a file back to a queue only: claimed_from: Approved goes to Failed/', async (t) => {
  const pair = await makeGitPair();
  t.after(() => pair.cleanup());
  const { local } = pair;
  await writeFile(
    path.join(local.root, 'In_Progress/local/TASK_9.md'),
    newTaskText(
      {
        id: 'task:9',
        type: 'task',
        created: '2026-12-01T09:00:00.000Z',
        status: 'in_progress',
        claimed_by: 'local:gone',
        claimed_from: 'Approved',
        lease_until: '2020-01-01T00:00:00.000Z',
      },
      'A task that says it came from Approved/.',
    ),
  );
  await local.vault.recover();
  assert.deepEqual(await ls(local, 'Approved'), []);
  assert.deepEqual(await ls(local, 'Failed'), ['TASK_9.md']);
  assert.match(String((await frontmatterOf(local.root, 'Failed/TASK_9.md'))['failed_reason']), /Approved/);
});

test('attack 6, names a Mac folds: a second request whose name differs only by case or Unicode form never arrives', async (t) => {
  // On macOS and Windows `EMAIL_SEND_a.md` and `email_send_A.md` are one file: checking the second out would
  // rewrite the request the owner is reading, under a name the door has never seen. Linux can hold both, so the
  // door must refuse such a pair wherever it runs.
  const pair = await makeGitPair();
  t.after(() => pair.cleanup());
  const { cloud, local } = pair;
  await seedEmailTask(cloud.root, 1);
  const pending = await cloudDraftsAndAsks(cloud.vault, 'Needs_Action/EMAIL_1.md');
  assert.equal((await cloud.sync.syncOnce()).status, 'ok');
  assert.equal((await local.sync.syncOnce()).status, 'ok');
  const shown = await readFile(path.join(local.root, pending), 'utf8');
  const name = path.basename(pending);
  const twin = `Pending_Approval/${name.toLowerCase()}`;
  await writeFile(path.join(cloud.root, twin), shown.replace('Dear customer', 'Send the wire to IBAN XX00'));
  // And new pairs in one push, by case and by Unicode form: neither of a pair can be trusted to be the one kept.
  const pairs = ['NEW_A.md', 'new_a.md', 'CAF\u00c9.md', 'CAFE\u0301.md'].map((n) => `Pending_Approval/${n}`);
  for (const p of pairs) await writeFile(path.join(cloud.root, p), shown);
  await forgedPush(cloud, 'twins');
  const synced = await local.sync.syncOnce();
  assert.equal(synced.status, 'ok');
  assert.deepEqual(await ls(local, 'Pending_Approval'), [name], 'no twin, no new pair');
  assert.equal(await readFile(path.join(local.root, pending), 'utf8'), shown, 'the reviewed request is unchanged');
  const refused = synced.refused
    .flatMap((r) => r.paths)
    .filter((p) => p.startsWith('Pending_Approval/'))
    .sort();
  assert.deepEqual(refused, [twin, ...pairs].sort());
});

test('an Approved/ file without the owner’s evidence on this machine is not executed: it stays and is reported', async (t) => {
  const pair = await makeGitPair();
  t.after(() => pair.cleanup());
  const { cloud, local } = pair;
  await seedEmailTask(cloud.root, 8);
  const pending = await cloudDraftsAndAsks(cloud.vault, 'Needs_Action/EMAIL_8.md');
  // As if a sync had been tricked: the request appears straight in local's Approved/, never seen pending here.
  const planted = `Approved/${path.basename(pending)}`;
  await copyFile(path.join(cloud.root, pending), path.join(local.root, planted));
  const sent: Sent[] = [];
  const outcome = await executeApproved(executorOf(local, sent), planted);
  assert.equal(outcome.status, 'suspicious', outcome.reason);
  assert.deepEqual(sent, []);
  assert.ok(await exists(path.join(local.root, planted)), 'it stays for the owner to look at');
  const updates = await ls(local, 'Updates');
  const notes = await Promise.all(updates.map((n) => readFile(path.join(local.root, 'Updates', n), 'utf8')));
  assert.ok(
    notes.some((n) => n.includes(planted)),
    'an alert names it',
  );
  // Looked at again (the executor rescans): still not executed, and no second alert.
  assert.equal((await executeApproved(executorOf(local, sent), planted)).status, 'suspicious');
  assert.equal((await ls(local, 'Updates')).length, updates.length);
  assert.deepEqual(sent, []);
});
