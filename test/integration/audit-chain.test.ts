import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AuditLog } from '../../src/core/vault/audit.js';
import { verifyLogFile, type AuditVerifyReport } from '../../src/core/vault/audit-verify.js';
import { tempVaultDir } from '../helpers/vault.js';

/**
 * The audit log's chain across real processes, and `ai-employee audit verify` as the built CLI (issue 10).
 * Needs `npm run build` (npm test runs it).
 */

const APPENDER = fileURLToPath(new URL('../helpers/audit-appender.ts', import.meta.url));

/** Runs the built CLI without AGENT_ROLE; never rejects, so that the exit code can be checked. */
function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn' };
  delete env['AGENT_ROLE'];
  return new Promise((resolve) => {
    execFile(process.execPath, ['dist/src/cli.js', ...args], { env, timeout: 20_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('audit log chain across processes', () => {
  it('several processes appending to one file at once leave one intact chain', async (t) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'audit-procs-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const PROCS = 4;
    const EACH = 250;
    const children = Array.from({ length: PROCS }, (_, i) =>
      spawn(process.execPath, ['--import', 'tsx', APPENDER, dir, 'cloud', `p${i}`, String(EACH)], {
        stdio: ['pipe', 'pipe', 'inherit'],
      }),
    );
    t.after(() => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));
    const outputs = children.map((c) => createInterface({ input: c.stdout })[Symbol.asyncIterator]());
    for (const o of outputs) assert.equal((await o.next()).value, 'ready');
    for (const c of children) c.stdin.write('go\n'); // all start together
    for (const o of outputs) assert.match(String((await o.next()).value), /^done \d+$/);

    const logs = (await readdir(dir)).filter((n) => !n.startsWith('.'));
    assert.equal(logs.length, 1, 'one file (unless the test ran across midnight UTC)');
    assert.deepEqual(await readdir(dir).then((n) => n.filter((x) => x.startsWith('.'))), [], 'no lock left');
    const file = path.join(dir, logs[0] as string);
    const result = await verifyLogFile(file);
    assert.deepEqual(
      { ok: result.ok, lines: result.lines, broken: result.broken },
      {
        ok: true,
        lines: PROCS * EACH,
        broken: undefined,
      },
    );
    // Every process's lines are all there, in its own order, and they did interleave.
    const targets = (await readFile(file, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as { target: string }).target);
    for (let p = 0; p < PROCS; p++)
      assert.deepEqual(
        targets.filter((x) => x.startsWith(`p${p}/`)),
        Array.from({ length: EACH }, (_, i) => `p${p}/${i}`),
      );
    assert.ok(
      targets.some((x, i) => i > 0 && x.split('/')[0] !== (targets[i - 1] as string).split('/')[0]),
      'the writers ran at the same time',
    );
  });
});

describe('ai-employee audit verify', () => {
  const DAY = '2026-11-26';
  const NOW = new Date(`${DAY}T09:00:00.000Z`);

  async function vaultWithLogs(): Promise<string> {
    const root = await tempVaultDir('audit-cli-');
    for (const role of ['cloud', 'local'] as const) {
      const log = new AuditLog(path.join(root, 'Logs'), { role, process: 'test' }, () => NOW);
      for (let i = 1; i <= 4; i++) await log.record({ action_type: 'step', target: String(i), result: 'ok' });
    }
    return root;
  }

  it('exits 0 and says the chains are intact, without AGENT_ROLE', async (t) => {
    const root = await vaultWithLogs();
    t.after(() => rm(root, { recursive: true, force: true }));
    const ok = await cli(['audit', 'verify', '--vault', root]);
    assert.deepEqual([ok.code, ok.stderr], [0, '']);
    assert.equal(ok.stdout, 'audit log: 2 files, 8 lines, chains intact\n');

    const json = await cli(['audit', 'verify', '--json', '--vault', root]);
    assert.equal(json.code, 0);
    const report = JSON.parse(json.stdout) as AuditVerifyReport;
    assert.deepEqual(
      [report.ok, report.files.map((f) => [f.file, f.lines, f.ok])],
      [
        true,
        [
          [`Logs/${DAY}.cloud.jsonl`, 4, true],
          [`Logs/${DAY}.local.jsonl`, 4, true],
        ],
      ],
    );
  });

  it('exits 1 and names the first broken link of each broken file, with no stack trace', async (t) => {
    const root = await vaultWithLogs();
    t.after(() => rm(root, { recursive: true, force: true }));
    const file = path.join(root, 'Logs', `${DAY}.local.jsonl`);
    const lines = (await readFile(file, 'utf8')).split('\n');
    lines[1] = (lines[1] as string).replace('"target":"2"', '"target":"20"');
    await writeFile(file, lines.join('\n'));

    const bad = await cli(['audit', 'verify', '--vault', root]);
    assert.equal(bad.code, 1);
    assert.equal(bad.stdout, '');
    assert.deepEqual(bad.stderr.trimEnd().split('\n'), [
      `Logs/${DAY}.local.jsonl line 3: line 3's prev does not match line 2 (line 2 was edited, or lines were removed or reordered)`,
      'audit log: 1 of 2 files broken',
    ]);

    const json = await cli(['audit', 'verify', '--json', '--vault', root]);
    assert.equal(json.code, 1);
    assert.deepEqual((JSON.parse(json.stdout) as AuditVerifyReport).broken, [
      {
        file: `Logs/${DAY}.local.jsonl`,
        line: 3,
        reason: 'prev_mismatch',
        message: "line 3's prev does not match line 2 (line 2 was edited, or lines were removed or reordered)",
      },
    ]);
  });

  it('a folder that is not a vault is one line and exit 1', async (t) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'audit-cli-none-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    for (const target of [dir, path.join(dir, 'missing')]) {
      const r = await cli(['audit', 'verify', '--vault', target]);
      assert.equal(r.code, 1);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^ai-employee: .*(not an initialised vault|does not exist)/);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
  });
});
