import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import {
  GUARD_RULES,
  formatGuardReport,
  guardAlertMarkdown,
  scanContent,
  scanPaths,
  type GuardReport,
} from '../../src/core/guard/index.js';
import { guardSamples, type GuardSample } from '../helpers/guard-samples.js';
import { tempDir, writeSample } from '../helpers/guard-vault.js';

const samples = guardSamples();

test('the rule table: at least 25 rules, unique kebab-case ids, both kinds, each with a sample', () => {
  assert.ok(GUARD_RULES.length >= 25, `only ${GUARD_RULES.length} rules`);
  const ids = GUARD_RULES.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length, 'duplicate rule id');
  for (const id of ids) assert.match(id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
  assert.ok(GUARD_RULES.some((r) => r.kind === 'name'));
  assert.ok(GUARD_RULES.some((r) => r.kind === 'content'));
  for (const rule of GUARD_RULES) {
    assert.ok(rule.description.length > 5, `${rule.id} needs a description`);
    if (rule.kind === 'content') assert.ok(rule.test.flags.includes('g') && rule.test.flags.includes('d'), rule.id);
  }
  const sampled = new Set(samples.map((s) => s.rule));
  const missing = ids.filter((id) => !sampled.has(id));
  assert.deepEqual(missing, [], `rules without a sample: ${missing.join(', ')}`);
});

/** Asserts no output of the guard repeats the secret, or even its first eight characters. */
function assertNotEchoed(sample: GuardSample, report: GuardReport): void {
  if (sample.secret === undefined) return;
  const outputs = [JSON.stringify(report), formatGuardReport(report), guardAlertMarkdown(report, new Date(0))];
  for (const out of outputs) {
    assert.equal(out.includes(sample.secret), false, `${sample.rule}: secret echoed`);
    assert.equal(out.includes(sample.secret.slice(0, 8)), false, `${sample.rule}: secret prefix echoed`);
  }
}

for (const sample of samples) {
  test(`blocks ${sample.path} with rule ${sample.rule}`, async () => {
    const root = await tempDir('guard-rule');
    await writeSample(root, sample);
    const report = await scanPaths(root);
    assert.equal(report.ok, false);
    const expectedPath = sample.dir ? `${sample.path}/` : sample.path;
    const hit = report.hits.find((h) => h.rule === sample.rule && h.path === expectedPath);
    assert.ok(hit, `no ${sample.rule} hit; got ${JSON.stringify(report.hits)}`);
    assert.equal(hit.kind, sample.secret === undefined ? 'name' : 'content');
    if (sample.line !== undefined) assert.equal(hit.line, sample.line);
    if (hit.kind === 'content') assert.match(hit.preview ?? '', /…\(redacted\)$/);
    assertNotEchoed(sample, report);

    // The in-memory check (staged files) agrees with the tree scan.
    const inMemory = scanContent(sample.dir ? `${sample.path}/state.json` : sample.path, sample.content);
    assert.ok(
      inMemory.some((h) => h.rule === sample.rule),
      `scanContent missed ${sample.rule}: ${JSON.stringify(inMemory)}`,
    );
  });
}

test('a redacted preview shows only the known prefix or key name', async () => {
  const root = await tempDir('guard-preview');
  const aws = samples.find((s) => s.rule === 'aws-access-key-id');
  const pw = samples.find((s) => s.rule === 'generic-secret-assignment');
  assert.ok(aws && pw);
  await writeSample(root, aws);
  await writeSample(root, pw);
  const report = await scanPaths(root);
  const previews = report.hits.map((h) => h.preview);
  assert.ok(previews.includes('AKIA…(redacted)'), JSON.stringify(previews));
  assert.ok(previews.includes('smtp_password:…(redacted)'), JSON.stringify(previews));
  const line = formatGuardReport(report)
    .split('\n')
    .find((l) => l.includes('aws-access-key-id'));
  assert.equal(
    line,
    `BLOCKED ${path.posix.join('Logs', 'x.md')}: rule aws-access-key-id (AWS access key id (AKIA/ASIA + 16)) at line 3, found AKIA…(redacted)`,
  );
});
