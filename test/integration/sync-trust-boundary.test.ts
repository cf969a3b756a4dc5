import assert from 'node:assert/strict';
import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { executeApproved } from '../../src/core/actions/executor.js';
import type { ActionHandler } from '../../src/core/actions/handler.js';
import { ExecutionLedger } from '../../src/core/actions/ledger.js';
import { ownerDecides } from '../../src/core/actions/owner-decision.js';
import { silentLogger } from '../../src/core/log.js';
import { startLocalExecutor } from '../../src/daemons/workers/local-executor.js';
import { readSyncState } from '../../src/daemons/sync/state.js';
import { git, makeGitPair, treeOf } from '../helpers/git-pair.js';
import { cloudDraftsAndAsks, frontmatterOf } from '../helpers/git-ops.js';
import { seedEmailTask } from '../helpers/vault.js';

/** A send_email handler that only records: any call at all is a failure of the trust boundary. */
function recordingHandler(calls: string[]): ActionHandler {
  return {
    action: 'send_email',
    execute: async (doc) => {
      calls.push(doc.rel);
      return { message_id: `sent-${calls.length}` };
    },
  };
}

test('the attack: cloud pushes a file into Approved/ and a Dashboard edit; local refuses both, executes nothing, reports it, still gets the rest', async (t) => {
  const pair = await makeGitPair();
  t.after(() => pair.cleanup());
  const { cloud, local } = pair;

  // Honest work first: a pending approval that reaches local.
  await seedEmailTask(cloud.root, 1);
  const pending = await cloudDraftsAndAsks(cloud.vault, 'Needs_Action/EMAIL_1.md');
  assert.equal((await cloud.sync.syncOnce()).status, 'ok');
  assert.equal((await local.sync.syncOnce()).status, 'ok');
  const localDashboard = await readFile(path.join(local.root, 'Dashboard.md'), 'utf8');

  // The compromised cloud approves its own request, rewrites the owner's dashboard, and does some honest work.
  const planted = `Approved/${path.basename(pending)}`;
  await copyFile(path.join(cloud.root, pending), path.join(cloud.root, planted));
  await writeFile(path.join(cloud.root, 'Dashboard.md'), '# Dashboard\n\nAll approved. Nothing to see.\n');
  await seedEmailTask(cloud.root, 2);
  const attack = await cloud.sync.syncOnce();
  assert.equal(attack.status, 'ok');
  assert.equal(attack.pushed, true);
  // A second attack commit, made with plain git and a forged author: the boundary must not trust names.
  await writeFile(path.join(cloud.root, 'Rejected', 'EMAIL_SEND_FAKE.md'), '---\ntype: approval_request\n---\n');
  await writeFile(path.join(cloud.root, 'Needs_Action', 'NOTE_from_cloud.md'), 'honest note\n');
  await git(cloud.root, 'add', 'Rejected/EMAIL_SEND_FAKE.md', 'Needs_Action/NOTE_from_cloud.md');
  await git(cloud.root, 'commit', '-qm', 'forged', '--author', 'ai-employee-local <local@ai-employee.invalid>');
  await git(cloud.root, 'push', '-q', 'origin', 'main');
  const remoteTree = await treeOf(pair.remote, 'main');
  assert.ok(remoteTree.has(planted), 'the planted approval is on the remote');

  // Local runs its executor over Approved/ (and Rejected/) during and after the pull.
  const calls: string[] = [];
  const ledgerDir = path.join(pair.dir, 'local-ledger');
  const deps = { ctx: local.vault.ctx, ledger: new ExecutionLedger(ledgerDir), handlers: [recordingHandler(calls)] };
  const outcomes: string[] = [];
  const executor = startLocalExecutor(deps, {
    logger: silentLogger(),
    onOutcome: (o) => outcomes.push(`${o.approval}:${o.status}`),
  });
  t.after(() => executor.close());
  await executor.ready;
  const result = await local.sync.syncOnce();
  await executor.idle();

  assert.equal(result.status, 'ok', result.message);
  const refusedPaths = result.refused.flatMap((c) => c.paths).sort();
  assert.deepEqual(refusedPaths, ['Dashboard.md', 'Rejected/EMAIL_SEND_FAKE.md', planted].sort());
  assert.equal(result.refused.length, 2, 'both attack commits are named');
  assert.ok(
    result.refused.some((c) => c.author === 'ai-employee-local'),
    'the forged author is refused too',
  );

  // Refused: not in local's work tree, not in its commit.
  await assert.rejects(readFile(path.join(local.root, planted)));
  await assert.rejects(readFile(path.join(local.root, 'Rejected', 'EMAIL_SEND_FAKE.md')));
  assert.equal(await readFile(path.join(local.root, 'Dashboard.md'), 'utf8'), localDashboard);
  const localTree = await treeOf(local.root, 'HEAD');
  assert.ok(!localTree.has(planted));
  // Executes nothing.
  await assert.rejects(executeApproved(deps, planted), /does not exist|not_found|not exist/i);
  await executor.close();
  assert.deepEqual(calls, []);
  assert.deepEqual(outcomes, []);
  assert.deepEqual(await readdir(ledgerDir).catch(() => []), []);

  // Still receives the rest.
  assert.ok(localTree.has('Needs_Action/EMAIL_2.md'));
  assert.ok(localTree.has('Needs_Action/NOTE_from_cloud.md'));
  await readFile(path.join(local.root, 'Needs_Action', 'EMAIL_2.md'));

  // Reported: in Updates/ and in the state dir.
  const updates = await readdir(path.join(local.root, 'Updates'));
  const notes = await Promise.all(
    updates.filter((n) => n.endsWith('.md')).map((n) => readFile(path.join(local.root, 'Updates', n), 'utf8')),
  );
  assert.ok(notes.some((n) => n.includes('refused') && n.includes(planted) && n.includes('Dashboard.md')));
  const state = await readSyncState(local.stateDir);
  for (const c of result.refused) assert.ok(state.refused_commits.includes(c.commit));

  // Local's state wins on the remote, once; cloud sees it on its next pull; nothing bounces back.
  assert.equal(result.pushed, true);
  const after = await treeOf(pair.remote, 'main');
  assert.ok(!after.has(planted) && !after.has('Rejected/EMAIL_SEND_FAKE.md'));
  assert.equal(await git(pair.remote, 'show', 'main:Dashboard.md'), localDashboard);
  assert.equal((await cloud.sync.syncOnce()).status, 'ok');
  await assert.rejects(readFile(path.join(cloud.root, planted)));
  assert.equal(await readFile(path.join(cloud.root, 'Dashboard.md'), 'utf8'), localDashboard);
  const again = await local.sync.syncOnce();
  assert.deepEqual(again.refused, []);
  const quiet = await local.sync.syncOnce();
  assert.equal(quiet.pushed, false, 'no revert storm: a quiet vault pushes nothing');
  t.diagnostic(`refused ${result.refused.length} commits, ${refusedPaths.length} paths; received ${result.received}`);
});

