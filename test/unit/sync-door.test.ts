import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PathChange } from '../../src/core/sync/changes.js';
import { acceptsIncoming, nameClashes } from '../../src/core/sync/door.js';
import { planIntegration } from '../../src/core/sync/plan.js';
import { loadPolicy } from '../../src/core/policy/policy.js';
import { newTaskText } from '../../src/core/vault/frontmatter.js';

/** The one door (src/core/sync/door.ts) with the shipped policies: what each role takes from its peer. */

const file = (oid: string, mode = '100644') => ({ mode, oid });
const added = (path: string, mode = '100644'): PathChange => ({ path, before: null, after: file('a', mode) });
const changed = (path: string): PathChange => ({ path, before: file('a'), after: file('b') });
const deleted = (path: string): PathChange => ({ path, before: file('a'), after: null });

test('local takes from cloud only what cloud may write, whatever the case or Unicode form of the name', async () => {
  const local = await loadPolicy('local', { draftOnly: false });
  for (const p of [
    'Needs_Action/EMAIL_1.md',
    'Needs_Action/local/TASK_1.md',
    'In_Progress/cloud/EMAIL_1.md',
    'Pending_Approval/EMAIL_SEND_1.md',
    'Done/EMAIL_1.md',
    'Updates/x.md',
    'Logs/2026-12-02.cloud.jsonl',
  ])
    assert.ok(acceptsIncoming(local, added(p)), p);
  for (const p of [
    'Approved/EMAIL_SEND_1.md',
    'approved/EMAIL_SEND_1.md',
    'APPROVED/EMAIL_SEND_1.md',
    'Approve\u0301d/EMAIL_SEND_1.md', // not Approved, but not accepted either
    'Rejected/X.md',
    'rejected/X.md',
    'Dashboard.md',
    'dashboard.md',
    'In_Progress/local/TASK_1.md',
    'in_progress/LOCAL/TASK_1.md',
    'Logs/2026-12-02.local.jsonl',
    'logs/2026-12-02.LOCAL.jsonl',
    'Logs/evil.md',
    'Inbox/x.md',
    '.obsidian/app.json',
    'Needs_Action/../Approved/x.md',
    // Names git gives a meaning of its own (it refuses to check out `.git`; the others change how it works).
    'Plans/.git/config',
    'In_Progress/cloud/.Git',
    'Plans/.git./x',
    'Plans/git~1/x',
    'Pending_Approval/.gitattributes',
    'Needs_Action/.gitignore',
    // A name longer than a file system takes with our temp prefixes (multibyte letters count as bytes).
    `Pending_Approval/${'Café_'.repeat(40)}.md`,
    // A file where a protocol folder belongs.
    'Needs_Action/cloud',
    'needs_action/LOCAL',
  ])
    assert.equal(acceptsIncoming(local, added(p)), false, p);
  // Composed and decomposed forms decide alike: an NFD "Pending_Approval" with an accent is still not Approved/.
  const nfd = 'Pe\u0301nding_Approval/X.md';
  assert.equal(acceptsIncoming(local, added(nfd)), acceptsIncoming(local, added(nfd.normalize('NFC'))));
});

test('only plain files pass: a symlink or a submodule from the peer is refused, a deletion of one is taken', async () => {
  const local = await loadPolicy('local', { draftOnly: false });
  assert.equal(acceptsIncoming(local, added('Needs_Action/link.md', '120000')), false);
  assert.equal(acceptsIncoming(local, added('Needs_Action/sub', '160000')), false);
  assert.ok(acceptsIncoming(local, added('Needs_Action/run.sh', '100755')));
  assert.ok(acceptsIncoming(local, { path: 'Needs_Action/link.md', before: file('a', '120000'), after: null }));
});

