import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { test } from 'node:test';
import { formatGuardReport, guardAlertMarkdown, scanPaths } from '../../src/core/guard/index.js';
import { CORPUS_ENCODINGS, corpusSamples, corpusSecrets } from '../helpers/guard-corpus.js';
import { put, tempDir } from '../helpers/guard-vault.js';

// Issue 12: at least 100 secrets in the shapes, wrappings and encodings the issue names; each one blocked.

test('the corpus: at least 100 samples, every shape the issue names, every encoding', () => {
  const samples = corpusSamples();
  assert.ok(samples.length >= 100, `only ${samples.length} samples`);
  assert.equal(new Set(samples.map((s) => s.path)).size, samples.length, 'unique paths');
  const kinds = new Set(corpusSecrets().map((s) => s.kind.split('-').slice(0, 2).join('-')));
  for (const k of [
    'x-bearer',
    'access-token',
    'meta-page',
    'instagram-token',
    'base64-pem',
    'google-refresh',
    'odoo-env',
    'anthropic-env',
    'openai-proj',
  ])
    assert.ok(kinds.has(k), `no ${k} secret`);
  for (const encoding of CORPUS_ENCODINGS)
    assert.ok(samples.filter((s) => s.encoding === encoding).length >= 5, `few ${encoding} samples`);
});

test('every corpus sample is blocked, by one of its expected rules, and no output repeats a secret', async (t) => {
  const root = await tempDir('guard-corpus');
  t.after(() => rm(root, { recursive: true, force: true }));
  const samples = corpusSamples();
  for (const sample of samples) await put(root, sample.path, sample.bytes);
  const report = await scanPaths(root);
  const missed: string[] = [];
  for (const sample of samples) {
    const rules = report.hits.filter((h) => h.path === sample.path).map((h) => h.rule);
    if (!rules.some((r) => sample.rules.includes(r))) missed.push(`${sample.path}: got [${rules.join(', ')}]`);
  }
  assert.deepEqual(missed, [], `${missed.length} of ${samples.length} not blocked as expected`);
  assert.equal(report.scanned, samples.length);
  assert.deepEqual(report.skipped, []);
  const outputs = [JSON.stringify(report), formatGuardReport(report), guardAlertMarkdown(report, new Date(0))];
  for (const sample of samples)
    for (const out of outputs) assert.equal(out.includes(sample.secret.slice(0, 24)), false, `${sample.kind} echoed`);
  t.diagnostic(`${samples.length} samples, ${report.hits.length} hits`);
});
