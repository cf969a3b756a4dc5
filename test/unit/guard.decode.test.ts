import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { test } from 'node:test';
import { formatGuardReport, scanPaths, type GuardReport } from '../../src/core/guard/index.js';
import { encodeText, type CorpusEncoding } from '../helpers/guard-corpus.js';
import { guardSamples } from '../helpers/guard-samples.js';
import { put, tempDir } from '../helpers/guard-vault.js';

// Issue 12, "a guard that fails closed": what it can decode it scans; what it cannot, blocks.

const aws = guardSamples().find((s) => s.rule === 'aws-access-key-id' && s.secret !== undefined);
assert.ok(aws?.secret);
const secret = aws.secret;
const note = aws.content;

const rulesAt = (report: GuardReport, rel: string) => report.hits.filter((h) => h.path === rel).map((h) => h.rule);

async function scanOne(rel: string, bytes: Buffer, options: { chunkBytes?: number } = {}): Promise<GuardReport> {
  const root = await tempDir('guard-decode');
  await put(root, rel, bytes);
  try {
    return await scanPaths(root, options);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

for (const encoding of ['utf8-nul', 'utf16le-bom', 'utf16be-bom', 'utf16le', 'utf16be', 'utf32le-bom'] as const) {
  test(`a secret in a ${encoding} file is found (once skipped as "binary")`, async () => {
    const report = await scanOne('Inbox/export.txt', encodeText(note, encoding));
    assert.deepEqual(rulesAt(report, 'Inbox/export.txt'), ['aws-access-key-id'], JSON.stringify(report));
    const hit = report.hits[0];
    assert.equal(hit?.line, 3, 'lines count in the decoded text');
    assert.equal(JSON.stringify(report).includes(secret), false);
  });
}

test('UTF-8 with a NUL inside the secret itself is still caught (NULs are also scanned stripped)', async () => {
  const split = note.replace(secret, `${secret.slice(0, 6)}\0${secret.slice(6)}`);
  const report = await scanOne('Inbox/tty.log', Buffer.from(split, 'utf8'));
  assert.deepEqual(rulesAt(report, 'Inbox/tty.log'), ['aws-access-key-id']);
});

test('a secret beyond the old 2 MiB limit is found: large files are scanned in chunks, not skipped', async () => {
  const report = await scanOne('Logs/huge.md', encodeText(note, 'large'));
  assert.deepEqual(rulesAt(report, 'Logs/huge.md'), ['aws-access-key-id']);
  assert.deepEqual(report.skipped, []);
  assert.equal(report.scanned, 1);
  // Line numbers keep counting across chunks.
  assert.ok((report.hits[0]?.line ?? 0) > 30_000, `line ${report.hits[0]?.line}`);
});

test('a secret across a read-chunk boundary is found, in every encoding, with small chunks too', async () => {
  const report = await scanOne('Logs/edge.md', encodeText(note, 'chunk-edge', secret));
  assert.deepEqual(rulesAt(report, 'Logs/edge.md'), ['aws-access-key-id']);
  const encodings: CorpusEncoding[] = ['utf8', 'utf8-nul', 'utf16le-bom', 'utf16be', 'utf32le-bom'];
  for (const encoding of encodings) {
    for (const offset of [0, 1, 7, 13, 50]) {
      // A 4 KiB chunk and the secret placed `offset` bytes before a boundary.
      const filler = 'ordinary text line\n'.repeat(400);
      const bytes = encodeText(`${filler.slice(0, 4096 - offset)}\n${note}${filler}`, encoding);
      const got = await scanOne('Logs/small-chunks.txt', bytes, { chunkBytes: 4096 });
      assert.deepEqual(rulesAt(got, 'Logs/small-chunks.txt'), ['aws-access-key-id'], `${encoding} at ${offset}`);
    }
  }
});

test('one hit per line even where two chunks overlap', async () => {
  const text = `${'x\n'.repeat(3000)}${note}${'y\n'.repeat(3000)}`;
  const report = await scanOne('Logs/overlap.md', Buffer.from(text), { chunkBytes: 4096 });
  assert.equal(report.hits.length, 1, JSON.stringify(report.hits));
  assert.equal(report.hits[0]?.line, 3003);
});

test('a binary file of an unlisted type blocks the sync, naming the file and why', async () => {
  const zip = Buffer.concat([
    Buffer.from('PK\x03\x04', 'latin1'),
    Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 151 + 7) % 256)),
  ]);
  for (const rel of ['Inbox/archive.zip', 'Inbox/data.sqlite', 'Inbox/no-extension']) {
    const report = await scanOne(rel, zip);
    assert.equal(report.ok, false, rel);
    assert.deepEqual(rulesAt(report, rel), ['unscannable-binary']);
    assert.equal(report.hits[0]?.kind, 'unscannable');
    assert.match(
      formatGuardReport(report),
      new RegExp(`BLOCKED ${rel.replace('.', '\\.')}: rule unscannable-binary \\(.*cannot be scanned`),
    );
  }
});

