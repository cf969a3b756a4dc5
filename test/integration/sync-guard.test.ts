import assert from 'node:assert/strict';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { readSyncState } from '../../src/daemons/sync/state.js';
import { guardSamples } from '../helpers/guard-samples.js';
import { writeCleanVault, writeSample } from '../helpers/guard-vault.js';
import { git, makeGitPair, remoteBlobs } from '../helpers/git-pair.js';

test('every guard sample stops the sync, names file and rule, raises one alert; none reaches the remote', async (t) => {
  const pair = await makeGitPair();
  t.after(() => pair.cleanup());
  const samples = guardSamples();
  let blocked = 0;
  for (const [i, sample] of samples.entries()) {
    // Alternate the machines: both sides run the same guard before their commits.
    const side = i % 2 === 0 ? pair.cloud : pair.local;
    await writeSample(side.root, sample);
    const result = await side.sync.syncOnce();
    assert.equal(result.status, 'blocked', `${sample.rule} at ${sample.path}: ${result.message}`);
    assert.equal(result.pushed, false);
    const state = await readSyncState(side.stateDir);
    assert.equal(state.result, 'blocked');
    assert.match(state.message ?? '', /rule /);
    assert.ok((state.message ?? '').includes(sample.path), `${sample.path} is named: ${state.message}`);
    if (sample.secret) assert.ok(!result.message.includes(sample.secret), 'the secret is never shown');
    blocked += 1;
    await rm(path.join(side.root, sample.path), { recursive: true, force: true });
  }
  // One alert per distinct hit, in Updates/ (committed once the vault is clean again).
  const alerts = (await readdir(path.join(pair.cloud.root, 'Updates'))).filter((n) => n.includes('security-guard'));
  assert.ok(alerts.length >= 1);
  assert.equal((await pair.cloud.sync.syncOnce()).status, 'ok');
  assert.equal((await pair.local.sync.syncOnce()).status, 'ok');
  assert.equal((await pair.cloud.sync.syncOnce()).status, 'ok');

  // Nothing of any sample is among the remote's objects: no blob with a secret, no path with a blocked name.
  const blobs = await remoteBlobs(pair.remote);
  const objects = await git(pair.remote, 'rev-list', '--objects', '--all');
  for (const sample of samples) {
    if (sample.secret) assert.ok(!blobs.some((b) => b.includes(sample.secret as string)), `${sample.rule} leaked`);
    const leaf = sample.path.split('/').pop() as string;
    assert.ok(!objects.split('\n').some((l) => l.endsWith(` ${leaf}`) || l.includes(`/${leaf}`)), `${sample.path}`);
  }
  t.diagnostic(`${blocked} samples blocked, ${blobs.length} blobs on the remote, none with a sample`);
});

test('the vault skeleton and ordinary notes raise no false alarm and sync', async (t) => {
  const pair = await makeGitPair();
  t.after(() => pair.cleanup());
  await writeCleanVault(pair.cloud.root);
  const result = await pair.cloud.sync.syncOnce();
  assert.equal(result.status, 'ok', result.message);
  assert.ok(result.committed >= 5);
  assert.equal((await pair.local.sync.syncOnce()).status, 'ok');
  const updates = (await readdir(path.join(pair.local.root, 'Updates'))).filter((n) => n.endsWith('.md'));
  for (const n of updates)
    assert.doesNotMatch(await readFile(path.join(pair.local.root, 'Updates', n), 'utf8'), /guard/i);
  const plan = await git(pair.remote, 'show', 'main:Plans/PLAN_setup.md');
  assert.match(plan, /ODOO_API_KEY/);
});
