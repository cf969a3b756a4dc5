import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { corpusSamples, encodedSecret } from '../helpers/guard-corpus.js';
import { put, tempDir } from '../helpers/guard-vault.js';
import { git, makeGitPair } from '../helpers/git-pair.js';

/**
 * Issue 12, a guard that fails closed, end to end: the secret corpus (every shape, wrapping and encoding)
 * stops the sync and none of it reaches the remote; `ai-employee guard` exits 1 naming a file it cannot
 * read or a binary it cannot scan, and why. Run `npm run -s build` first (the CLI cases use dist/).
 */
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(repo, 'dist/src/cli.js');

/** Every blob the remote holds, as bytes (a UTF-16 secret is not a UTF-8 string). */
async function remoteBlobBuffers(remote: string): Promise<Buffer[]> {
  const ids = (await git(remote, 'cat-file', '--batch-all-objects', '--batch-check=%(objectname) %(objecttype)'))
    .split('\n')
    .filter((l) => l.endsWith(' blob'))
    .map((l) => l.split(' ')[0] as string);
  const out: Buffer[] = [];
  for (const id of ids) {
    out.push(
      await new Promise<Buffer>((resolve, reject) =>
        execFile(
          'git',
          ['cat-file', 'blob', id],
          { cwd: remote, encoding: 'buffer', maxBuffer: 64 << 20 },
          (err, stdout) => (err ? reject(err) : resolve(stdout)),
        ),
      ),
    );
  }
  return out;
}

test('the secret corpus stops every sync, the alert names every file, and none of it reaches the remote', async (t) => {
  const pair = await makeGitPair();
  t.after(() => pair.cleanup());
  const samples = corpusSamples();
  for (const sample of samples) await put(pair.cloud.root, sample.path, sample.bytes);

  for (let attempt = 0; attempt < 2; attempt++) {
    const result = await pair.cloud.sync.syncOnce();
    assert.equal(result.status, 'blocked', result.message);
    assert.equal(result.pushed, false);
    for (const sample of samples) assert.equal(result.message.includes(sample.secret.slice(0, 24)), false);
  }
  // The alert (from the full scan) names every sample file.
  const updates = path.join(pair.cloud.root, 'Updates');
  const alerts = (await readdir(updates)).filter((n) => n.includes('security-guard'));
  assert.equal(alerts.length, 1, alerts.join(', '));
  const alert = await readFile(path.join(updates, alerts[0] as string), 'utf8');
  const unnamed = samples.filter((s) => !alert.includes(s.path)).map((s) => s.path);
  assert.deepEqual(unnamed, [], 'every sample is named in the alert');

  // Once the files are gone the sync runs again (carrying the alert); the remote holds no secret in any encoding.
  await rm(path.join(pair.cloud.root, 'Inbox/corpus'), { recursive: true, force: true });
  assert.equal((await pair.cloud.sync.syncOnce()).status, 'ok');
  assert.equal((await pair.local.sync.syncOnce()).status, 'ok');
  const blobs = await remoteBlobBuffers(pair.remote);
  const leaked = samples.filter((s) => blobs.some((b) => b.includes(encodedSecret(s)) || b.includes(s.secret)));
  assert.deepEqual(
    leaked.map((s) => s.path),
    [],
  );
  const names = await git(pair.remote, 'rev-list', '--objects', '--all');
  assert.deepEqual(
    names.split('\n').filter((l) => l.includes('corpus')),
    [],
  );
  t.diagnostic(`${samples.length} corpus samples blocked; ${blobs.length} blobs on the remote, none with a sample`);
});

test('a binary of an unlisted type stops the sync; an allowed image does not', async (t) => {
  const pair = await makeGitPair();
  t.after(() => pair.cleanup());
  const noise = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 151 + 7) % 256));
  await put(
    pair.cloud.root,
    'Inbox/photo.png',
    Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), noise]),
  );
  assert.equal((await pair.cloud.sync.syncOnce()).status, 'ok');
  await put(pair.cloud.root, 'Inbox/backup.zip', Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), noise]));
  const blocked = await pair.cloud.sync.syncOnce();
  assert.equal(blocked.status, 'blocked');
  assert.match(blocked.message, /Inbox\/backup\.zip: rule unscannable-binary/);
  const tree = await git(pair.remote, 'ls-tree', '-r', '--name-only', 'main');
  assert.match(tree, /Inbox\/photo\.png/);
  assert.doesNotMatch(tree, /backup\.zip/);
});

/** `ai-employee guard <dir>`, as an unprivileged user when the tests run as root (root reads any file). */
function guardCli(dir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, 'guard', dir],
      { env: { PATH: process.env['PATH'] ?? '', AI_EMPLOYEE_STATE_DIR: path.join(dir, '..', 'state') }, ...asNobody },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

test('`ai-employee guard` exits 1 naming a file it cannot read (EACCES) and a binary it cannot scan, and why', async (t) => {
  const base = await tempDir('guard-cli');
  t.after(() => rm(base, { recursive: true, force: true }));
  const dir = path.join(base, 'vault');
  await put(dir, 'Plans/ok.md', 'nothing secret\n');
  await put(dir, 'Plans/locked.md', 'nothing secret either\n');
  // The unprivileged user must be able to walk to the files and write its state.
  for (const p of [base, dir, path.join(dir, 'Plans')]) await chmod(p, 0o777);
  await chmod(path.join(dir, 'Plans/ok.md'), 0o644);
  await chmod(path.join(dir, 'Plans/locked.md'), 0o000);
  const locked = await guardCli(dir);
  assert.equal(locked.code, 1, `${locked.stdout}\n${locked.stderr}`);
  assert.match(locked.stderr, /BLOCKED Plans\/locked\.md: rule unreadable-file \(file could not be read \(EACCES\)/);
  assert.doesNotMatch(locked.stderr, /at .*\.js:\d+/, 'no stack trace');

  await chmod(path.join(dir, 'Plans/locked.md'), 0o644);
  assert.equal((await guardCli(dir)).code, 0);
  await put(
    dir,
    'Plans/dump.sqlite',
    Buffer.concat([
      Buffer.from('SQLite format 3\0', 'latin1'),
      Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 151 + 7) % 256)),
    ]),
  );
  await chmod(path.join(dir, 'Plans/dump.sqlite'), 0o644);
  const binary = await guardCli(dir);
  assert.equal(binary.code, 1);
  assert.match(
    binary.stderr,
    /BLOCKED Plans\/dump\.sqlite: rule unscannable-binary \(binary file whose content cannot be scanned/,
  );
});
