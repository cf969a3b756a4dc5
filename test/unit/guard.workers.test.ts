import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { CONTENT_RULES, scanPaths } from '../../src/core/guard/index.js';
import { keywordsIn } from '../../src/core/guard/content.js';
import { ScanPool, sharedScanPool } from '../../src/core/guard/worker-pool.js';
import { corpusSamples } from '../helpers/guard-corpus.js';
import { businessNotes } from '../helpers/guard-notes.js';
import { guardSamples } from '../helpers/guard-samples.js';
import { put, tempDir, writeSample } from '../helpers/guard-vault.js';

// Issue 12's speed work: a large scan reads and scans file content on worker threads, and the keyword
// pre-filter and the rules' gates skip work. None of that may change a report.

const aws = guardSamples().find((s) => s.rule === 'aws-access-key-id' && s.secret !== undefined);
assert.ok(aws);

/** A vault with every kind of outcome: secrets by name and content in every encoding, notes, binaries. */
async function mixedVault(root: string): Promise<void> {
  for (const sample of guardSamples()) await writeSample(root, sample);
  for (const sample of corpusSamples()) await put(root, `Corpus/${sample.path}`, sample.bytes);
  for (const note of businessNotes(300, 7)) await put(root, `Notes/${note.path}`, note.bytes);
  // Streamed in chunks (chunkBytes below), with the secret far past the first one.
  await put(root, 'Logs/big.log', `${'log line without secrets\n'.repeat(2000)}${aws?.content ?? ''}`);
  const noise = Buffer.from(Array.from({ length: 400 }, (_, i) => (i * 151 + 7) % 256));
  await put(root, 'Inbox/blob.bin', noise);
  await mkdir(path.join(root, 'Links'), { recursive: true });
  await symlink(path.join(root, 'Logs/big.log'), path.join(root, 'Links/big.md'));
}

test('a scan on worker threads reports exactly what an in-process scan reports', async (t) => {
  const root = await tempDir('guard-workers');
  t.after(() => rm(root, { recursive: true, force: true }));
  await mixedVault(root);
  const options = { chunkBytes: 4096, extraBlockedNames: ['*banking*'] };
  const inProcess = await scanPaths(root, { ...options, workers: 'never' });
  const onWorkers = await scanPaths(root, { ...options, workers: 'always' });
  assert.ok(inProcess.hits.length > 150, `only ${inProcess.hits.length} hits`);
  assert.ok(inProcess.hits.some((h) => h.path === 'Logs/big.log' && h.line === 2003));
  assert.ok(inProcess.hits.some((h) => h.rule === 'unscannable-binary'));
  assert.ok(inProcess.skipped.some((s) => s.reason === 'binary'));
  assert.ok(inProcess.skipped.some((s) => s.reason === 'symlink'));
  assert.deepEqual(onWorkers, inProcess);
  // A listed scan (the sync's staged files) goes the same way.
  const files = ['Logs/big.log', 'Inbox/blob.bin', 'Notes', 'Corpus'];
  assert.deepEqual(
    await scanPaths(root, { files, workers: 'always' }),
    await scanPaths(root, { files, workers: 'never' }),
  );
});

/** Runs one batch on a pool of one worker; rejects if the worker could not load or scan. */
async function scanOnWorker(pool: ScanPool, root: string) {
  try {
    return await pool.run(root, ['Logs/x.md', 'Logs/clean.md', 'Logs/gone.md'], 1024 * 1024);
  } finally {
    await pool.close();
  }
}

test('the worker loads from source under tsx (tests, benches) and from the build (dist/)', async (t) => {
  const root = await tempDir('guard-worker-load');
  t.after(() => rm(root, { recursive: true, force: true }));
  await put(root, 'Logs/x.md', aws.content);
  await put(root, 'Logs/clean.md', 'nothing to see\n');
  const expected = {
    hits: [{ path: 'Logs/x.md', rule: 'aws-access-key-id', line: 3 }],
    skipped: [{ path: 'Logs/gone.md', reason: 'missing' }],
    scanned: 2,
  };
  const fromSource = await scanOnWorker(new ScanPool(1), root);
  assert.deepEqual(
    { ...fromSource, hits: fromSource.hits.map((h) => ({ path: h.path, rule: h.rule, line: h.line })) },
    expected,
  );
  const built = path.resolve('dist/src/core/guard/worker-pool.js');
  assert.ok(existsSync(built), `no ${built}: run \`npm run build\` first (npm test does)`);
  const { ScanPool: BuiltPool } = (await import(pathToFileURL(built).href)) as { ScanPool: typeof ScanPool };
  const fromBuild = await scanOnWorker(new BuiltPool(1), root);
  assert.deepEqual(fromBuild, fromSource);
});