test('on the executing machine, a request in Pending_Approval/ is added or withdrawn by the peer, never rewritten', async () => {
  const local = await loadPolicy('local', { draftOnly: false });
  const cloud = await loadPolicy('cloud', { draftOnly: true });
  const rel = 'Pending_Approval/EMAIL_SEND_1.md';
  assert.ok(acceptsIncoming(local, added(rel)));
  assert.ok(acceptsIncoming(local, deleted(rel)));
  assert.equal(acceptsIncoming(local, changed(rel)), false);
  assert.equal(acceptsIncoming(local, changed('pending_approval/EMAIL_SEND_1.md')), false);
  // Cloud takes the owner's edits of a request (it never executes one).
  assert.ok(acceptsIncoming(cloud, changed(rel)));
});

test("cloud takes everything local writes, except cloud's own log", async () => {
  const cloud = await loadPolicy('cloud', { draftOnly: true });
  for (const p of ['Approved/X.md', 'Rejected/X.md', 'Dashboard.md', 'In_Progress/local/T.md', 'Logs/d.local.jsonl'])
    assert.ok(acceptsIncoming(cloud, changed(p)), p);
  assert.equal(acceptsIncoming(cloud, changed('Logs/2026-12-02.cloud.jsonl')), false);
});

test('a claim conflict is only one where the peer claims: a task from our own queue keeps our claim', async () => {
  const local = await loadPolicy('local', { draftOnly: false });
  const texts: Record<string, string> = {
    q: newTaskText({ id: 'task:1', type: 'task', created: '2026-12-01T00:00:00Z' }, 'x'),
    mine: newTaskText({ id: 'task:1', type: 'task', created: '2026-12-01T00:00:00Z', claimed_by: 'local:x' }, 'x'),
  };
  const plan = await planIntegration({
    ours: new Map([
      ['Needs_Action/local/T.md', { path: 'Needs_Action/local/T.md', before: file('q'), after: null }],
      ['In_Progress/local/T.md', { path: 'In_Progress/local/T.md', before: null, after: file('mine') }],
    ]),
    theirs: new Map([
      ['Needs_Action/local/T.md', { path: 'Needs_Action/local/T.md', before: file('q'), after: null }],
      ['In_Progress/local/T.md', { path: 'In_Progress/local/T.md', before: null, after: file('forged') }],
    ]),
    accepts: (c) => acceptsIncoming(local, c),
    peerClaims: (q) => local.peerClaims(q),
    read: async (oid) => texts[oid] ?? '',
  });
  assert.deepEqual(plan.claimConflicts, []);
  assert.deepEqual(
    plan.refused.map((r) => r.path),
    ['In_Progress/local/T.md'],
  );
  assert.deepEqual(plan.overrides.get('In_Progress/local/T.md'), file('mine'), 'our claim stands');
});

test('name clashes: an addition that folds onto a path we have, or onto another addition, by case or Unicode form', () => {
  const existing = ['Pending_Approval/EMAIL_SEND_1.md', 'Done/Caf\u00e9.md'];
  const theirs = new Map(
    [
      added('Pending_Approval/email_send_1.md'),
      added('Done/Cafe\u0301.md'),
      added('Needs_Action/A.md'),
      added('Needs_Action/a.md'),
      added('Needs_Action/B.md'),
      changed('Pending_Approval/EMAIL_SEND_1.md'),
    ].map((c) => [c.path, c]),
  );
  assert.deepEqual([...nameClashes(existing, theirs)].sort(), [
    'Done/Cafe\u0301.md',
    'Needs_Action/A.md',
    'Needs_Action/a.md',
    'Pending_Approval/email_send_1.md',
  ]);
  assert.deepEqual([...nameClashes([], new Map([[`Done/x.md`, added('Done/x.md')]]))], []);
  // A rename by case or form: the old name goes in the same change, so nothing clashes and nothing is lost.
  const renamed = new Map([deleted('Done/Caf\u00e9.md'), added('Done/Cafe\u0301.md')].map((c) => [c.path, c]));
  assert.deepEqual([...nameClashes(existing, renamed)], []);
});
