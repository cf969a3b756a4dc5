import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { startGmailStandin, type GmailStandin } from '../../src/sandbox/gmail/server.js';
import { watchCensus } from '../helpers/watch-vault.js';
import { tempVaultDir } from '../helpers/vault.js';

/**
 * A backlog of 10,000 mails in the Gmail stand-in, ingested by one real `ai-employee watch gmail --once`
 * process (the built CLI, the real Gmail client library, paging 100 at a time): exactly 10,000 task files with
 * 10,000 distinct ids; a second run, forced into a full resync (stale cursor → all 10,000 listed and fetched
 * again), skips every one and adds none. Memory stays flat: a probe preloaded into the watcher process records
 * its live heap after a forced GC once a second, with the number of files written so far; the live heap may
 * grow only by the bounded seen-id list (≈ 0.4 KB a message), so a leak of a few KB per message fails the test;
 * the process's peak RSS (VmHWM, sampled from /proc) stays under 200 MB.
 *
 * No time limit: this is a correctness test, and a busy machine only makes it slower. A watcher is killed only
 * when it stalls (no request reaches the stand-in and no task file appears for STALL_MS); the test's own
 * timeout is a last-resort guard against a hang. How fast the backlog goes is measured by
 * bench/watchers.bench.ts (npm run bench:watchers); the times here are diagnostics only.
 */
const CLI = path.resolve('dist/src/cli.js');
const N = 10_000;
/** A watcher that makes no progress for this long is stuck, not slow: it is killed and the test fails. */
const STALL_MS = 60_000;

/** Preloaded with --import into the watcher: one JSON line a second (and at exit) with its memory after a GC. */
const PROBE = `
import { appendFileSync, readdirSync } from 'node:fs';
const out = process.env.WATCH_PROBE_FILE;
const queue = process.env.VAULT_PATH + '/Needs_Action';
const sample = () => {
  globalThis.gc();
  const m = process.memoryUsage();
  let files = 0;
  try { files = readdirSync(queue).filter((n) => n.startsWith('EMAIL_')).length; } catch {}
  appendFileSync(out, JSON.stringify({ t: Date.now(), files, heapMb: m.heapUsed / 1048576, rssMb: m.rss / 1048576 }) + '\\n');
};
setInterval(sample, 1000).unref();
process.on('exit', sample);
`;

interface Sample {
  t: number;
  files: number;
  heapMb: number;
  rssMb: number;
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** The highest VmHWM read from /proc while it ran (KB → MB). */
  peakRssMb: number;
  /** Set when the stall detector killed it: what it had done, and for how long nothing more happened. */
  stalled?: string;
}

async function procStatusKb(pid: number, field: 'VmHWM' | 'VmRSS'): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return m?.[1] ? Number(m[1]) : undefined;
  } catch {
    return undefined; // already gone
  }
}

/**
 * Runs `watch gmail --once` to its end. `progress` describes what the run has done so far (requests served,
 * files written); while it keeps changing the run may take as long as it needs, and it is killed only once it
 * has not changed for STALL_MS.
 */
function runWatcher(env: NodeJS.ProcessEnv, progress: () => Promise<string>, nodeArgs: string[] = []): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [...nodeArgs, CLI, 'watch', 'gmail', '--once'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-4000)));
    let peakKb = 0;
    const poll = setInterval(() => {
      void procStatusKb(child.pid!, 'VmHWM').then((kb) => {
        if (kb !== undefined) peakKb = Math.max(peakKb, kb);
      });
    }, 100);
    let last = '';
    let lastChange = Date.now();
    let stalled: string | undefined;
    let checking = false;
    const watchdog = setInterval(() => {
      if (checking) return;
      checking = true;
      void progress()
        .then((now) => {
          if (now !== last) {
            last = now;
            lastChange = Date.now();
          } else if (Date.now() - lastChange >= STALL_MS && stalled === undefined) {
            stalled = `no progress for ${Math.round((Date.now() - lastChange) / 1000)} s (stuck at ${now})`;
            child.kill('SIGKILL');
          }
        })
        .finally(() => (checking = false));
    }, 2_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(poll);
      clearInterval(watchdog);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started, peakRssMb: peakKb / 1024, stalled });
    });
  });
}

/** Why a run did not end well, for the assertion message: a stall, a signal or the exit code, and its stderr. */
const failure = (r: Run) =>
  `${r.stalled ? `killed as stalled: ${r.stalled}` : `exit ${r.code ?? r.signal}`} after ${r.ms} ms\n${r.stderr}`;

const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
const round = (x: number) => Math.round(x * 10) / 10;

