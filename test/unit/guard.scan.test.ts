import assert from 'node:assert/strict';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { isAppError } from '../../src/core/errors.js';
import {
  DEFAULT_CHUNK_BYTES,
  POLICY_NAME_RULE_ID,
  compileGlob,
  formatGuardReport,
  guardAlertMarkdown,
  scanContent,
  scanPaths,
} from '../../src/core/guard/index.js';
import { guardSamples } from '../helpers/guard-samples.js';
import { put, tempDir, writeCleanVault } from '../helpers/guard-vault.js';

const sample = (rule: string) => {
  const found = guardSamples().find((s) => s.rule === rule && s.secret !== undefined);
  assert.ok(found, rule);
  return found;
};
const aws = sample('aws-access-key-id');

test('the glob matcher: * and ? on a whole name, case-insensitive, regexp characters literal', () => {
  assert.equal(compileGlob('*banking*').matches('Q3-Banking-export.csv'), true);
  assert.equal(compileGlob('*banking*').matches('invoices.csv'), false);
  assert.equal(compileGlob('.whatsapp_session').matches('.whatsapp_session'), true);
  assert.equal(compileGlob('.whatsapp_session').matches('xwhatsapp_session'), false);
  assert.equal(compileGlob('secret?.txt').matches('secret1.txt'), true);
  assert.equal(compileGlob('secret?.txt').matches('secret12.txt'), false);
  assert.equal(compileGlob('*.bak').matches('notes.bak.md'), false);
  assert.equal(compileGlob('a+b(1).txt').matches('a+b(1).txt'), true);
  assert.equal(compileGlob('*_session/').matches('chrome_session'), true);
});

test('extra blocked names from the policy block files and folders at any depth', async () => {
  const root = await tempDir('guard-policy');
  await put(root, 'Inbox/Q3-Banking-export.csv', 'date,amount\n');
  await put(root, 'Needs_Action/local/.whatsapp_session/creds.json', '{}');
  await put(root, 'Inbox/card_payment_token_backup.txt', 'x');
  await put(root, 'Inbox/invoice.md', 'nothing');
  const without = await scanPaths(root);
  assert.equal(
    without.hits.some((h) => h.rule === POLICY_NAME_RULE_ID),
    false,
  );
  const report = await scanPaths(root, { extraBlockedNames: ['.whatsapp_session', '*banking*', '*payment_token*'] });
  const policyHits = report.hits.filter((h) => h.rule === POLICY_NAME_RULE_ID).map((h) => h.path);
  assert.deepEqual(policyHits, [
    'Inbox/Q3-Banking-export.csv',
    'Inbox/card_payment_token_backup.txt',
    'Needs_Action/local/.whatsapp_session/',
  ]);
  assert.match(report.hits.find((h) => h.path === 'Inbox/Q3-Banking-export.csv')?.description ?? '', /"\*banking\*"/);
  // The same globs apply to listed files and in-memory checks, on every folder of the path.
  assert.deepEqual(
    scanContent('Inbox/Q3-banking/statement.md', 'ok', { extraBlockedNames: ['*banking*'] }).map((h) => h.rule),
    [POLICY_NAME_RULE_ID],
  );
});

