import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadPolicy } from '../../src/core/policy/policy.js';
import { scanVault } from '../../src/core/vault/doctor.js';
import { findNameTwins } from '../../src/core/vault/name-twins.js';
import { seedEmailTask, tempVaultDir } from '../helpers/vault.js';

/**
 * Issue 16: a vault synced from Linux can hold two files whose names differ only by case or Unicode normal form;
 * a Mac or a Windows PC holds one file for the pair. This machine's file system keeps both (it is case-sensitive
 * and does not normalise), which is exactly the Linux side that creates such a vault: doctor must report each
 * group, and change nothing.
 */
test('doctor reports names that a Mac or a Windows PC would hold as one file, and touches none of them', async () => {
  const root = await tempVaultDir('twins-');
  await seedEmailTask(root, 'A');
  await seedEmailTask(root, 'a');
  const composed = 'Caf\u00e9.md';
  const decomposed = composed.normalize('NFD');
  assert.notEqual(composed, decomposed);
  await writeFile(path.join(root, 'Done', composed), 'composed');
  await writeFile(path.join(root, 'Done', decomposed), 'decomposed');
  await mkdir(path.join(root, 'approved'));
  await writeFile(path.join(root, 'approved', 'REPLY.md'), 'a lower-case folder');
  await writeFile(path.join(root, 'Approved', 'REPLY.md'), 'the real one');
  await writeFile(path.join(root, 'Done', 'Plain.md'), 'no twin');

  const twins = await findNameTwins(root);
  assert.deepEqual(twins, [
    ['Approved/', 'approved/'],
    ['Approved/REPLY.md', 'approved/REPLY.md'],
    [`Done/${composed}`, `Done/${decomposed}`].sort(),
    ['Needs_Action/EMAIL_A.md', 'Needs_Action/EMAIL_a.md'],
  ]);

  const policies = {
    cloud: await loadPolicy('cloud', { draftOnly: true }),
    local: await loadPolicy('local', { draftOnly: false }),
  };
  const scan = await scanVault(root, policies);
  assert.deepEqual(scan.nameTwins, twins);
  assert.equal(await readFile(path.join(root, 'Done', composed), 'utf8'), 'composed', 'nothing merged');
  assert.equal(await readFile(path.join(root, 'Done', decomposed), 'utf8'), 'decomposed');
});

test('the doctor command names the twins and exits 1: they need a person', async () => {
  const root = await tempVaultDir('twins-');
  await writeFile(path.join(root, 'Done', 'NOTE.md'), 'one');
  await writeFile(path.join(root, 'Done', 'note.md'), 'two');
  const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/src/cli.js');
  const result = await new Promise<{ code: number; stdout: string }>((resolve) =>
    execFile(
      process.execPath,
      [cli, 'doctor', '--vault', root],
      { env: { PATH: process.env['PATH'] ?? '' } },
      (err, stdout) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout }),
    ),
  );
  assert.equal(result.code, 1, result.stdout);
  assert.match(result.stdout, /Name twins: 1: names that differ only by case or accent form/);
  assert.match(result.stdout, /Done\/NOTE\.md {2}≡ {2}Done\/note\.md/);
});

test('a vault without twins reports none', async () => {
  const root = await tempVaultDir('twins-');
  await seedEmailTask(root, 1);
  await seedEmailTask(root, 2);
  assert.deepEqual(await findNameTwins(root), []);
});
