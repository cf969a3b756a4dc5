import assert from 'node:assert/strict';
import { link, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { AppError } from '../../src/core/errors.js';
import { approvalContentHash } from '../../src/core/vault/approval-actions.js';
import { newTaskText, parseTaskText } from '../../src/core/vault/frontmatter.js';
import { censusProblems, readAuditLines, snapshotVault, takeCensus } from '../helpers/vault-census.js';
import { openTestVault, seedEmailTask, tempVaultDir } from '../helpers/vault.js';

/** Focused tests of the vault core's task life cycle (DESIGN §3): claim, release, complete, fail, recover. */

const MIN = 60_000;
/**
 * The fake clock starts at the real time the file is loaded, so that the tests mean the same on any day.
 * Why not a fixed date: recovery compares the clock with file mtimes, which the kernel stamps with the real
 * time; a fixed date drifts into the past and every file written by a test then looks like it comes from the
 * future. Tests whose outcome depends on a file's age set that age with utimes(), relative to the clock.
 */
const T0 = new Date();

/** A vault with a clock the test moves by hand. */
async function setup(options: { role?: 'cloud' | 'local'; lease?: { minutes: number; maxAttempts: number } } = {}) {
  const root = await tempVaultDir('lifecycle-');
  let now = T0;
  const vault = await openTestVault(root, options.role ?? 'cloud', { clock: () => now, lease: options.lease });
  return {
    root,
    vault,
    at: (d: Date) => {
      now = d;
    },
    abs: (rel: string) => path.join(root, ...rel.split('/')),
    read: (rel: string) => readFile(path.join(root, ...rel.split('/')), 'utf8'),
    exists: (rel: string) =>
      stat(path.join(root, ...rel.split('/'))).then(
        () => true,
        () => false,
      ),
    ls: async (folder: string) =>
      (await readdir(path.join(root, ...folder.split('/')))).filter((n) => n !== '.gitkeep').sort(),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

function rejectsWith(code: string, message?: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof AppError, `expected an AppError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (message) assert.match(err.message, message);
    return true;
  };
}

const fm = (text: string) => parseTaskText(text).data;

/**
 * The real clock, corrected by how far the file system's clock (the mtime the kernel gives a new file in `dir`)
 * is from it. On one machine the two agree and the correction is a few milliseconds at most; it matters only
 * where the process clock is shifted on its own, as under `faketime` (npm run test:future).
 */
async function fileSystemClock(dir: string): Promise<() => Date> {
  const probe = path.join(dir, '.clock-probe');
  const before = Date.now();
  await writeFile(probe, '');
  const after = Date.now();
  const { mtimeMs } = await stat(probe);
  await rm(probe);
  const offset = mtimeMs - (before + after) / 2;
  return () => new Date(Date.now() + offset);
}

test('claim moves the task to In_Progress/cloud and stamps claimed_by, claimed_from and lease_until', async (t) => {
  const v = await setup();
  t.after(v.cleanup);
  await seedEmailTask(v.root, 1);
  const claimed = await v.vault.claim({ path: 'Needs_Action/EMAIL_1.md' });
  assert.equal(claimed.path, 'In_Progress/cloud/EMAIL_1.md');
  assert.equal(claimed.attempts, 0);
  assert.equal(claimed.frontmatter['status'], 'in_progress');
  assert.equal(claimed.frontmatter['claimed_by'], 'cloud:test');
  assert.equal(claimed.frontmatter['claimed_from'], 'Needs_Action');
  assert.equal(claimed.frontmatter['claimed_at'], T0.toISOString());
  assert.equal(claimed.frontmatter['lease_until'], new Date(T0.getTime() + 30 * MIN).toISOString());
  assert.equal(claimed.body, 'Hello, this is message 1.\n');
  assert.equal(await v.exists('Needs_Action/EMAIL_1.md'), false);
  assert.deepEqual(fm(await v.read('In_Progress/cloud/EMAIL_1.md')), claimed.frontmatter);
  assert.deepEqual(await v.ls('In_Progress/cloud'), ['EMAIL_1.md'], 'no hidden take or temp file is left');
});

test('a second claim of the same path is a conflict that says "already claimed"', async (t) => {
  const v = await setup();
  t.after(v.cleanup);
  await seedEmailTask(v.root, 1);
  const other = await openTestVault(v.root, 'cloud', { processName: 'other' });
  await v.vault.claim({ path: 'Needs_Action/EMAIL_1.md' });
  await assert.rejects(other.claim({ path: 'Needs_Action/EMAIL_1.md' }), rejectsWith('conflict', /already claimed/));
  assert.equal(fm(await v.read('In_Progress/cloud/EMAIL_1.md'))['claimed_by'], 'cloud:test');
});

test('claiming a kind the role may not take is policy_denied and leaves the file where it was', async (t) => {
  const v = await setup();
  t.after(v.cleanup);
  const whatsapp = newTaskText(
    { id: 'wa:1', type: 'whatsapp', created: T0.toISOString(), status: 'new', title: 'Pay the supplier' },
    'From the WhatsApp watcher.',
  );
  await writeFile(v.abs('Needs_Action/WHATSAPP_1.md'), whatsapp);
  await assert.rejects(
    v.vault.claim({ path: 'Needs_Action/WHATSAPP_1.md' }),
    rejectsWith('policy_denied', /does not take `whatsapp` files from Needs_Action\/; local does/),
  );
  assert.equal(await v.read('Needs_Action/WHATSAPP_1.md'), whatsapp, 'put back unchanged');

  // A queue the role does not claim from is refused before anything moves.
  await seedEmailTask(v.root, 2, 'Needs_Action/local');
  const before = await v.read('Needs_Action/local/EMAIL_2.md');
  await assert.rejects(
    v.vault.claim({ path: 'Needs_Action/local/EMAIL_2.md' }),
    rejectsWith('policy_denied', /does not claim from Needs_Action\/local/),
  );
  assert.equal(await v.read('Needs_Action/local/EMAIL_2.md'), before);

  // And local may take from its queue only the kinds its policy names.
  const local = await openTestVault(v.root, 'local');
  await assert.rejects(
    local.claim({ path: 'Needs_Action/local/EMAIL_2.md' }),
    rejectsWith('policy_denied', /does not take `email` files from Needs_Action\/local\/; cloud does/),
  );
  assert.equal(await v.read('Needs_Action/local/EMAIL_2.md'), before);
  assert.deepEqual(await v.ls('In_Progress/cloud'), []);
  assert.deepEqual(await v.ls('In_Progress/local'), []);
  assert.deepEqual(await v.ls('Failed'), []);
});

test('a file that cannot be read at all, claimed by path, is invalid_input and lands in Failed/ with the reason and its text', async (t) => {
  const v = await setup();
  t.after(v.cleanup);
  // Only unreadable files go to Failed/ (issue 11): a note with no frontmatter, an unknown type or an email
  // with no sender are read as tasks (test/integration/task-shapes.test.ts).
  const cases: Array<{ name: string; text: string; reason: RegExp }> = [
    {
      name: 'BADYAML.md',
      text: '---\nid: x:1\ntype: email\nsubject: [unclosed\n---\nBody of the bad one.\n',
      reason: /not valid YAML/,
    },
    {
      name: 'UNCLOSED.md',
      text: '---\nid: x:2\ntype: email\nNo closing fence, so this is not frontmatter.\n',
      reason: /never closes it/,
    },
    {
      name: 'LIST.md',
      text: '---\n- a\n- b\n---\nA list, not a mapping.\n',
      reason: /mapping/,
    },
  ];
  for (const c of cases) {
    await writeFile(v.abs(`Needs_Action/${c.name}`), c.text);
    let moved: unknown;
    await assert.rejects(v.vault.claim({ path: `Needs_Action/${c.name}` }), (err) => {
      rejectsWith('invalid_input', c.reason)(err);
      assert.match((err as Error).message, new RegExp(`moved to Failed/${c.name} because it cannot be read`));
      moved = (err as AppError).details?.['moved_to'];
      return true;
    });
    assert.equal(moved, `Failed/${c.name}`);
    const failed = parseTaskText(await v.read(`Failed/${c.name}`));
    assert.equal(failed.data['status'], 'failed', c.name);
    assert.match(String(failed.data['failed_reason']), c.reason, c.name);
    assert.ok(failed.body.includes(c.text), `${c.name}: the whole original text is in the body`);
    assert.match(failed.body, /## Failed/);
    assert.equal(await v.exists(`Needs_Action/${c.name}`), false);
  }
  assert.deepEqual(await v.ls('In_Progress/cloud'), [], 'nothing hidden stays behind');
});

test('auto-claim takes the highest priority first, then the oldest, and skips a future retry_after', async (t) => {
  const v = await setup();
  t.after(v.cleanup);
  // seedEmailTask dates task n at 09:00 + n seconds: a smaller n is older.
  await seedEmailTask(v.root, 1, 'Needs_Action', { priority: 'low' });
  await seedEmailTask(v.root, 2, 'Needs_Action', { priority: 'normal' });
  await seedEmailTask(v.root, 3, 'Needs_Action', { priority: 'high' });
  await seedEmailTask(v.root, 4, 'Needs_Action', { priority: 'high' });
  await seedEmailTask(v.root, 5, 'Needs_Action', {
    priority: 'urgent',
    retry_after: new Date(T0.getTime() + 10 * MIN).toISOString(),
  });
  await seedEmailTask(v.root, 6, 'Needs_Action', { priority: 'normal' });
  const order: string[] = [];
  for (let i = 0; i < 5; i += 1) order.push(String((await v.vault.claim({})).frontmatter['id']));
  assert.deepEqual(order, ['gmail:3', 'gmail:4', 'gmail:2', 'gmail:6', 'gmail:1']);
  await assert.rejects(v.vault.claim({}), rejectsWith('not_found', /No claimable task/));
  v.at(new Date(T0.getTime() + 11 * MIN));
  const late = await v.vault.claim({});
  assert.equal(late.frontmatter['id'], 'gmail:5');
  assert.equal(late.frontmatter['retry_after'], undefined, 'a claim clears retry_after');
  // A type filter only offers that type.
  await seedEmailTask(v.root, 7);
  await assert.rejects(v.vault.claim({ type: 'tweet' }), rejectsWith('not_found', /"tweet"/));
});

test('release counts attempts and sends the task to Failed/ after maxAttempts', async (t) => {
  const v = await setup({ lease: { minutes: 30, maxAttempts: 2 } });
  t.after(v.cleanup);
  await seedEmailTask(v.root, 1);
  const first = await v.vault.claim({ path: 'Needs_Action/EMAIL_1.md' });
  const back = await v.vault.release(first.path, 'the customer wrote again', { retryAfterSeconds: 60 });
  assert.equal(back.path, 'Needs_Action/EMAIL_1.md');
  const queued = fm(await v.read('Needs_Action/EMAIL_1.md'));
  assert.equal(queued['attempts'], 1);
  assert.equal(queued['status'], 'new');
  assert.equal(queued['last_release_reason'], 'the customer wrote again');
  assert.equal(queued['retry_after'], new Date(T0.getTime() + 60_000).toISOString());
  // claimed_from stays on purpose: a release cut short by a crash must still know where the task goes back.
  for (const k of ['claimed_by', 'claimed_at', 'lease_until']) assert.equal(queued[k], undefined, k);

  v.at(new Date(T0.getTime() + 2 * MIN));
  const second = await v.vault.claim({});
  assert.equal(second.attempts, 1);
  const gone = await v.vault.release(second.path, 'still unclear');
  assert.equal(gone.path, 'Failed/EMAIL_1.md');
  const failed = fm(await v.read('Failed/EMAIL_1.md'));
  assert.equal(failed['status'], 'failed');
  assert.match(String(failed['failed_reason']), /Released 2 times \(limit 2\); last reason: still unclear/);
  assert.equal(await v.exists('Needs_Action/EMAIL_1.md'), false);
});

test('recover releases a claim only once its lease has lapsed, counting an attempt', async (t) => {
  const v = await setup();
  t.after(v.cleanup);
  await seedEmailTask(v.root, 1);
  await v.vault.claim({ path: 'Needs_Action/EMAIL_1.md' });
  v.at(new Date(T0.getTime() + 29 * MIN));
  assert.deepEqual(await v.vault.recover(), {
    finishedClaims: 0,
    returnedTakes: 0,
    expiredReleased: 0,
    failed: 0,
    completedMoves: 0,
    tempFilesRemoved: 0,
  });
  assert.equal(await v.exists('In_Progress/cloud/EMAIL_1.md'), true);
  v.at(new Date(T0.getTime() + 31 * MIN));
  assert.equal((await v.vault.recover()).expiredReleased, 1);
  const queued = fm(await v.read('Needs_Action/EMAIL_1.md'));
  assert.equal(queued['attempts'], 1);
  assert.equal(queued['last_release_reason'], 'the claim lease expired');
  assert.equal(await v.exists('In_Progress/cloud/EMAIL_1.md'), false);
});

test('a task awaiting approval has no lease and is never released by recover', async (t) => {
  const v = await setup();
  t.after(v.cleanup);
  await seedEmailTask(v.root, 1);
  const claimed = await v.vault.claim({ path: 'Needs_Action/EMAIL_1.md' });
  const draft = await v.vault.writeDraft({ task: claimed.path, body: 'Dear customer, yes.' });
  await v.vault.requestApproval({
    task: claimed.path,
    action: 'send_email',
    params: { to: 'customer@example.com', subject: 'Re: Question 1' },
    draft: draft.path,
  });
  const waiting = await v.read(claimed.path);
  assert.equal(fm(waiting)['status'], 'awaiting_approval');
  assert.equal(fm(waiting)['lease_until'], undefined);
  v.at(new Date(T0.getTime() + 40 * 86_400_000));
  const report = await v.vault.recover();
  assert.equal(report.expiredReleased + report.failed, 0);
  assert.equal(await v.read(claimed.path), waiting, 'untouched');
});

test('complete moves to Done/ with the outcome; a second task of the same name never overwrites the first', async (t) => {
  const v = await setup();
  t.after(v.cleanup);
  await seedEmailTask(v.root, 1);
  const a = await v.vault.claim({ path: 'Needs_Action/EMAIL_1.md' });
  const done = await v.vault.complete(a.path, 'replied', 'Sent the price list.');
  assert.equal(done.path, 'Done/EMAIL_1.md');
  const first = await v.read('Done/EMAIL_1.md');
  const data = fm(first);
  assert.equal(data['status'], 'done');
  assert.equal(data['outcome'], 'replied');
  assert.equal(data['completed_by'], 'cloud:test');
  assert.equal(data['completed_at'], T0.toISOString());
  assert.equal(data['lease_until'], undefined);
  assert.match(parseTaskText(first).body, /## Outcome\n\nSent the price list\./);

  // The same message id arrives again (a watcher re-delivers it) and is handled again.
  await seedEmailTask(v.root, 1, 'Needs_Action', { subject: 'Question 1, again' });
  v.at(new Date(T0.getTime() + 5 * MIN));
  const b = await v.vault.claim({ path: 'Needs_Action/EMAIL_1.md' });
  const again = await v.vault.complete(b.path, 'ignored');
  assert.notEqual(again.path, 'Done/EMAIL_1.md');
  assert.match(again.path, /^Done\/EMAIL_1\..+\.md$/);
  assert.equal(await v.read('Done/EMAIL_1.md'), first, 'the first Done file is untouched');
  assert.equal(fm(await v.read(again.path))['subject'], 'Question 1, again');
  assert.deepEqual(await v.ls('In_Progress/cloud'), []);
});

test('fail moves the task to Failed/ with the reason in frontmatter and body', async (t) => {
  const v = await setup();
  t.after(v.cleanup);
  await seedEmailTask(v.root, 1);
  const a = await v.vault.claim({ path: 'Needs_Action/EMAIL_1.md' });
  const failed = await v.vault.fail(a.path, 'The customer asks for a refund: a human must decide.');
  assert.equal(failed.path, 'Failed/EMAIL_1.md');
  const text = await v.read('Failed/EMAIL_1.md');
  assert.equal(fm(text)['status'], 'failed');
  assert.equal(fm(text)['failed_reason'], 'The customer asks for a refund: a human must decide.');
  assert.match(parseTaskText(text).body, /## Failed\n\nThe customer asks for a refund/);
  // Only a claimed task can be failed or completed.
  await seedEmailTask(v.root, 2);
  await assert.rejects(v.vault.fail('Needs_Action/EMAIL_2.md', 'x'), rejectsWith('invalid_input', /claim it first/));
});

test("a human's comments and key order in the frontmatter survive claim and complete", async (t) => {
  const v = await setup();
  t.after(v.cleanup);
  const text = [
    '---',
    '# Owner: answer this one before Friday',
    'id: gmail:77',
    'type: email',
    'source: gmail',
    'created: 2026-11-26T09:00:00.000Z',
    'status: new # the watcher sets this',
    'priority: high',
    '# who wrote',
    'from: customer@example.com',
    'subject: Order 77',
    'my_note: call them first # a human added this key',
    '---',
    'Where is my order?',
    '',
  ].join('\n');
  await writeFile(v.abs('Needs_Action/EMAIL_77.md'), text);
  const a = await v.vault.claim({ path: 'Needs_Action/EMAIL_77.md' });
  const claimedText = await v.read(a.path);
  const done = await v.vault.complete(a.path, 'replied');
  const out = await v.read(done.path);
  for (const kept of [
    '# Owner: answer this one before Friday',
    '# the watcher sets this',
    '# who wrote',
    'my_note: call them first # a human added this key',
  ]) {
    assert.ok(claimedText.includes(kept), `claim keeps "${kept}"`);
    assert.ok(out.includes(kept), `complete keeps "${kept}"`);
  }
  const keys = (s: string) =>
    s
      .split('---')[1]!
      .split('\n')
      .filter((l) => /^[a-z_]+:/.test(l))
      .map((l) => l.slice(0, l.indexOf(':')));
  assert.deepEqual(keys(out).slice(0, 9), [
    'id',
    'type',
    'source',
    'created',
    'status',
    'priority',
    'from',
    'subject',
    'my_note',
  ]);
  assert.ok(out.endsWith('Where is my order?\n'));
});

test('recover finishes or undoes each crash state of claim and move, and a second run does nothing', async (t) => {
  const v = await setup();
  t.after(v.cleanup);
  const inP = 'In_Progress/cloud';

  // 1. Taken, not yet written as claimed: goes back to its queue unchanged.
  await seedEmailTask(v.root, 1);
  const original1 = await v.read('Needs_Action/EMAIL_1.md');
  await rename(v.abs('Needs_Action/EMAIL_1.md'), v.abs(`${inP}/.claiming-0123456789ab-EMAIL_1.md`));

  // 2. Claimed file written, take not yet removed: the claim stands.
  await seedEmailTask(v.root, 2);
  const original2 = await v.read('Needs_Action/EMAIL_2.md');
  await v.vault.claim({ path: 'Needs_Action/EMAIL_2.md' });
  const claimed2 = await v.read(`${inP}/EMAIL_2.md`);
  await writeFile(v.abs(`${inP}/.claiming-abcdefabcdef-EMAIL_2.md`), original2);

  // 3. Move to Done/ cut between link and unlink: the same inode in both folders.
  await seedEmailTask(v.root, 3);
  await v.vault.claim({ path: 'Needs_Action/EMAIL_3.md' });
  await link(v.abs(`${inP}/EMAIL_3.md`), v.abs('Done/EMAIL_3.md'));

  // 4-6. Status rewritten, move not made: done → Done/, failed → Failed/, new (a release) → queue.
  const stamped = (n: number, extra: Record<string, unknown>) =>
    newTaskText(
      {
        id: `gmail:${n}`,
        type: 'email',
        created: T0.toISOString(),
        from: 'a@example.com',
        subject: `S${n}`,
        claimed_by: 'cloud:crashed',
        claimed_from: 'Needs_Action',
        ...extra,
      },
      `Body ${n}`,
    );
  await writeFile(v.abs(`${inP}/EMAIL_4.md`), stamped(4, { status: 'done', outcome: 'replied' }));
  await writeFile(v.abs(`${inP}/EMAIL_5.md`), stamped(5, { status: 'failed', failed_reason: 'bounced' }));
  await writeFile(
    v.abs(`${inP}/EMAIL_6.md`),
    stamped(6, { status: 'new', attempts: 1, last_release_reason: 'busy', claimed_by: undefined }),
  );

  // 7. Temp files: one from a crash long ago, one being written right now by a live writer.
  await writeFile(v.abs(`${inP}/.tmp-000000000000-EMAIL_9.md`), 'half a file');
  await writeFile(v.abs(`${inP}/.tmp-111111111111-EMAIL_10.md`), 'being written');

  // Recovery runs after the crash, past the minute in which a file may still belong to a live operation, and
  // before the claim lease of 2 lapses. Every file of the crash is 5 minutes old (its mtime, set here rather
  // than left to when the test happened to write it); the live writer's temp file is brand new. The takes of 1
  // and 2 carry no time in their names, so they count as old whatever their mtime.
  const recoverAt = new Date(T0.getTime() + 10 * MIN);
  const crashedAt = new Date(recoverAt.getTime() - 5 * MIN);
  for (const rel of [
    `${inP}/EMAIL_3.md`, // and Done/EMAIL_3.md: the same inode
    `${inP}/EMAIL_4.md`,
    `${inP}/EMAIL_5.md`,
    `${inP}/EMAIL_6.md`,
    `${inP}/.tmp-000000000000-EMAIL_9.md`,
  ])
    await utimes(v.abs(rel), crashedAt, crashedAt);
  await utimes(v.abs(`${inP}/.tmp-111111111111-EMAIL_10.md`), recoverAt, recoverAt);
  v.at(recoverAt);

  const report = await v.vault.recover();
  assert.deepEqual(report, {
    finishedClaims: 1,
    returnedTakes: 1,
    expiredReleased: 1,
    failed: 1,
    completedMoves: 2,
    tempFilesRemoved: 1,
  });
  assert.equal(await v.read('Needs_Action/EMAIL_1.md'), original1, '1: back in the queue, unchanged');
  assert.equal(await v.read(`${inP}/EMAIL_2.md`), claimed2, '2: the claim stands');
  assert.equal(fm(await v.read('Done/EMAIL_3.md'))['id'], 'gmail:3', '3: in Done/');
  assert.equal(fm(await v.read('Done/EMAIL_4.md'))['outcome'], 'replied', '4: finished into Done/');
  assert.equal(fm(await v.read('Failed/EMAIL_5.md'))['failed_reason'], 'bounced', '5: finished into Failed/');
  const six = fm(await v.read('Needs_Action/EMAIL_6.md'));
  assert.equal(six['attempts'], 1, '6: an interrupted release does not count twice');
  assert.equal(six['status'], 'new');
  assert.deepEqual(await v.ls(inP), ['.tmp-111111111111-EMAIL_10.md', 'EMAIL_2.md'], 'a young temp file is kept');

  const census = await takeCensus(v.root);
  assert.deepEqual(
    censusProblems(
      census,
      [1, 2, 3, 4, 5, 6].map((n) => `gmail:${n}`),
    ),
    {
      duplicated: [],
      missing: [],
    },
  );
  const snap = await snapshotVault(v.root);
  assert.deepEqual(Object.values(await v.vault.recover()), [0, 0, 0, 0, 0, 0]);
  assert.deepEqual(await snapshotVault(v.root), snap);
});

test('write_draft writes Needs_Action/cloud/DRAFT_<task>.md and a second draft replaces the first', async (t) => {
  const v = await setup();
  t.after(v.cleanup);
  await seedEmailTask(v.root, 1);
  const a = await v.vault.claim({ path: 'Needs_Action/EMAIL_1.md' });
  const d1 = await v.vault.writeDraft({ task: a.path, body: 'Dear customer, first try.' });
  assert.deepEqual(d1, { path: 'Needs_Action/cloud/DRAFT_EMAIL_1.md', task: a.path, kind: 'reply' });
  const d2 = await v.vault.writeDraft({ task: a.path, body: 'Dear customer, better.', meta: { tone: 'warm' } });
  assert.equal(d2.path, d1.path);
  const draft = parseTaskText(await v.read(d2.path));
  assert.equal(draft.body, 'Dear customer, better.\n');
  assert.equal(draft.data['type'], 'draft');
  assert.equal(draft.data['task_id'], 'gmail:1');
  assert.equal(draft.data['tone'], 'warm');
  assert.deepEqual(await v.ls('Needs_Action/cloud'), ['DRAFT_EMAIL_1.md']);
  await assert.rejects(
    v.vault.writeDraft({ task: a.path, body: 'x', meta: { id: 'mine' } }),
    rejectsWith('invalid_input', /meta may not set id/),
  );
});

test('request_approval writes the request with its hash, marks the task, and is idempotent per content', async (t) => {
  const v = await setup();
  t.after(v.cleanup);
  await seedEmailTask(v.root, 1);
  const a = await v.vault.claim({ path: 'Needs_Action/EMAIL_1.md' });
  const draft = await v.vault.writeDraft({ task: a.path, body: 'Dear customer,\nhere it is.' });
  const params = { to: 'customer@example.com', subject: 'Re: Question 1' };
  const req = { task: a.path, action: 'send_email', params, draft: draft.path };
  const r1 = await v.vault.requestApproval(req);
  assert.equal(r1.path, 'Pending_Approval/EMAIL_SEND_EMAIL_1.md');
  const expected = approvalContentHash('send_email', params, 'Dear customer,\nhere it is.');
  assert.equal(r1.content_sha256, expected);
  const file = parseTaskText(await v.read(r1.path));
  assert.equal(file.data['type'], 'approval_request');
  assert.equal(file.data['id'], 'EMAIL_SEND_EMAIL_1');
  assert.equal(file.data['action'], 'send_email');
  assert.equal(file.data['to'], params.to);
  assert.equal(file.data['subject'], params.subject);
  assert.equal(file.data['status'], 'pending');
  assert.equal(file.data['requested_by'], 'cloud:test');
  assert.equal(file.data['source_task'], a.path);
  assert.equal(file.data['draft'], draft.path);
  assert.equal(file.data['content_sha256'], expected);
  assert.equal(file.data['expires'], new Date(T0.getTime() + 48 * 3_600_000).toISOString());
  assert.match(file.body, /move this file to `Approved\/`/);
  // The text travels in the request itself, between its markers: what the owner reads is what is sent.
  assert.match(file.body, /ai-employee:text-begin.*-->\nDear customer,\nhere it is\.\n<!-- ai-employee:text-end -->/);
  const task = fm(await v.read(a.path));
  assert.equal(task['status'], 'awaiting_approval');
  assert.equal(task['approval'], r1.path);

  v.at(new Date(T0.getTime() + 5 * MIN));
  const r2 = await v.vault.requestApproval(req);
  assert.equal(r2.path, r1.path);
  assert.equal(r2.content_sha256, r1.content_sha256);
  assert.equal(r2.expires, r1.expires, "a retry answers with the file's expiry, not a new one");
  // Once the request is out, a new draft could only contradict it: refused, naming the request.
  await assert.rejects(
    v.vault.writeDraft({ task: a.path, body: 'Other words.' }),
    rejectsWith('conflict', /EMAIL_SEND_EMAIL_1/),
  );
  await assert.rejects(
    v.vault.requestApproval({ ...req, params: { ...params, subject: 'Something else' } }),
    rejectsWith('conflict', /different content is already pending/),
  );
  assert.equal(fm(await v.read(r1.path))['content_sha256'], expected, 'the pending request is untouched');
});

test('the audit log is one JSON object per line in Logs/YYYY-MM-DD.cloud.jsonl, secrets redacted', async (t) => {
  const v = await setup();
  t.after(v.cleanup);
  await seedEmailTask(v.root, 1);
  const a = await v.vault.claim({ path: 'Needs_Action/EMAIL_1.md' });
  await v.vault.complete(a.path, 'replied');
  await v.vault.audit.record({
    action_type: 'odoo.call',
    target: 'res.partner.search_read',
    parameters: { api_key: 'sk-live-SECRET-1', nested: { password: 'hunter2-SECRET' }, model: 'res.partner' },
    result: 'ok',
  });
  // One file per UTC day of the vault's clock.
  const logName = `${T0.toISOString().slice(0, 10)}.cloud.jsonl`;
  assert.deepEqual(await readdir(v.abs('Logs')).then((n) => n.filter((x) => x !== '.gitkeep')), [logName]);
  const raw = await v.read(`Logs/${logName}`);
  assert.ok(raw.endsWith('\n'));
  assert.doesNotMatch(raw, /SECRET/);
  const lines = await readAuditLines(v.root);
  assert.equal(raw.trimEnd().split('\n').length, lines.length);
  assert.deepEqual(
    lines.map((l) => l['action_type']),
    ['task.claim', 'task.complete', 'odoo.call'],
  );
  for (const l of lines) {
    assert.equal(l['timestamp'], T0.toISOString());
    assert.deepEqual(l['actor'], { role: 'cloud', process: 'test' });
  }
  assert.deepEqual(lines[2]?.['parameters'], {
    api_key: '[redacted]',
    nested: { password: '[redacted]' },
    model: 'res.partner',
  });
});

/*
 * Known bugs in src/core/vault, shown by failing tests. They are marked `todo` so that the suite stays green
 * while they are open; node:test still runs them and reports them as failing todos. Remove `todo` with the fix.
 */

test('BUG: recover duplicates a task whose move to Done/ under a de-duplicated name was cut short', async (t) => {
  const v = await setup();
  t.after(v.cleanup);
  // An older task of the same name is already in Done/, so completing gmail:1 went to Done/EMAIL_1.<stamp>.md;
  // the crash came between link and unlink.
  await seedEmailTask(v.root, 'old');
  await rename(v.abs('Needs_Action/EMAIL_old.md'), v.abs('Done/EMAIL_1.md'));
  await seedEmailTask(v.root, 1);
  const a = await v.vault.claim({ path: 'Needs_Action/EMAIL_1.md' });
  const done = await v.vault.complete(a.path, 'replied');
  assert.match(done.path, /^Done\/EMAIL_1\..+\.md$/);
  await link(v.abs(done.path), v.abs(a.path));
  // Recovery an hour after the crash: the linked file is an hour old, whenever the test wrote it.
  await utimes(v.abs(a.path), T0, T0);
  v.at(new Date(T0.getTime() + 60 * MIN));
  await v.vault.recover();
  const census = await takeCensus(v.root);
  assert.deepEqual(censusProblems(census, ['gmail:1', 'gmail:old']), { duplicated: [], missing: [] });
});

test('BUG: recover turns an interrupted put-back (policy_denied) into a second copy in Failed/', async (t) => {
  const v = await setup();
  t.after(v.cleanup);
  const whatsapp = newTaskText(
    { id: 'wa:1', type: 'whatsapp', created: T0.toISOString(), status: 'new', title: 'Pay the supplier' },
    'From the WhatsApp watcher.',
  );
  await writeFile(v.abs('Needs_Action/WHATSAPP_1.md'), whatsapp);
  // A cloud claim took it, found the type is not its own, linked it back and died before the unlink.
  await link(v.abs('Needs_Action/WHATSAPP_1.md'), v.abs('In_Progress/cloud/.claiming-0123456789ab-WHATSAPP_1.md'));
  await v.vault.recover();
  const census = await takeCensus(v.root);
  assert.deepEqual(censusProblems(census, ['wa:1']), { duplicated: [], missing: [] });
  assert.equal(await v.read('Needs_Action/WHATSAPP_1.md'), whatsapp);
});

test('BUG: recover puts a quarantined file whose move to Failed/ was cut short back in the queue as well', async (t) => {
  const v = await setup();
  t.after(v.cleanup);
  const bad = newTaskText(
    { id: 'x:3', type: 'email', created: T0.toISOString(), subject: 'Hi', status: 'failed', failed_reason: 'from' },
    'No sender.',
  );
  await writeFile(v.abs('Failed/NOFROM.md'), bad);
  await link(v.abs('Failed/NOFROM.md'), v.abs('In_Progress/cloud/.claiming-0123456789ab-NOFROM.md'));
  await v.vault.recover();
  const census = await takeCensus(v.root);
  assert.deepEqual(censusProblems(census, ['x:3']), { duplicated: [], missing: [] });
});

test('BUG: recover run while another process is claiming returns its in-flight takes: tasks end up in two places', async (t) => {
  // Every MCP server start (src/cli/serve.ts) runs recover() while workers may be claiming.
  const v = await setup();
  t.after(v.cleanup);
  // Both run on the machine's clock, as in production. Why through fileSystemClock: recovery judges whether a
  // temp file is in flight by its mtime, which the kernel stamps; under a shifted process clock (the CI run
  // under faketime) every live temp file would look a year old. This test is about the race, not about skew.
  const clock = await fileSystemClock(v.root);
  const worker = await openTestVault(v.root, 'cloud', { processName: 'worker', clock });
  const starting = await openTestVault(v.root, 'cloud', { processName: 'server-start', clock });
  const ids: string[] = [];
  const errors: string[] = [];
  for (let i = 1; i <= 40; i += 1) {
    await seedEmailTask(v.root, i);
    ids.push(`gmail:${i}`);
    const recoverSoon = async () => {
      for (let k = 0; k < i % 8; k += 1) await new Promise((r) => setImmediate(r));
      return starting.recover();
    };
    for (const r of await Promise.allSettled([worker.claim({ path: `Needs_Action/EMAIL_${i}.md` }), recoverSoon()]))
      if (r.status === 'rejected') errors.push((r.reason as Error).message);
  }
  const census = await takeCensus(v.root);
  const problems = censusProblems(census, ids);
  t.diagnostic(`${problems.duplicated.length} of 40 tasks in two places; ${errors.length} raw errors`);
  assert.deepEqual(problems, { duplicated: [], missing: [] });
  assert.deepEqual(errors, []);
});
