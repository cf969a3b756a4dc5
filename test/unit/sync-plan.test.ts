import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BlobRef, PathChange } from '../../src/core/sync/changes.js';
import { parseRawDiff } from '../../src/core/sync/changes.js';
import { isQueuePath, isStatePath } from '../../src/core/sync/paths.js';
import { planIntegration } from '../../src/core/sync/plan.js';
import { newTaskText } from '../../src/core/vault/frontmatter.js';

const blob = (oid: string): BlobRef => ({ mode: '100644', oid });
const change = (path: string, before: string | null, after: string | null): [string, PathChange] => [
  path,
  { path, before: before ? blob(before) : null, after: after ? blob(after) : null },
];
const task = (fields: Record<string, unknown>) =>
  newTaskText({ type: 'email', created: '2026-01-01T00:00:00Z', ...fields }, 'x');

test('state paths: protocol folders and the two human files; never temp files, dot-dot or other files', () => {
  for (const p of ['Needs_Action/A.md', 'Done/x.md', 'Dashboard.md', 'Company_Handbook.md', 'Logs/2026.cloud.jsonl'])
    assert.ok(isStatePath(p), p);
  for (const p of [
    '.gitignore',
    'evil.sh',
    '.obsidian/app.json',
    'Done/.tmp-1-x.md',
    'In_Progress/cloud/.claiming-x',
    'Done/../x',
    'Done',
  ])
    assert.ok(!isStatePath(p), p);
  assert.ok(isQueuePath('Needs_Action/EMAIL_1.md') && isQueuePath('Needs_Action/local/T.md'));
  assert.ok(!isQueuePath('Needs_Action/other/T.md') && !isQueuePath('Done/EMAIL_1.md'));
});

test('raw diff parsing: adds, deletes and modifications, with -z paths', () => {
  const z = '0'.repeat(40);
  const raw = `:000000 100644 ${z} ${'a'.repeat(40)} A\0Done/x y.md\0:100644 000000 ${'b'.repeat(40)} ${z} D\0Needs_Action/q.md\0`;
  const parsed = parseRawDiff(raw);
  assert.deepEqual(parsed.get('Done/x y.md')?.before, null);
  assert.equal(parsed.get('Done/x y.md')?.after?.oid, 'a'.repeat(40));
  assert.equal(parsed.get('Needs_Action/q.md')?.after, null);
});

test('trust boundary: refused incoming paths keep our version; accepted ones arrive; peer-only paths untouched', async () => {
  const plan = await planIntegration({
    ours: new Map([change('Dashboard.md', 'd0', 'd1')]),
    theirs: new Map([
      change('Approved/X.md', null, 'evil'),
      change('Dashboard.md', 'd0', 'cloud'),
      change('Rejected/Y.md', 'y0', null),
      change('Needs_Action/EMAIL_2.md', null, 'e2'),
    ]),
    accepts: ({ path: p }) => !p.startsWith('Approved') && !p.startsWith('Rejected') && p !== 'Dashboard.md',
    read: async () => '',
  });
  assert.deepEqual(plan.refused.map((r) => r.path).sort(), ['Approved/X.md', 'Dashboard.md', 'Rejected/Y.md']);
  assert.deepEqual(plan.overrides.get('Approved/X.md'), null);
  assert.deepEqual(plan.overrides.get('Dashboard.md'), blob('d1'));
  assert.deepEqual(plan.overrides.get('Rejected/Y.md'), blob('y0'));
  assert.equal(plan.overrides.has('Needs_Action/EMAIL_2.md'), false);
  assert.equal(plan.accepted, 1);
});

test('claim conflict: both moved the queue file; ours and what we derived take the remote version', async () => {
  const texts: Record<string, string> = {
    q: task({ id: 'gmail:1' }),
    mine: task({ id: 'gmail:1', claimed_by: 'local:x' }),
    draft: newTaskText(
      { id: 'draft:gmail:1', type: 'draft', task: 'In_Progress/local/EMAIL_1.md', task_id: 'gmail:1' },
      'd',
    ),
    other: task({ id: 'gmail:9' }),
  };
  const plan = await planIntegration({
    ours: new Map([
      change('Needs_Action/EMAIL_1.md', 'q', null),
      change('In_Progress/local/EMAIL_1.md', null, 'mine'),
      change('Needs_Action/local/DRAFT_EMAIL_1.md', null, 'draft'),
      change('Needs_Action/EMAIL_19.md', null, 'other'),
    ]),
    theirs: new Map([
      change('Needs_Action/EMAIL_1.md', 'q', null),
      change('In_Progress/cloud/EMAIL_1.md', null, 'theirs'),
    ]),
    accepts: () => true,
    read: async (oid) => texts[oid] ?? '',
  });
  assert.equal(plan.claimConflicts.length, 1);
  assert.deepEqual(plan.claimConflicts[0]?.dropped, [
    'In_Progress/local/EMAIL_1.md',
    'Needs_Action/local/DRAFT_EMAIL_1.md',
  ]);
  assert.equal(plan.overrides.get('In_Progress/local/EMAIL_1.md'), null);
  assert.equal(plan.overrides.get('Needs_Action/local/DRAFT_EMAIL_1.md'), null);
  assert.deepEqual(plan.overrides.get('Needs_Action/EMAIL_19.md'), blob('other'));
  assert.deepEqual(plan.conflicts, []);
});

test('other conflicts keep both versions: a deletion wins at the path, else the remote; never silently', async () => {
  const plan = await planIntegration({
    ours: new Map([change('Plans/A.md', 'a0', 'a-ours'), change('Needs_Action/local/T.md', 't0', null)]),
    theirs: new Map([change('Plans/A.md', 'a0', 'a-theirs'), change('Needs_Action/local/T.md', 't0', 't-theirs')]),
    accepts: () => true,
    read: async () => '',
  });
  const byPath = new Map(plan.conflicts.map((c) => [c.path, c]));
  assert.equal(byPath.get('Plans/A.md')?.kept, 'theirs');
  assert.equal(plan.overrides.has('Plans/A.md'), false);
  assert.equal(byPath.get('Needs_Action/local/T.md')?.kept, 'ours');
  assert.equal(plan.overrides.get('Needs_Action/local/T.md'), null);
});
