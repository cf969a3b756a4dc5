import assert from 'node:assert/strict';
import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { AuditLog, GENESIS_PREV, auditLockPath, lineHash } from '../../src/core/vault/audit.js';
import { verifyAuditLogs, verifyChain, verifyLogFile } from '../../src/core/vault/audit-verify.js';
import { openTestVault, seedEmailTask, tempVaultDir } from '../helpers/vault.js';

/** The audit log's hash chain (DESIGN §6, issue 10): each line's `prev` is the SHA-256 of the line before it. */

const DAY = '2026-11-26';
const NOW = new Date(`${DAY}T10:00:00.000Z`);

async function logsDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'audit-chain-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A log of `n` chained lines written by the real AuditLog; returns the file and its lines. */
async function chainOf(t: TestContext, n: number): Promise<{ dir: string; file: string; log: AuditLog }> {
  const dir = await logsDir(t);
  const log = new AuditLog(dir, { role: 'local', process: 'test' }, () => NOW);
  for (let i = 1; i <= n; i++) await log.record({ action_type: 'test.step', target: `step ${i}`, result: 'ok' });
  return { dir, file: log.fileFor(NOW), log };
}

const linesOf = async (file: string) => (await readFile(file, 'utf8')).split('\n').slice(0, -1);
const rewrite = (file: string, lines: string[]) => writeFile(file, lines.map((l) => `${l}\n`).join(''));
const verify = async (file: string) => verifyLogFile(file);

