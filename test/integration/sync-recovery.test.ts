import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { acquireSyncLock } from '../../src/daemons/sync/lock.js';
import { readSyncState } from '../../src/daemons/sync/state.js';
import { git, gitEnv, makeGitPair } from '../helpers/git-pair.js';
import { seedEmailTask } from '../helpers/vault.js';

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

test('a stale index.lock is recovered; a young one stops the sync with a note and a state that says what to do', async (t) => {
  const pair = await makeGitPair();
  t.after(() => pair.cleanup());
  const lock = path.join(pair.cloud.root, '.git', 'index.lock');
  await writeFile(lock, '');
  await seedEmailTask(pair.cloud.root, 1);
  const young = await pair.cloud.sync.syncOnce();
  assert.equal(young.status, 'failed');
  assert.match(young.message, /index\.lock/);
  const state = await readSyncState(pair.cloud.stateDir);
  assert.equal(state.result, 'failed');
  assert.ok(state.what_to_do);
  const last = JSON.parse(await readFile(path.join(pair.cloud.stateDir, 'sync-last.json'), 'utf8'));
  assert.equal(last.ok, false);
  assert.ok(last.action);
  const notes = async () =>
    (await readdir(path.join(pair.cloud.root, 'Updates'))).filter((n) => n.includes('vault-sync-failed'));
  assert.equal((await notes()).length, 1);
  assert.equal((await pair.cloud.sync.syncOnce()).status, 'failed');
  assert.equal((await notes()).length, 1, 'one note per distinct failure');

  const old = new Date(Date.now() - 3_600_000);
  await utimes(lock, old, old);
  const ok = await pair.cloud.sync.syncOnce();
  assert.equal(ok.status, 'ok', ok.message);
  assert.equal(await exists(lock), false);
  assert.ok((await git(pair.remote, 'ls-tree', '-r', '--name-only', 'main')).includes('Needs_Action/EMAIL_1.md'));
  assert.equal((await readSyncState(pair.cloud.stateDir)).result, 'ok');
});

test('a vault left mid-rebase (by a person or a crash) is put back and synced, never left mid-rebase', async (t) => {
  const pair = await makeGitPair();
  t.after(() => pair.cleanup());
  const { cloud, local } = pair;
  await writeFile(path.join(cloud.root, 'Plans', 'NOTE.md'), 'base\n');
  await cloud.sync.syncOnce();
  await local.sync.syncOnce();
  await writeFile(path.join(cloud.root, 'Plans', 'NOTE.md'), 'cloud\n');
  await cloud.sync.syncOnce();
  // A person on local edits the same note, commits and runs a plain `git pull --rebase`, which stops.
  await writeFile(path.join(local.root, 'Plans', 'NOTE.md'), 'local\n');
  await git(local.root, 'commit', '-qam', 'by hand');
  await git(local.root, 'fetch', '-q', 'origin');
  await assert.rejects(git(local.root, 'rebase', 'origin/main'));
  assert.ok(await exists(path.join(local.root, '.git', 'rebase-merge')));
  const result = await local.sync.syncOnce();
  assert.equal(result.status, 'ok', result.message);
  assert.equal(await exists(path.join(local.root, '.git', 'rebase-merge')), false);
  assert.equal(await exists(path.join(local.root, '.git', 'rebase-apply')), false);
  // Both versions kept: cloud's (first on the remote) in place, local's in a conflict note.
  assert.equal(await readFile(path.join(local.root, 'Plans', 'NOTE.md'), 'utf8'), 'cloud\n');
  assert.equal(result.conflicts.length, 1);
  assert.match(await readFile(path.join(local.root, result.conflicts[0] as string), 'utf8'), /local\n/);
  assert.equal((await git(local.root, 'status', '--porcelain', '--', 'Plans')).trim(), '');
});

test('one sync at a time per vault across processes: a live holder makes the second skip; a dead one is taken over', async (t) => {
  const pair = await makeGitPair();
  t.after(() => pair.cleanup());
  const lockFile = path.join(pair.cloud.root, '.git', 'ai-employee-sync.lock');
  // Another process holds the lock (a child that stays alive until killed).
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  t.after(() => child.kill());
  await writeFile(
    lockFile,
    JSON.stringify({
      pid: child.pid,
      host: (await import('node:os')).hostname(),
      at: new Date().toISOString(),
      token: 'x',
    }),
  );
  await seedEmailTask(pair.cloud.root, 7);
  const busy = await pair.cloud.sync.syncOnce();
  assert.equal(busy.status, 'busy');
  assert.match(busy.message, new RegExp(`pid ${child.pid}`));
  child.kill();
  await new Promise((resolve) => child.once('exit', resolve));
  const after = await pair.cloud.sync.syncOnce();
  assert.equal(after.status, 'ok', after.message);
  assert.equal(await exists(lockFile), false);

  // Two real processes syncing the same vault at once: both finish, the remote gets the task once.
  await seedEmailTask(pair.cloud.root, 8);
  const script = path.join(import.meta.dirname, '..', 'helpers', 'git-sync-once.ts');
  const runOnce = () =>
    new Promise<string>((resolve, reject) => {
      const p = spawn(process.execPath, ['--import', 'tsx', script, pair.cloud.root, pair.cloud.stateDir], {
        env: gitEnv(),
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      p.stdout.on('data', (d: Buffer) => (out += d.toString()));
      p.once('error', reject);
      p.once('exit', () => resolve(out.trim()));
    });
  const outcomes = await Promise.all([runOnce(), runOnce()]);
  assert.ok(
    outcomes.every((o) => o === 'ok' || o === 'busy'),
    outcomes.join(','),
  );
  assert.ok(outcomes.includes('ok'));
  const tree = await git(pair.remote, 'ls-tree', '-r', '--name-only', 'main');
  assert.ok(tree.includes('Needs_Action/EMAIL_8.md'));
  assert.equal(await exists(lockFile), false);
});

test('acquireSyncLock: a lock older than the stale limit is taken over even with a live pid', async (t) => {
  const pair = await makeGitPair();
  t.after(() => pair.cleanup());
  const file = path.join(pair.dir, 'x.lock');
  const held = await acquireSyncLock(file, { staleMs: 60_000 });
  await assert.rejects(acquireSyncLock(file, { staleMs: 60_000 }), /Another sync/);
  const later = await acquireSyncLock(file, { staleMs: 60_000, now: () => Date.now() + 120_000 });
  await held.release(); // not ours any more: left alone
  assert.equal(await exists(file), true);
  await later.release();
  assert.equal(await exists(file), false);
});