test('allowed binary types (images, PDF) with a matching signature get the name rules only', async () => {
  const body = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 151 + 7) % 256));
  const cases: Array<[string, Buffer]> = [
    ['Inbox/scan.pdf', Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')],
    ['Inbox/photo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])],
    ['Inbox/photo.JPG', Buffer.from([0xff, 0xd8, 0xff, 0xe1])],
    ['Inbox/photo.jpeg', Buffer.from([0xff, 0xd8, 0xff, 0xe0])],
    ['Inbox/anim.gif', Buffer.from('GIF89a', 'latin1')],
    ['Inbox/pic.webp', Buffer.concat([Buffer.from('RIFF'), Buffer.from([1, 2, 3, 4]), Buffer.from('WEBP')])],
  ];
  for (const [rel, head] of cases) {
    const report = await scanOne(rel, Buffer.concat([head, body]));
    assert.equal(report.ok, true, `${rel}: ${JSON.stringify(report.hits)}`);
    assert.deepEqual(
      report.skipped.map((x) => [x.path, x.reason]),
      [[rel, 'binary']],
    );
    assert.match(formatGuardReport(report), /SKIPPED .*: binary file of an allowed type/);
  }
  // A name rule still applies to them.
  const named = await scanOne('Inbox/bank_token.png', Buffer.concat([cases[1]?.[1] ?? Buffer.alloc(0), body]));
  assert.deepEqual(rulesAt(named, 'Inbox/bank_token.png'), ['banking-token-file']);
});

test('a binary file renamed to an allowed extension (no matching signature) still blocks', async () => {
  const zip = Buffer.concat([
    Buffer.from('PK\x03\x04', 'latin1'),
    Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 151 + 7) % 256)),
  ]);
  const report = await scanOne('Inbox/holiday.jpg', zip);
  assert.deepEqual(rulesAt(report, 'Inbox/holiday.jpg'), ['unscannable-binary']);
});

test('an allowed type holding plain text is scanned as text, not waved through', async () => {
  const report = await scanOne('Inbox/not-really.pdf', Buffer.from(note));
  assert.deepEqual(rulesAt(report, 'Inbox/not-really.pdf'), ['aws-access-key-id']);
});

test('text in Windows-1252 (no NUL, not UTF-8) is scanned as text', async () => {
  const text = `Rechnung über 120,00 \x80\r\n${note.replace(/\n/g, '\r\n')}`;
  const report = await scanOne('Accounting/export.csv', Buffer.from(text, 'latin1'));
  assert.deepEqual(rulesAt(report, 'Accounting/export.csv'), ['aws-access-key-id']);
  const clean = await scanOne(
    'Accounting/clean.csv',
    Buffer.from('Datum;Betrag\r\n01.02.2026;120,00 \x80\r\n', 'latin1'),
  );
  assert.deepEqual(clean.hits, []);
  assert.deepEqual(clean.skipped, []);
});

test('empty files and files of only NULs are fine; a UTF-16 file without BOM but non-Latin text too', async () => {
  assert.deepEqual((await scanOne('Inbox/empty.md', Buffer.alloc(0))).hits, []);
  assert.deepEqual((await scanOne('Inbox/zeros.dat', Buffer.alloc(5000))).hits, []);
  const cjk = Buffer.from('請求書の件、ありがとうございます。\n'.repeat(20), 'utf16le');
  const report = await scanOne('Inbox/cjk.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), cjk]));
  assert.deepEqual(report.hits, []);
});
