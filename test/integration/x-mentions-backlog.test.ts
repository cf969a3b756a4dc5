import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { silentLogger } from '../../src/core/log.js';
import { createXClient } from '../../src/core/providers/x-client.js';
import type { Vault } from '../../src/core/vault/vault.js';
import { WatcherRunner, type WatchStep } from '../../src/daemons/watchers/runner.js';
import { twitterSource } from '../../src/daemons/watchers/twitter.js';
import { startXStandin, type XStandin } from '../../src/sandbox/x/server.js';
import { openTestVault, tempVaultDir } from '../helpers/vault.js';
import { censusProblems, watchCensus } from '../helpers/watch-vault.js';

/**
 * A burst of mentions larger than one poll takes (maxPages pages): every one of them becomes a task, exactly
 * once, over the next polls, also when more arrive meanwhile and when the watcher crashes mid-burst. The stand-in
 * pages 5 at a time (X may return fewer than max_results), so a small burst shows it.
 */
describe('x watcher: a burst larger than one poll', () => {
  let s: XStandin;
  let root: string;
  let stateDir: string;
  let vault: Vault;
  const now = new Date('2026-11-26T12:00:00Z');
  const expected: string[] = [];

  const runner = (faults?: (p: WatchStep) => void) =>
    new WatcherRunner({
      source: twitterSource({
        client: createXClient({ apiUrl: s.url, credentials: s.credentials, timeoutMs: 5000 }),
        maxPages: 2,
      }),
      vault,
      stateDir,
      logger: silentLogger(),
      credentials: 'x-1',
      clock: () => now,
      random: () => 0.5,
      ...(faults ? { faults } : {}),
    });
  const add = (n: number) => {
    for (let i = 0; i < n; i += 1) expected.push(`x:${s.addMention().id}`);
  };
  const written = async (r = runner()) => {
    const report = await r.tick();
    assert.equal(report.status, 'ok', JSON.stringify(report));
    return report.status === 'ok' ? report.written : -1;
  };
  const assertExactlyOnce = async () =>
    assert.deepEqual(censusProblems(await watchCensus(root, 'TWEET_'), expected), {
      twice: [],
      missing: [],
      extra: [],
    });

  beforeEach(async () => {
    s = await startXStandin({ pageSize: 5 });
    root = await tempVaultDir('x-backlog-');
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'x-backlog-state-'));
    vault = await openTestVault(root, 'cloud', { clock: () => now });
    expected.length = 0;
    add(2);
    assert.equal(await written(), 2, 'the first run takes the newest page');
  });
  afterEach(async () => {
    await s.close();
    await rm(root, { recursive: true, force: true });
    await rm(stateDir, { recursive: true, force: true });
  });

  it('23 new mentions at 2 pages of 5 per poll, 3 more arriving meanwhile: all of them, once each', async () => {
    add(23);
    assert.equal(await written(), 10, 'one poll takes maxPages pages');
    add(3);
    const counts: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      const n = await written();
      counts.push(n);
      if (n === 0) break;
    }
    assert.ok(
      counts.every((n) => n <= 10),
      `no poll takes more than maxPages pages: ${counts.join(', ')}`,
    );
    await assertExactlyOnce();
    assert.equal(await written(), 0, 'nothing more afterwards');
  });

  it('a crash in the middle of the burst, then a restart: all of them, once each', async () => {
    add(17);
    let count = 0;
    const crash = (p: WatchStep) => {
      if (p === 'after-state' && ++count === 1) throw new Error('simulated crash');
    };
    await assert.rejects(runner(crash).tick(), /simulated crash/);
    for (let i = 0; i < 10; i += 1) if ((await written()) === 0) break;
    await assertExactlyOnce();
  });
});
