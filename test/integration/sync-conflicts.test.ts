import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { mkdtemp } from 'node:fs/promises';
import { parseTaskText } from '../../src/core/vault/frontmatter.js';
import { validateTask } from '../../src/core/vault/schemas.js';
import { git, makeGitPair, treeOf } from '../helpers/git-pair.js';
import { seedEmailTask } from '../helpers/vault.js';

async function overlapping(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sync-pol-'));
  const src = path.join(import.meta.dirname, '..', '..', 'policies');
  const local = JSON.parse(await readFile(path.join(src, 'local.json'), 'utf8'));
  local.claim.queues.push('Needs_Action');
  local.claim.types.push('email');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'local.json'), JSON.stringify(local));
  await writeFile(path.join(dir, 'cloud.json'), await readFile(path.join(src, 'cloud.json'), 'utf8'));
  return dir;
}

test('claim conflict: the claim that reached the remote first wins; the loser drops claim, draft and completion and says so', async (t) => {
  const pair = await makeGitPair({ policyDir: await overlapping() });
  t.after(() => pair.cleanup());
  const { cloud, local } = pair;
  await seedEmailTask(cloud.root, 5);
  await cloud.sync.syncOnce();
  await local.sync.syncOnce();
  // Both claim EMAIL_5 while apart. Local even drafts and completes it.
  const c = await cloud.vault.claim({ path: 'Needs_Action/EMAIL_5.md' });
  await cloud.vault.writeDraft({ task: c.path, body: 'cloud reply' });
  const l = await local.vault.claim({ path: 'Needs_Action/EMAIL_5.md' });
  await local.vault.writeDraft({ task: l.path, body: 'local reply' });
  await local.vault.complete(l.path, 'answered by hand');
  assert.equal((await cloud.sync.syncOnce()).pushed, true); // cloud's claim reaches the remote first
  const result = await local.sync.syncOnce();
  assert.equal(result.status, 'ok', result.message);
  assert.deepEqual(
    result.lostClaims.map((x) => x.task),
    ['gmail:5'],
  );
  // The draft followed its task to Done/ (docs/task-files.md), and is dropped from there.
  assert.deepEqual(result.lostClaims[0]?.dropped.sort(), ['Done/DRAFT_EMAIL_5.md', 'Done/EMAIL_5.md']);
  const tree = await treeOf(pair.remote, 'main');
  assert.ok(tree.has('In_Progress/cloud/EMAIL_5.md'));
  assert.ok(tree.has('Needs_Action/cloud/DRAFT_EMAIL_5.md'));
  for (const gone of [
    'Done/EMAIL_5.md',
    'Done/DRAFT_EMAIL_5.md',
    'Needs_Action/local/DRAFT_EMAIL_5.md',
    'In_Progress/local/EMAIL_5.md',
  ])
    assert.ok(!tree.has(gone), gone);
  await assert.rejects(readFile(path.join(local.root, 'Done', 'EMAIL_5.md')));
  const notes = await readdir(path.join(local.root, 'Updates'));
  const note = notes.find((n) => n.includes('claim-conflict'));
  assert.ok(note, notes.join(','));
  assert.match(await readFile(path.join(local.root, 'Updates', note), 'utf8'), /reached the remote first/);
  assert.equal((await local.sync.syncOnce()).status, 'ok');
  assert.equal((await cloud.sync.syncOnce()).status, 'ok');
  assert.equal(
    (await git(cloud.root, 'rev-parse', 'HEAD')).trim(),
    (await git(pair.remote, 'rev-parse', 'main')).trim(),
  );
});

test('an edit on both sides keeps both versions in a valid sync_conflict task in Needs_Action/local/', async (t) => {
  const pair = await makeGitPair();
  t.after(() => pair.cleanup());
  const { cloud, local } = pair;
  await writeFile(path.join(cloud.root, 'Plans', 'PLAN.md'), '# Plan\n\n- step 1\n');
  await cloud.sync.syncOnce();
  await local.sync.syncOnce();
  await writeFile(path.join(cloud.root, 'Plans', 'PLAN.md'), '# Plan\n\n- step 1\n- cloud step ```with fence```\n');
  await writeFile(path.join(local.root, 'Plans', 'PLAN.md'), '# Plan\n\n- step 1\n- owner step\n');
  await cloud.sync.syncOnce();
  const result = await local.sync.syncOnce();
  assert.equal(result.conflicts.length, 1);
  const rel = result.conflicts[0] as string;
  assert.match(rel, /^Needs_Action\/local\/SYNC_CONFLICT_Plans_PLAN_[0-9a-f]+\.md$/);
  const text = await readFile(path.join(local.root, rel), 'utf8');
  const parsed = parseTaskText(text);
  validateTask(parsed.data);
  assert.equal(parsed.data['type'], 'sync_conflict');
  assert.match(text, /owner step/);
  assert.match(text, /cloud step/);
  assert.match(await readFile(path.join(local.root, 'Plans', 'PLAN.md'), 'utf8'), /cloud step/);
  await cloud.sync.syncOnce();
  assert.ok((await treeOf(cloud.root, 'HEAD')).has(rel), 'cloud receives the conflict note too');
});