test('a pool whose worker died rejects its batches (the scan then scans them itself) and is replaced', async (t) => {
  const root = await tempDir('guard-worker-dead');
  t.after(() => rm(root, { recursive: true, force: true }));
  await put(root, 'Logs/x.md', aws.content);
  const pool = sharedScanPool(1);
  // What crashed threads look like to the pool: they exit. (An earlier scan may have started the pool.)
  const { slots } = pool as unknown as { slots: { worker: Worker }[] };
  // Why the interval: the pool's idle threads are unref'd, and with nothing else pending this process
  // would exit while waiting for them to end.
  const keepAlive = setInterval(() => {}, 1000);
  try {
    await Promise.all(slots.map((s) => s.worker.terminate()));
  } finally {
    clearInterval(keepAlive);
  }
  assert.equal(pool.alive, false);
  await assert.rejects(pool.run(root, ['Logs/x.md'], 1024 * 1024), /no guard worker is running/);
  assert.notEqual(sharedScanPool(1), pool);
  const report = await scanPaths(root, { workers: 'always' });
  assert.deepEqual(
    report.hits.map((h) => h.rule),
    ['aws-access-key-id'],
  );
});

test('the keyword pre-filter finds exactly the keywords a lower-cased text contains', () => {
  const keywords = [...new Set(CONTENT_RULES.flatMap((r) => r.keywords))];
  const texts = [
    ...guardSamples().map((s) => s.content),
    ...businessNotes(200, 3).map((n) => n.bytes.toString('latin1')),
    ...keywords.map((k) => k),
    ...keywords.map((k) => `x${k}`),
    keywords.join(''),
    keywords.join(' '),
    '',
    'ke',
    'sk-ant',
    'sk-ant-',
    'ODOO_API_KEY=',
  ];
  for (const text of texts) {
    const lower = text.toLowerCase();
    const expected = keywords.filter((k) => lower.includes(k)).sort();
    assert.deepEqual([...(keywordsIn(lower) ?? [])].sort(), expected, JSON.stringify(text.slice(0, 80)));
  }
});

test('a gated rule still reports the right line, wherever in a note its match sits', async () => {
  const gated = CONTENT_RULES.filter((r) => r.gate !== undefined);
  assert.ok(gated.length >= 2);
  const samples = guardSamples().filter((s) => gated.some((r) => r.id === s.rule) && s.line !== undefined);
  assert.ok(samples.length >= gated.length);
  const note = 'The token: see the vault.\nPassword policy: 12 characters.\napi key rotation is monthly\n';
  const { scanContent } = await import('../../src/core/guard/index.js');
  for (const sample of samples) {
    const rule = gated.find((r) => r.id === sample.rule);
    // The gate is a part of every match: it must match wherever the rule does.
    assert.ok(rule?.gate?.test(sample.content), `${sample.rule}: gate misses its own sample`);
    for (const before of [0, 1, 5]) {
      const text = `${note.repeat(before)}${sample.content}${note}${sample.content}`;
      const hits = scanContent('Logs/note.md', text).filter((h) => h.rule === sample.rule);
      const first = before * 3 + (sample.line ?? 0);
      const second = first + sample.content.split('\n').length - 1 + 3;
      assert.deepEqual(
        hits.map((h) => h.line),
        [first, second],
        `${sample.rule} after ${before} notes`,
      );
    }
  }
});

test('a scan on workers leaves nothing running: a CLI run exits as soon as it is done', async (t) => {
  const root = await tempDir('guard-worker-exit');
  t.after(() => rm(root, { recursive: true, force: true }));
  await writeFile(path.join(root, 'a.md'), aws.content);
  const built = pathToFileURL(path.resolve('dist/src/core/guard/index.js')).href;
  // Why the unref'd timer: idle threads that kept the process alive would end only after POOL_IDLE_MS (20 s);
  // a process still there half-way through that says the pool held it.
  const script = `
    const { scanPaths } = await import(${JSON.stringify(built)});
    const report = await scanPaths(${JSON.stringify(root)}, { workers: 'always' });
    console.log(JSON.stringify(report.hits.map((h) => h.rule)));
    setTimeout(() => { console.log('still running'); process.exit(3); }, 10_000).unref();
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(out.trim(), '["aws-access-key-id"]');
  assert.equal(code, 0);
});