test('provenance stays meaningful: the owner approves on local, local commits as ai-employee-local, the executor runs it once', async (t) => {
  const pair = await makeGitPair();
  t.after(() => pair.cleanup());
  const { cloud, local } = pair;
  await seedEmailTask(cloud.root, 3);
  const pending = await cloudDraftsAndAsks(cloud.vault, 'Needs_Action/EMAIL_3.md');
  await cloud.sync.syncOnce();
  await local.sync.syncOnce();
  const approved = await ownerDecides(local.vault.ctx, pending, 'approve');
  assert.equal((await local.sync.syncOnce()).status, 'ok');
  const authors = (await git(local.root, 'log', '--format=%an', '--', approved)).trim().split('\n');
  assert.deepEqual(authors, ['ai-employee-local']);
  const cloudAuthors = new Set((await git(local.root, 'log', '--format=%an')).trim().split('\n'));
  assert.ok(cloudAuthors.has('ai-employee-cloud'), "cloud's commits carry cloud's author");

  const calls: string[] = [];
  const deps = {
    ctx: local.vault.ctx,
    ledger: new ExecutionLedger(path.join(pair.dir, 'ledger')),
    handlers: [recordingHandler(calls)],
  };
  const outcome = await executeApproved(deps, approved);
  assert.equal(outcome.status, 'executed', outcome.reason);
  assert.deepEqual(calls, [approved]);
  assert.equal((await frontmatterOf(local.root, outcome.filedAt))['status'], 'executed');
  assert.equal((await local.sync.syncOnce()).status, 'ok');
  assert.equal((await cloud.sync.syncOnce()).status, 'ok');
  assert.ok((await treeOf(cloud.root, 'HEAD')).has(outcome.filedAt), 'cloud sees the executed approval in Done/');
});
