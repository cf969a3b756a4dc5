import assert from 'node:assert/strict';
import { readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { guardAlertMarkdown, scanContent, scanPaths } from '../../src/core/guard/index.js';
import { loadPolicy } from '../../src/core/policy/policy.js';
import { businessNotes } from '../helpers/guard-notes.js';
import { fake, guardSamples } from '../helpers/guard-samples.js';
import { put, tempDir, writeCleanVault, writeSample } from '../helpers/guard-vault.js';

test('a realistic vault with no secrets raises nothing, also under both shipped policies', async () => {
  const root = await tempDir('guard-clean');
  await writeCleanVault(root);
  const report = await scanPaths(root);
  assert.deepEqual(report.hits, [], JSON.stringify(report.hits, null, 2));
  assert.equal(report.ok, true);
  assert.deepEqual(report.skipped, []);
  assert.ok(report.scanned >= 25, `scanned ${report.scanned}`);
  for (const role of ['cloud', 'local'] as const) {
    const policy = await loadPolicy(role, { draftOnly: true });
    const withPolicy = await scanPaths(root, { extraBlockedNames: policy.guardBlockedNames });
    assert.deepEqual(withPolicy.hits, [], `${role}: ${JSON.stringify(withPolicy.hits)}`);
  }
});

test('each clean vault file also passes the in-memory check', async () => {
  const root = await tempDir('guard-clean-mem');
  await writeCleanVault(root);
  const files = (await readdir(root, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  for (const entry of files) {
    const abs = path.join(entry.parentPath, entry.name);
    const rel = path.relative(root, abs).split(path.sep).join('/');
    assert.deepEqual(scanContent(rel, await readFile(abs, 'utf8')), [], rel);
  }
});

test('.env.example and friends are allowed by name but still scanned for content', async () => {
  const root = await tempDir('guard-env-template');
  for (const name of ['.env.example', '.env.sample', '.env.template', '.env.dist']) {
    await put(
      root,
      name,
      'ODOO_API_KEY=\nSMTP_PASSWORD=changeme\nDATABASE_URL=postgres://user:password@localhost/db\n',
    );
  }
  assert.deepEqual((await scanPaths(root)).hits, []);
  const odoo = guardSamples().find((s) => s.rule === 'odoo-api-key');
  assert.ok(odoo);
  await put(root, '.env.example', odoo.content);
  const report = await scanPaths(root);
  assert.deepEqual(
    report.hits.map((h) => [h.path, h.rule, h.kind]),
    [['.env.example', 'odoo-api-key', 'content']],
  );
});

test('near misses stay quiet: public keys, short values, placeholders, prose', () => {
  const quiet = [
    ['Inbox/id_rsa.pub', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 owner@laptop'],
    ['Plans/a.md', 'password: hunter2'],
    ['Plans/b.md', 'api_key: "${API_KEY}"'],
    ['Plans/c.md', 'ODOO_API_KEY=your_api_key_here_please'],
    ['Plans/d.md', 'The token.json file and the .env file stay outside the vault.'],
    ['Plans/e.md', 'A JWT looks like eyJhbGciOi... (three parts).'],
    ['Plans/f.md', 'See https://hooks.slack.com/services/ for webhook docs.'],
    ['Plans/g.md', 'secret: ODOO_ADMIN_PASSWORD_SECRET_NAME'],
    ['Plans/h.md', 'redis://localhost:6379/0 and postgres://db/odoo'],
    ['Plans/i.md', '//registry.npmjs.org/:_authToken=${NPM_TOKEN}'],
    ['Plans/j.md', 'The AWS docs use AKIA followed by sixteen characters.'],
    ['Plans/k.ts', "MCP_AUTH_TOKEN: z.string().min(16, 'MCP_AUTH_TOKEN must be at least 16 characters'),"],
    ['Plans/l.ts', 'authToken: e.MCP_AUTH_TOKEN,\nodooApiKey: process.env.ODOO_API_KEY_VALUE;'],
    ['Plans/m.json', '{"env": "ODOO_API_KEY=\\nSMTP_PASSWORD=changeme\\n"}'],
  ] as const;
  for (const [rel, text] of quiet) assert.deepEqual(scanContent(rel, text), [], rel);
});

test('a random value that holds a dot is still a secret, not code', () => {
  const value = fake(40, 10) + '.' + fake(41, 14);
  assert.deepEqual(
    scanContent('Plans/n.md', `db_password: ${value}`).map((h) => h.rule),
    ['generic-secret-assignment'],
  );
});

test("the guard's own sources and tests hold no secret shape", async () => {
  const repo = path.resolve(import.meta.dirname, '../..');
  const mine = async (dir: string) =>
    (await readdir(path.join(repo, dir))).filter((f) => f.startsWith('guard')).map((f) => `${dir}/${f}`);
  const files = ['src/core/guard', ...(await mine('test/unit')), ...(await mine('test/helpers'))];
  const report = await scanPaths(repo, { files });
  assert.deepEqual(report.hits, []);
  assert.ok(report.scanned >= 15, `scanned ${report.scanned}`);
});

test('the alert written for a failed scan passes the guard itself', async () => {
  const root = await tempDir('guard-alert-self');
  for (const sample of guardSamples()) await writeSample(root, sample);
  const report = await scanPaths(root);
  assert.equal(report.ok, false);
  const alert = guardAlertMarkdown(report, new Date('2026-01-05T09:00:00Z'));
  assert.deepEqual(scanContent('Needs_Action/local/ALERT_guard.md', alert), []);
});

test('200+ ordinary business notes (invoices, mail, meetings, bank exports, templates; several encodings) raise nothing', async (t) => {
  const root = await tempDir('guard-notes');
  t.after(() => rm(root, { recursive: true, force: true }));
  const notes = businessNotes();
  assert.ok(notes.filter((n) => !n.kind.startsWith('attachment')).length >= 200);
  for (const note of notes) await put(root, note.path, note.bytes);
  const report = await scanPaths(root);
  assert.deepEqual(
    report.hits.map((h) => `${h.path}: ${h.rule} line ${h.line ?? '-'}`),
    [],
  );
  // The attachments are allowed binary types: checked by name only, reported as skipped; everything else is read.
  assert.deepEqual(
    report.skipped.map((s) => s.reason),
    notes.filter((n) => n.kind.startsWith('attachment')).map(() => 'binary'),
  );
  assert.equal(report.scanned, notes.length - report.skipped.length);
});
