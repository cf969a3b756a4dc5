import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { git, makeGitPair } from '../helpers/git-pair.js';

/**
 * Hashes depend on bytes (an approval binds the exact outgoing text; the audit chain binds each line), so git
 * must move vault files byte for byte. Git for Windows installs with `core.autocrlf=true`: without the vault's
 * own attributes it would check a cloud file out with CRLF on the owner's laptop, and commit a CRLF note of
 * his as LF, so the two machines would hold different bytes under one name (issue 16).
 */
test('a laptop with core.autocrlf=true receives and sends vault files byte for byte', async (t) => {
  const pair = await makeGitPair();
  t.after(() => pair.cleanup());
  const { cloud, local } = pair;
  await git(local.root, 'config', 'core.autocrlf', 'true');

  await cloud.vault.postUpdate({ title: 'Line endings', level: 'info', source: 'test', body: 'one\ntwo\nthree' });
  const [update] = (await readdir(path.join(cloud.root, 'Updates'))).filter((n) => n.endsWith('.md'));
  assert.ok(update);
  const sent = await readFile(path.join(cloud.root, 'Updates', update));
  assert.equal((await cloud.sync.syncOnce()).status, 'ok');
  assert.equal((await local.sync.syncOnce()).status, 'ok');
  assert.deepEqual(await readFile(path.join(local.root, 'Updates', update)), sent, 'cloud LF file arrives as LF');

  // A note written on Windows, CRLF, in a folder local syncs to cloud.
  const crlf = Buffer.from('---\r\ntype: note\r\n---\r\nWritten on Windows.\r\n');
  await writeFile(path.join(local.root, 'Done', 'NOTE_windows.md'), crlf);
  assert.equal((await local.sync.syncOnce()).status, 'ok');
  assert.equal((await cloud.sync.syncOnce()).status, 'ok');
  assert.deepEqual(await readFile(path.join(cloud.root, 'Done', 'NOTE_windows.md')), crlf, 'CRLF arrives as CRLF');
  assert.deepEqual(await readFile(path.join(local.root, 'Done', 'NOTE_windows.md')), crlf, 'and stays CRLF at home');
});
