import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { silentLogger } from '../../src/core/log.js';
import { parseTaskText } from '../../src/core/vault/frontmatter.js';
import { validateTask } from '../../src/core/vault/schemas.js';
import type { Vault } from '../../src/core/vault/vault.js';
import { WatcherRunner, type RunnerOptions, type WatchStep } from '../../src/daemons/watchers/runner.js';
import { stateFile } from '../../src/daemons/watchers/state.js';
import { readDaemons } from '../../src/daemons/status/heartbeats.js';
import { judge } from '../../src/daemons/status/verdict.js';
import { WATCH_DRIVERS, type WatchHandle } from '../helpers/watch-drivers.js';
import { censusProblems, watchCensus } from '../helpers/watch-vault.js';
import { openTestVault, tempVaultDir } from '../helpers/vault.js';

/**
 * The one contract every watcher passes, run against each with its stand-in and the real client library:
 * new items become exactly one task each, across polls, restarts and a crash at every step (also when the task
 * was claimed or filed into Done/ under a timestamped name before the restart); a 429 is honoured until its
 * reset (an injected clock; no sleeping); a 500 backs off with jitter and recovers; a refused credential
 * pauses the watcher with exactly one alert, and so does a missing permission, naming it; without credentials
 * the command says so in one line, exit 78.
 */
const CLI = path.resolve('src/cli.ts');

/** A status report with nothing in it but what a test adds (the verdict reads only these fields). */
const emptyReport = () => ({
  generated_at: '',
  vault: '',
  state_dir: '',
  role: 'cloud' as const,
  draft_only: true,
  folders: {},
  pending_approvals: [],
  daemons: [],
  pm2: { reachable: false, home: '' },
  sync: null,
  guard: null,
  odoo: null,
  audit: { days: [], files: 0, lines: 0, legacy_lines: 0, ok: true, broken: [] },
});