test('large files are scanned in full; a binary of an unlisted type is a hit, not a skip (issue 12)', async () => {
  const root = await tempDir('guard-skip');
  await put(root, 'Inbox/big.md', `${'x'.repeat(5000)}\n${aws.content}`);
  const noise = Buffer.from(Array.from({ length: 400 }, (_, i) => (i * 151 + 7) % 256));
  await put(root, 'Inbox/blob.bin', Buffer.concat([Buffer.from(aws.content), noise]));
  await put(root, 'Inbox/small.md', 'hello');
  const report = await scanPaths(root, { chunkBytes: 1024 });
  assert.deepEqual(
    report.hits.map((h) => [h.path, h.rule, h.kind]),
    [
      ['Inbox/big.md', 'aws-access-key-id', 'content'],
      ['Inbox/blob.bin', 'unscannable-binary', 'unscannable'],
    ],
  );
  assert.equal(report.ok, false);
  assert.equal(report.scanned, 2);
  assert.deepEqual(report.skipped, []);
  assert.match(
    formatGuardReport(report),
    /BLOCKED Inbox\/blob\.bin: rule unscannable-binary \(binary file whose content cannot be scanned/,
  );
});

test('the old 2 MiB limit is gone: a secret past it is found; the read chunk is 1 MiB', async () => {
  assert.equal(DEFAULT_CHUNK_BYTES, 1024 * 1024);
  const root = await tempDir('guard-2mib');
  {
    await put(root, 'at-limit.md', `${aws.content}${'y'.repeat(2 * 1024 * 1024 - aws.content.length)}`);
    await put(root, 'over-limit.md', `${'y'.repeat(2 * 1024 * 1024 + 1)}\n${aws.content}`);
  }
  const report = await scanPaths(root);
  assert.deepEqual(
    report.hits.map((h) => h.path),
    ['at-limit.md', 'over-limit.md'],
  );
  assert.deepEqual(report.skipped, []);
  await rm(root, { recursive: true, force: true });
});

test('.git and node_modules are never scanned, in a walk or a file list', async () => {
  const root = await tempDir('guard-git');
  await put(root, '.git/config', aws.content);
  await put(root, '.git/objects/ab/cdef', aws.content);
  await put(root, '.git/.env', 'x');
  await put(root, 'node_modules/pkg/.env', 'x');
  await put(root, 'Done/ok.md', 'done');
  const report = await scanPaths(root);
  assert.deepEqual(report.hits, []);
  assert.equal(report.scanned, 1);
  const listed = await scanPaths(root, { files: ['.git/config', 'node_modules/pkg/.env', 'Done/ok.md'] });
  assert.deepEqual(listed.hits, []);
  assert.equal(listed.scanned, 1);
});

test('a file list scans only those files; missing ones are skipped; paths outside the root are refused', async () => {
  const root = await tempDir('guard-files');
  await put(root, 'Logs/x.md', aws.content);
  await put(root, 'Plans/other.md', sample('github-token').content);
  await put(root, 'Inbox/chrome_session/Cookies', 'x');
  const report = await scanPaths(root, {
    files: ['Logs/x.md', path.join(root, 'Logs/x.md'), './Inbox/chrome_session/Cookies', 'Done/gone.md'],
  });
  assert.deepEqual(
    report.hits.map((h) => [h.path, h.rule]),
    [
      ['Inbox/chrome_session/Cookies', 'session-store'],
      ['Logs/x.md', 'aws-access-key-id'],
    ],
  );
  assert.deepEqual(report.skipped, [{ path: 'Done/gone.md', reason: 'missing' }]);
  assert.equal(report.scanned, 1);
  await assert.rejects(scanPaths(root, { files: ['../elsewhere/.env'] }), (err) => {
    assert.ok(isAppError(err));
    assert.equal(err.code, 'invalid_input');
    return true;
  });
  // A listed folder is walked; "." means the whole tree.
  const folder = await scanPaths(root, { files: ['Plans'] });
  assert.deepEqual(
    folder.hits.map((h) => h.rule),
    ['github-token'],
  );
  assert.equal((await scanPaths(root, { files: ['.'] })).hits.length, 3);
});

test('a missing root is a not_found error with a way out', async () => {
  const root = await tempDir('guard-missing');
  await assert.rejects(scanPaths(path.join(root, 'nope')), (err) => {
    assert.ok(isAppError(err));
    assert.equal(err.code, 'not_found');
    assert.match(err.message, /VAULT_PATH/);
    return true;
  });
});

test('symbolic links are checked by name but never followed', async () => {
  const root = await tempDir('guard-link');
  const outside = await tempDir('guard-link-target');
  await writeFile(path.join(outside, 'secret.txt'), aws.content);
  await mkdir(path.join(root, 'Inbox'));
  await symlink(path.join(outside, 'secret.txt'), path.join(root, 'Inbox/notes.md'));
  await symlink(path.join(outside, 'secret.txt'), path.join(root, 'Inbox/.env'));
  const report = await scanPaths(root);
  assert.deepEqual(
    report.hits.map((h) => [h.path, h.rule]),
    [['Inbox/.env', 'env-file']],
  );
  assert.deepEqual(report.skipped, [{ path: 'Inbox/notes.md', reason: 'symlink' }]);
});

test('a blocked folder is reported once, not once per file inside it', async () => {
  const root = await tempDir('guard-folder');
  for (let i = 0; i < 5; i++) await put(root, `.whatsapp_session/Default/f${i}`, 'x');
  const report = await scanPaths(root);
  assert.deepEqual(
    report.hits.map((h) => [h.path, h.rule]),
    [['.whatsapp_session/', 'session-store']],
  );
});

test('format and alert: file, rule and line; the alert says what to do', async () => {
  const root = await tempDir('guard-format');
  await put(root, 'Logs/x.md', aws.content);
  await put(root, 'credentials.json', '{}');
  const report = await scanPaths(root);
  const text = formatGuardReport(report).split('\n');
  assert.deepEqual(text, [
    'BLOCKED Logs/x.md: rule aws-access-key-id (AWS access key id (AKIA/ASIA + 16)) at line 3, found AKIA…(redacted)',
    'BLOCKED credentials.json: rule credentials-file (credentials file (credentials.json, *_credentials.json, an AWS "credentials" file))',
    'guard: 2 hit(s) in 2 file(s) (1 file(s) scanned, 0 skipped); remove each file or move its secret out of the vault, then re-run `ai-employee guard`',
  ]);
  const alert = guardAlertMarkdown(report, new Date('2026-01-05T09:00:00Z'));
  assert.match(alert, /^# Security guard: sync blocked/);
  assert.match(alert, /2026-01-05T09:00:00\.000Z/);
  assert.match(alert, /- `Logs\/x\.md`\n {2}- rule `aws-access-key-id`: .*, line 3/);
  assert.match(alert, /- `credentials\.json`\n {2}- rule `credentials-file`/);
  assert.match(alert, /move the secret out of it into the environment/);
  assert.match(alert, /Re-run `ai-employee guard`/);
  assert.equal(alert.includes('redacted'), false, 'the alert carries no preview');

  const clean = { ok: true, hits: [], scanned: 3, skipped: [] };
  assert.match(formatGuardReport(clean), /^guard: OK, no secrets found \(3 file\(s\) scanned, 0 skipped\)$/);
  assert.match(guardAlertMarkdown(clean, new Date(0)), /^# Security guard: all clear/);
});

test('20,000 small markdown files are all scanned (the time is measured by bench/guard.bench.ts)', async (t) => {
  const root = await tempDir('guard-speed');
  // Why: 20,000 files per run would pile up in the temp folder.
  t.after(() => rm(root, { recursive: true, force: true }));
  await writeCleanVault(root);
  const body = (i: number) =>
    `---\nid: gmail:${i.toString(16).padStart(16, '0')}\ntype: email\nstatus: new\ncreated: 2026-01-05T08:00:00Z\n---\n\n` +
    `Hello, this is message ${i}. Please send the invoice for order ${i * 7}. Thanks, Jane.\n`.repeat(4);
  const writes: Promise<void>[] = [];
  for (let d = 0; d < 100; d++) {
    await mkdir(path.join(root, 'Done', `batch-${d}`), { recursive: true });
    for (let i = 0; i < 200; i++) {
      const n = d * 200 + i;
      writes.push(writeFile(path.join(root, 'Done', `batch-${d}`, `EMAIL_${n}.md`), body(n)));
    }
    if (writes.length >= 2000) await Promise.all(writes.splice(0));
  }
  await Promise.all(writes);
  const start = performance.now();
  const report = await scanPaths(root);
  const ms = performance.now() - start;
  t.diagnostic(`scanned ${report.scanned} files in ${ms.toFixed(0)} ms`);
  assert.equal(report.ok, true);
  assert.ok(report.scanned >= 20_000);
  // Why no time bound: tests assert behaviour; the speed target (≤ 1.5× git grep) is the bench's job.
});