describe('audit log hash chain', () => {
  it('each line names the hash of the line before it; the first names 64 zeros', async (t) => {
    const { file } = await chainOf(t, 4);
    const lines = await linesOf(file);
    assert.equal(lines.length, 4);
    const prevs = lines.map((l) => (JSON.parse(l) as { prev: string }).prev);
    assert.equal(prevs[0], GENESIS_PREV);
    for (let i = 1; i < 4; i++) assert.equal(prevs[i], lineHash(lines[i - 1] as string));
    assert.deepEqual(await verify(file), { file: `Logs/${DAY}.local.jsonl`, lines: 4, legacy: 0, ok: true });
  });

  it('the Vault writes chained lines for its own operations, and the verifier holds them intact', async (t) => {
    const root = await tempVaultDir('audit-vault-');
    t.after(() => rm(root, { recursive: true, force: true }));
    const vault = await openTestVault(root, 'cloud', { clock: () => NOW });
    await seedEmailTask(root, 1);
    const claimed = await vault.claim({ path: 'Needs_Action/EMAIL_1.md' });
    await vault.complete(claimed.path, 'replied');
    const report = await verifyAuditLogs(root);
    assert.equal(report.ok, true);
    assert.deepEqual(
      report.files.map((f) => [f.file, f.lines, f.legacy]),
      [[`Logs/${DAY}.cloud.jsonl`, 2, 0]],
    );
    assert.deepEqual(await readdir(path.join(root, 'Logs')), ['.gitkeep', `${DAY}.cloud.jsonl`], 'no lock left');
  });

  it('an edited line breaks the link after it', async (t) => {
    const { file } = await chainOf(t, 6);
    const lines = await linesOf(file);
    lines[2] = (lines[2] as string).replace('step 3', 'step 3 (edited)');
    await rewrite(file, lines);
    const r = await verify(file);
    assert.equal(r.ok, false);
    assert.deepEqual([r.broken?.line, r.broken?.reason, r.lines], [4, 'prev_mismatch', 6]);
    assert.match(r.broken?.message ?? '', /does not match line 3/);
  });

  it('a deleted line is found where the gap is', async (t) => {
    const { file } = await chainOf(t, 6);
    const lines = await linesOf(file);
    lines.splice(2, 1); // line 3 goes
    await rewrite(file, lines);
    assert.deepEqual([(await verify(file)).broken?.line, (await verify(file)).broken?.reason], [3, 'prev_mismatch']);
  });

  it('a deleted first line leaves a chain that does not start at zeros', async (t) => {
    const { file } = await chainOf(t, 3);
    await rewrite(file, (await linesOf(file)).slice(1));
    const r = await verify(file);
    assert.deepEqual([r.broken?.line, r.broken?.reason], [1, 'prev_mismatch']);
    assert.match(r.broken?.message ?? '', /not the start of a chain/);
  });

  it('reordered lines are found at the first moved line', async (t) => {
    const { file } = await chainOf(t, 6);
    const lines = await linesOf(file);
    [lines[3], lines[4]] = [lines[4] as string, lines[3] as string]; // lines 4 and 5 swap
    await rewrite(file, lines);
    assert.deepEqual([(await verify(file)).broken?.line, (await verify(file)).broken?.reason], [4, 'prev_mismatch']);
  });

  it('a file truncated inside a line is cut short at that line', async (t) => {
    const { file } = await chainOf(t, 5);
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.slice(0, text.length - 20));
    const r = await verify(file);
    assert.deepEqual([r.broken?.line, r.broken?.reason, r.lines], [5, 'truncated', 5]);
  });

  it('a line that is not JSON, and a line without prev after chained lines, are named', async (t) => {
    const { file } = await chainOf(t, 4);
    const lines = await linesOf(file);
    await rewrite(file, [...lines.slice(0, 2), 'not json at all', ...lines.slice(2)]);
    assert.deepEqual([(await verify(file)).broken?.line, (await verify(file)).broken?.reason], [3, 'bad_json']);
    await rewrite(file, [...lines.slice(0, 2), JSON.stringify({ action_type: 'sneaked.in' }), ...lines.slice(2)]);
    assert.deepEqual([(await verify(file)).broken?.line, (await verify(file)).broken?.reason], [3, 'missing_prev']);
  });

  it('lines written before chaining are legacy: reported, not broken; the chain continues from the last one', async (t) => {
    const dir = await logsDir(t);
    const file = path.join(dir, `${DAY}.local.jsonl`);
    const legacy = [1, 2, 3].map((i) => JSON.stringify({ timestamp: NOW.toISOString(), action_type: `old.${i}` }));
    await rewrite(file, legacy);
    const log = new AuditLog(dir, { role: 'local', process: 'test' }, () => NOW);
    await log.record({ action_type: 'new.1', result: 'ok' });
    await log.record({ action_type: 'new.2', result: 'ok' });
    const lines = await linesOf(file);
    assert.equal((JSON.parse(lines[3] as string) as { prev: string }).prev, lineHash(legacy[2] as string));
    assert.deepEqual(await verify(file), { file: `Logs/${DAY}.local.jsonl`, lines: 5, legacy: 3, ok: true });
    // The last legacy line is what the chain starts from: changing it shows.
    lines[2] = (lines[2] as string).replace('old.3', 'old.3x');
    await rewrite(file, lines);
    assert.deepEqual([(await verify(file)).broken?.line, (await verify(file)).legacy], [4, 3]);
  });

  it('after a torn write, the next line starts on its own line and names the torn one', async (t) => {
    const { file, log } = await chainOf(t, 2);
    await appendFile(file, '{"timestamp":"2026-11-26T10:00:00.000Z","action_ty'); // a crash mid-write
    await log.record({ action_type: 'after.crash', result: 'ok' });
    const lines = await linesOf(file);
    assert.equal(lines.length, 4);
    assert.equal((JSON.parse(lines[3] as string) as { prev: string }).prev, lineHash(lines[2] as string));
    assert.deepEqual([(await verify(file)).broken?.line, (await verify(file)).broken?.reason], [3, 'bad_json']);
  });

  it('finds the previous line beyond the first tail read (lines longer than 4 KiB)', async (t) => {
    const { file, log } = await chainOf(t, 1);
    await log.record({ action_type: 'big', parameters: { body: 'x'.repeat(300_000) }, result: 'ok' });
    await log.record({ action_type: 'after.big', result: 'ok' });
    await log.record({ action_type: 'after.big.2', result: 'ok' });
    assert.deepEqual(await verify(file), { file: `Logs/${DAY}.local.jsonl`, lines: 4, legacy: 0, ok: true });
  });

  it('appends from one process at once, through two AuditLog objects, form one chain', async (t) => {
    const dir = await logsDir(t);
    const a = new AuditLog(dir, { role: 'cloud', process: 'a' }, () => NOW);
    const b = new AuditLog(dir, { role: 'cloud', process: 'b' }, () => NOW);
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        (i % 2 ? a : b).record({ action_type: 'burst', target: String(i), result: 'ok' }),
      ),
    );
    assert.deepEqual(await verify(a.fileFor(NOW)), {
      file: `Logs/${DAY}.cloud.jsonl`,
      lines: 200,
      legacy: 0,
      ok: true,
    });
  });

  it('waits for a lock another writer holds, and breaks one left by a dead writer', async (t) => {
    const dir = await logsDir(t);
    const log = new AuditLog(dir, { role: 'local', process: 'test' }, () => NOW, { staleMs: 150, waitMs: 5_000 });
    const lock = auditLockPath(log.fileFor(NOW));
    assert.ok(path.basename(lock).startsWith('.tmp-'), 'the lock is a temp name the sync never commits');
    assert.ok(!lock.endsWith('.jsonl'), 'and no reader of logs lists it');

    // A held lock: the append waits until the holder lets go.
    await writeFile(lock, '');
    let done = false;
    const waiting = log.record({ action_type: 'waits', result: 'ok' }).then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(done, false, 'no append while the lock is held');
    await rm(lock);
    await waiting;

    // A lock nobody releases: after staleMs unchanged, it is broken. Its mtime in the past or the future does
    // not matter (the file system's clock and the process clock may disagree).
    await writeFile(lock, '');
    await utimes(lock, new Date(Date.now() + 86_400_000), new Date(Date.now() + 86_400_000));
    const t0 = performance.now();
    await log.record({ action_type: 'breaks.stale', result: 'ok' });
    assert.ok(performance.now() - t0 >= 140, 'waited about staleMs before breaking');
    assert.deepEqual(await readdir(dir), [`${DAY}.local.jsonl`], 'no lock and no set-aside lock left');
    assert.equal((await verify(log.fileFor(NOW))).lines, 2);
    assert.equal((await verify(log.fileFor(NOW))).ok, true);
  });

  it('gives up with a timeout error when a lock stays held for longer than the wait', async (t) => {
    const dir = await logsDir(t);
    const log = new AuditLog(dir, { role: 'local', process: 'test' }, () => NOW, { staleMs: 10_000, waitMs: 100 });
    await writeFile(auditLockPath(log.fileFor(NOW)), '');
    await assert.rejects(log.record({ action_type: 'x', result: 'ok' }), { code: 'timeout', message: /stayed locked/ });
  });

  it('a log name that is a symbolic link is reported, never followed', async (t) => {
    const dir = await logsDir(t);
    await mkdir(path.join(dir, 'Logs'));
    await writeFile(path.join(dir, 'elsewhere.jsonl'), `${JSON.stringify({ prev: GENESIS_PREV })}\n`);
    await symlink(path.join(dir, 'elsewhere.jsonl'), path.join(dir, 'Logs', `${DAY}.cloud.jsonl`));
    const report = await verifyAuditLogs(dir);
    assert.equal(report.ok, false);
    assert.deepEqual(report.broken, [
      {
        file: `Logs/${DAY}.cloud.jsonl`,
        line: 0,
        reason: 'not_a_file',
        message: 'not a regular file (a symbolic link or a folder)',
      },
    ]);
    const log = new AuditLog(path.join(dir, 'Logs'), { role: 'cloud', process: 'test' }, () => NOW);
    await assert.rejects(log.record({ action_type: 'x', result: 'ok' }), { code: 'ELOOP' });
  });

  it('verifies only the days asked for, both roles, and ignores other names', async (t) => {
    const root = await logsDir(t);
    const dir = path.join(root, 'Logs');
    for (const day of ['2026-11-24', '2026-11-25', DAY])
      for (const role of ['cloud', 'local'] as const) {
        const log = new AuditLog(dir, { role, process: 'test' }, () => new Date(`${day}T08:00:00.000Z`));
        await log.record({ action_type: 'x', result: 'ok' });
      }
    await writeFile(path.join(dir, 'notes.md'), 'not a log');
    await writeFile(path.join(dir, '.tmp-audit-x.jsonl'), 'half');
    const recent = await verifyAuditLogs(root, { days: [DAY, '2026-11-25'] });
    assert.deepEqual(
      recent.files.map((f) => f.file),
      [
        'Logs/2026-11-25.cloud.jsonl',
        'Logs/2026-11-25.local.jsonl',
        `Logs/${DAY}.cloud.jsonl`,
        `Logs/${DAY}.local.jsonl`,
      ],
    );
    assert.equal((await verifyAuditLogs(root)).files.length, 6);
    assert.deepEqual(await verifyAuditLogs(path.join(root, 'no-such-vault')), {
      ok: true,
      files: [],
      lines: 0,
      legacy: 0,
      broken: [],
    });
  });

  it('verifyChain works on bytes: an empty file is intact, raw bytes are hashed as written', () => {
    assert.deepEqual(verifyChain(Buffer.alloc(0), 'Logs/x.jsonl'), {
      file: 'Logs/x.jsonl',
      lines: 0,
      legacy: 0,
      ok: true,
    });
    // A line with bytes that are not valid UTF-8 inside a string: hashing the decoded text would differ.
    const first = Buffer.concat([
      Buffer.from(`{"prev":"${GENESIS_PREV}","x":"`),
      Buffer.from([0xff]),
      Buffer.from('"}'),
    ]);
    const second = Buffer.from(`{"prev":"${lineHash(first)}"}`);
    const data = Buffer.concat([first, Buffer.from('\n'), second, Buffer.from('\n')]);
    assert.equal(verifyChain(data, 'Logs/x.jsonl').ok, true);
  });
});