test(
  `a backlog of ${N} Gmail messages becomes ${N} task files, exactly once, with flat memory`,
  // Only a guard against a hang that the stall detector cannot see; a slow run is not a failure.
  { timeout: 30 * 60_000 },
  async (t) => {
    assert.ok(existsSync(CLI), 'dist/src/cli.js exists (npm test builds first; else run npm run -s build)');
    const s: GmailStandin = await startGmailStandin();
    const root = await tempVaultDir('watch-backlog-');
    const work = await mkdtemp(path.join(os.tmpdir(), 'watch-backlog-state-'));
    const stateDir = path.join(work, 'state');
    try {
      const expected = new Set<string>();
      for (let i = 0; i < N; i += 1) expected.add(`gmail:${s.addMessage().id}`);
      const probeFile = path.join(work, 'probe.mjs');
      const samplesFile = path.join(work, 'samples.jsonl');
      await writeFile(probeFile, PROBE);
      const env: NodeJS.ProcessEnv = {
        PATH: process.env['PATH'],
        HOME: work,
        AGENT_ROLE: 'cloud',
        VAULT_PATH: root,
        AI_EMPLOYEE_STATE_DIR: stateDir,
        LOG_LEVEL: 'warn',
        GMAIL_API_URL: `${s.url}/`,
        GMAIL_TOKEN_URL: s.tokenUrl,
        GMAIL_CLIENT_ID: s.credentials.clientId,
        GMAIL_CLIENT_SECRET: s.credentials.clientSecret,
        GMAIL_REFRESH_TOKEN: s.credentials.refreshToken,
        GMAIL_QUERY: 'in:inbox',
        WATCH_PROBE_FILE: samplesFile,
      };
      const gets = () => s.received.filter((r) => /\/messages\/[0-9a-f]+$/.test(r.path)).length;
      const lists = () => s.received.filter((r) => r.path.endsWith('/messages') && r.method === 'GET').length;
      // Progress: requests that reached the stand-in (in this process) and task files written.
      const progress = async () => {
        const files = (await readdir(path.join(root, 'Needs_Action')).catch(() => [])).length;
        return `${s.received.length} requests, ${files} files in Needs_Action/`;
      };

      // 1. The backlog, in one process, with the memory probe.
      const first = await runWatcher(env, progress, ['--expose-gc', '--import', probeFile]);
      assert.equal(first.code, 0, `first run failed: ${failure(first)}`);
      assert.deepEqual(lastJson(first.stdout), { status: 'ok', written: N, skipped: 0 });
      assert.equal(lists(), N / 100, 'the full sync pages 100 at a time');
      assert.equal(gets(), N, 'each message fetched once');

      const queued = (await readdir(path.join(root, 'Needs_Action'))).filter((n) => n.startsWith('EMAIL_'));
      assert.equal(queued.length, N, `${N} task files in Needs_Action/`);
      const census = await watchCensus(root, 'EMAIL_');
      assert.equal(census.size, N, `${N} distinct task ids`);
      assert.deepEqual(
        [...census].filter(([, paths]) => paths.length !== 1),
        [],
        'no id in two files',
      );
      assert.deepEqual(
        [...expected].filter((id) => !census.has(id)),
        [],
        'every message has its task',
      );

      // Memory: live heap (after a forced GC) from the first sample with ≥ 1,000 files to the end.
      const samples = (await readFile(samplesFile, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Sample);
      const base = samples.find((x) => x.files >= 1000);
      const end = samples[samples.length - 1];
      assert.ok(base && end && end.files === N, `probe samples cover the ingest (${samples.length} samples)`);
      const growthMb = Math.max(...samples.filter((x) => x.t >= base.t).map((x) => x.heapMb)) - base.heapMb;
      const perMessageKb = (growthMb * 1024) / (N - base.files);
      t.diagnostic(
        `first run: ${first.ms} ms for ${N} messages; peak RSS (VmHWM) ${round(first.peakRssMb)} MB; live heap ` +
          `${round(base.heapMb)} MB at ${base.files} files → max ${round(base.heapMb + growthMb)} MB at ${N} ` +
          `(+${round(growthMb)} MB, ${perMessageKb.toFixed(2)} KB/message); RSS after GC at the end ${round(end.rssMb)} MB`,
      );
      assert.ok(first.peakRssMb > 0, 'VmHWM was read from /proc');
      assert.ok(first.peakRssMb < 200, `peak RSS ${round(first.peakRssMb)} MB < 200 MB`);
      assert.ok(
        growthMb < 12,
        `live heap grew ${round(growthMb)} MB over ${N - base.files} messages (${perMessageKb.toFixed(2)} KB each): not flat`,
      );

      // 2. Again, the hardest way: a stale cursor forces a full resync, so all 10,000 are listed and fetched
      // again (an incremental poll from the saved cursor would not even see them); every one is skipped.
      s.expireHistory();
      const second = await runWatcher(env, progress);
      assert.equal(second.code, 0, `second run failed: ${failure(second)}`);
      assert.deepEqual(lastJson(second.stdout), { status: 'ok', written: 0, skipped: N });
      assert.equal(gets(), 2 * N, 'the resync fetched every message again');
      t.diagnostic(`second run (full resync, ${N} skipped): ${second.ms} ms`);

      const after = (await readdir(path.join(root, 'Needs_Action'))).filter((n) => n.startsWith('EMAIL_'));
      assert.equal(after.length, N, `still ${N} task files`);
      assert.equal((await watchCensus(root, 'EMAIL_')).size, N, `still ${N} distinct ids`);
    } finally {
      await s.close();
      await rm(root, { recursive: true, force: true });
      await rm(work, { recursive: true, force: true });
    }
  },
);