for (const driver of WATCH_DRIVERS) {
  describe(`watcher contract: ${driver.name}`, () => {
    let root: string;
    let stateDir: string;
    let vault: Vault;
    let h: WatchHandle;
    let now: Date;
    const expected: string[] = [];
    const clock = () => now;

    const runner = (extra: Partial<RunnerOptions> = {}) =>
      new WatcherRunner({
        source: h.source(vault.ctx, clock),
        vault,
        stateDir,
        logger: silentLogger(),
        credentials: h.credentials,
        clock,
        random: () => 0.5,
        backoff: { baseMs: 60_000, maxMs: 600_000 },
        authPauseMs: 3_600_000,
        ...extra,
      });
    const add = async (n: number, time?: Date) => {
      const ids = await h.add(n, time);
      expected.push(...ids);
      return ids;
    };
    const assertExactlyOnce = async () => {
      const problems = censusProblems(await watchCensus(root, driver.prefix), expected);
      assert.deepEqual(problems, { twice: [], missing: [], extra: [] });
    };
    /** Throws at the `nth` time the runner reaches `step`: a crash right there (the runner object is then dropped). */
    const crashAt = (step: WatchStep, nth: number) => {
      let count = 0;
      return (point: WatchStep) => {
        if (point === step && ++count === nth) throw new Error(`simulated crash at ${step}`);
      };
    };

    beforeEach(async () => {
      root = await tempVaultDir(`watch-${driver.name}-`);
      stateDir = await mkdtemp(path.join(os.tmpdir(), `watch-state-${driver.name}-`));
      vault = await openTestVault(root, 'cloud', { clock: () => now });
      now = new Date('2026-11-26T12:00:00Z');
      expected.length = 0;
      h = await driver.start(root);
    });
    afterEach(async () => {
      await h.close();
      await rm(root, { recursive: true, force: true });
      await rm(stateDir, { recursive: true, force: true });
    });

    it('new items become exactly one valid task each; another poll and a restart add none twice', async () => {
      await add(3);
      const first = await runner().tick();
      assert.equal(first.status, 'ok');
      assert.equal(first.status === 'ok' && first.written, 3);
      const names = (await readdir(path.join(root, 'Needs_Action'))).filter((n) => n.startsWith(driver.prefix));
      assert.equal(names.length, 3);
      for (const name of names) {
        const task = parseTaskText(await readFile(path.join(root, 'Needs_Action', name), 'utf8'));
        validateTask(task.data);
        assert.equal(task.data['status'], 'new');
        assert.match(task.body, /^# /m, 'a body a human can read');
      }
      const same = runner();
      assert.equal(((await same.tick()) as { written: number }).written, 0, 'another poll writes nothing');
      assert.equal(((await runner().tick()) as { written: number }).written, 0, 'a restart writes nothing again');
      await add(2);
      assert.equal(((await runner().tick()) as { written: number }).written, 2);
      await assertExactlyOnce();
      const beat = JSON.parse(
        await readFile(path.join(stateDir, 'heartbeats', `cloud-${driver.name}-watcher.json`), 'utf8'),
      ) as { ok: boolean; at: string };
      assert.equal(beat.ok, true);
      assert.equal(beat.at, now.toISOString(), 'a heartbeat on every poll');
    });

    it('items at equal timestamps are each taken once, also when more arrive at the same time later', async () => {
      const t = new Date('2026-11-26T09:30:00Z');
      await add(2, t);
      await runner().tick();
      await add(2, t);
      await runner().tick();
      await runner().tick();
      await assertExactlyOnce();
    });

    for (const step of ['before-write', 'after-write', 'before-state', 'after-state'] as const) {
      it(`a crash at ${step}, the task then claimed or filed in Done/ (renamed), then a restart: exactly once`, async () => {
        await add(4);
        // The 2nd write (mid-batch), or the 1st state save (after the first batch's writes).
        await assert.rejects(
          runner({ faults: crashAt(step, step.endsWith('write') ? 2 : 1) }).tick(),
          /simulated crash/,
        );
        // Before the restart the cloud worker claims one task and files another into Done/ under a new name.
        const queued = (await readdir(path.join(root, 'Needs_Action')))
          .filter((n) => n.startsWith(driver.prefix))
          .sort();
        if (queued[0]) await vault.claim({ path: `Needs_Action/${queued[0]}` });
        if (queued[1]) {
          const claimed = await vault.claim({ path: `Needs_Action/${queued[1]}` });
          await writeFile(path.join(root, 'Done', queued[1]), 'a placeholder that forces a timestamped name\n');
          const done = await vault.complete(claimed.path, 'done');
          assert.match(done.path, /\.\d{4}-.*\.md$/, 'filed under a timestamped name');
          await rm(path.join(root, 'Done', queued[1]));
        }
        await add(1);
        const after = await runner().tick();
        assert.equal(after.status, 'ok');
        await assertExactlyOnce();
        // Even with the state file lost, the vault check alone keeps every task single.
        await rm(stateFile(stateDir, driver.name), { force: true });
        await runner().tick();
        await assertExactlyOnce();
      });
    }

    if (!driver.provider) return;

    it('429: waits until the reset time, across a restart, without asking again; then recovers', async () => {
      await runner().tick();
      await add(2);
      const reset = new Date(now.getTime() + 10 * 60_000);
      h.rateLimit(reset, now);
      const limited = await runner().tick();
      assert.equal(limited.status, 'rate_limited');
      assert.ok(
        limited.status === 'rate_limited' && Math.abs(Date.parse(limited.until) - reset.getTime()) <= 1000,
        'waits for the provider reset',
      );
      const asked = h.requests();
      now = new Date(now.getTime() + 5 * 60_000);
      assert.equal((await runner().tick()).status, 'waiting', 'the wait survives a restart');
      assert.equal(h.requests(), asked, 'no request before the reset');
      now = new Date(reset.getTime() + 1000);
      assert.equal((await runner().tick()).status, 'ok');
      await assertExactlyOnce();
    });

    it('500: backs off with jitter (no request meanwhile), then recovers', async () => {
      await runner().tick();
      await add(2);
      h.serverError();
      const r = runner();
      const failed = await r.tick();
      assert.equal(failed.status, 'backoff');
      // base 60 s, first failure, equal jitter with random() = 0.5: 30 s + 15 s.
      assert.equal(failed.status === 'backoff' && Date.parse(failed.until) - now.getTime(), 45_000);
      const asked = h.requests();
      now = new Date(now.getTime() + 30_000);
      assert.equal((await r.tick()).status, 'waiting');
      assert.equal(h.requests(), asked);
      now = new Date(now.getTime() + 16_000);
      assert.equal((await r.tick()).status, 'ok');
      await assertExactlyOnce();
    });

    it('401 / invalid_grant: paused with exactly one alert, across ticks and restarts; new credentials resume', async () => {
      await runner().tick();
      await add(1);
      h.revokeAuth();
      const r = runner();
      assert.equal((await r.tick()).status, 'paused');
      const asked = h.requests();
      assert.equal((await r.tick()).status, 'paused');
      assert.equal((await runner().tick()).status, 'paused', 'still paused after a restart');
      assert.equal(h.requests(), asked, 'no request while paused');
      now = new Date(now.getTime() + 2 * 3_600_000);
      assert.equal(
        (await runner().tick()).status,
        'paused',
        'tried again after the pause, same credentials: paused again',
      );
      const alerts = (await readdir(path.join(root, 'Updates'))).filter((n) => n.endsWith('.md'));
      assert.equal(alerts.length, 1, 'exactly one alert');
      const alert = await readFile(path.join(root, 'Updates', alerts[0] ?? ''), 'utf8');
      assert.match(alert, /level: alert/);
      assert.match(alert, new RegExp(`${driver.name} watcher paused`));
      h.restoreAuth();
      assert.equal((await runner({ credentials: `${h.credentials}-renewed` }).tick()).status, 'ok');
      await assertExactlyOnce();
    });

    const noPermissions = !driver.permissions && 'the stand-in does not check permissions yet';
    it(
      'a missing permission or scope: paused with one alert that names what to grant; status shows it',
      { skip: noPermissions },
      async () => {
        assert.ok(h.revokePermission && h.restorePermission, 'the driver says it has permissions');
        await runner().tick();
        await add(1);
        const grant = h.revokePermission();
        const r = runner();
        const paused = await r.tick();
        assert.equal(paused.status, 'paused');
        assert.ok(paused.status === 'paused' && paused.kind === 'permission', JSON.stringify(paused));
        const asked = h.requests();
        assert.equal((await r.tick()).status, 'paused');
        assert.equal((await runner().tick()).status, 'paused', 'still paused after a restart');
        assert.equal(h.requests(), asked, 'no request while paused');
        const alerts = (await readdir(path.join(root, 'Updates'))).filter((n) => n.endsWith('.md'));
        assert.equal(alerts.length, 1, 'exactly one alert');
        const alert = await readFile(path.join(root, 'Updates', alerts[0] ?? ''), 'utf8');
        assert.match(alert, /level: alert/);
        assert.match(alert, new RegExp(`${driver.name} watcher paused: permission missing`));
        assert.ok(alert.includes(grant), `the alert names ${grant}:\n${alert}`);
        const daemons = await readDaemons(stateDir, now, []);
        const row = daemons.find((d) => d.name === `cloud-${driver.name}-watcher`);
        assert.equal(row?.paused?.kind, 'permission');
        assert.ok(row?.paused?.reason.includes(grant), JSON.stringify(row));
        const verdict = judge({ ...emptyReport(), daemons });
        assert.equal(verdict.verdict, 'fail');
        assert.ok(
          verdict.reasons.some((line) => line.includes(grant)),
          verdict.reasons.join('\n'),
        );
        h.restorePermission();
        assert.equal((await runner({ credentials: `${h.credentials}-regranted` }).tick()).status, 'ok');
        await assertExactlyOnce();
      },
    );

    it('without credentials: one line, exit 78 (EX_CONFIG)', () => {
      const env: NodeJS.ProcessEnv = {
        PATH: process.env['PATH'],
        AGENT_ROLE: 'cloud',
        VAULT_PATH: root,
        AI_EMPLOYEE_STATE_DIR: stateDir,
        LOG_LEVEL: 'silent',
      };
      const run = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'watch', driver.name, '--once'], {
        env,
        encoding: 'utf8',
        timeout: 30_000,
      });
      assert.equal(run.status, 78, run.stderr);
      const lines = run.stdout.trim().split('\n');
      assert.equal(lines.length, 1);
      assert.match(lines[0] ?? '', new RegExp(`^${driver.name} watcher: no credentials \\(set [A-Z_]+`));
      assert.equal(run.stderr.trim(), '');
    });
  });
}
