import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '../../src/core/log.js';
import { createGmailClient } from '../../src/core/providers/gmail-client.js';
import { gmailSource } from '../../src/daemons/watchers/gmail.js';
import { WatcherRunner } from '../../src/daemons/watchers/runner.js';
import { loadState } from '../../src/daemons/watchers/state.js';
import { startGmailStandin, type GmailStandin } from '../../src/sandbox/gmail/server.js';
import { censusProblems, watchCensus } from '../helpers/watch-vault.js';
import { openTestVault, tempVaultDir } from '../helpers/vault.js';

/**
 * Gmail beyond the contract: a stale history cursor (404) means a full resync, not a retry loop; and a real
 * `ai-employee watch gmail --once` process killed with SIGKILL at each step (AI_EMPLOYEE_FAULT_POINT), its
 * task claimed by the cloud worker before the restart, still yields each mail exactly once.
 */
const CLI = path.resolve('src/cli.ts');

describe('gmail watcher', () => {
  let s: GmailStandin;
  before(async () => {
    s = await startGmailStandin();
  });
  after(async () => s.close());

  it('a stale history cursor (404) triggers one full resync; every mail stays exactly once', async () => {
    const root = await tempVaultDir('watch-gmail-stale-');
    const stateDir = await mkdtemp(path.join(os.tmpdir(), 'watch-gmail-stale-state-'));
    const vault = await openTestVault(root, 'cloud');
    const client = () =>
      createGmailClient({ apiUrl: `${s.url}/`, tokenUrl: s.tokenUrl, credentials: s.credentials, timeoutMs: 5000 });
    const runner = () =>
      new WatcherRunner({
        source: gmailSource({
          client: client(),
          query: 'in:inbox',
          label: 'INBOX',
          logger: silentLogger(),
          pageSize: 3,
        }),
        vault,
        stateDir,
        logger: silentLogger(),
        credentials: 'c',
      });
    const before = s.messages.length;
    const expected = [s.addMessage(), s.addMessage(), s.addMessage(), s.addMessage()].map((m) => `gmail:${m.id}`);
    await runner().tick(); // first run: a full sync (the stand-in's earlier mail from other tests too)
    const cursor = (await loadState(stateDir, 'gmail')).cursor;
    assert.ok(cursor, 'the cursor is seeded from getProfile');
    expected.push(...[s.addMessage(), s.addMessage()].map((m) => `gmail:${m.id}`));
    s.expireHistory();
    const fullBefore = s.received.filter((r) => r.path.endsWith('/messages') && r.method === 'GET').length;
    const report = await runner().tick();
    assert.equal(report.status, 'ok');
    assert.equal(report.status === 'ok' && report.written, 2);
    const fullAfter = s.received.filter((r) => r.path.endsWith('/messages') && r.method === 'GET').length;
    assert.ok(fullAfter > fullBefore, 'a full sync ran');
    assert.notEqual((await loadState(stateDir, 'gmail')).cursor, cursor, 'a fresh cursor');
    const all = [...expected, ...s.messages.slice(0, before).map((m) => `gmail:${m.id}`)];
    assert.deepEqual(censusProblems(await watchCensus(root, 'EMAIL_'), all), { twice: [], missing: [], extra: [] });
    // The next poll is incremental again: history.list with the new cursor, no 404.
    assert.equal((await runner().tick()).status, 'ok');
    await rm(root, { recursive: true, force: true });
    await rm(stateDir, { recursive: true, force: true });
  });

  it('a watcher process killed with SIGKILL at each step and restarted: each mail exactly once', async () => {
    const root = await tempVaultDir('watch-gmail-kill-');
    const stateDir = await mkdtemp(path.join(os.tmpdir(), 'watch-gmail-kill-state-'));
    const vault = await openTestVault(root, 'cloud');
    const env = (fault?: string): NodeJS.ProcessEnv => ({
      PATH: process.env['PATH'],
      AGENT_ROLE: 'cloud',
      VAULT_PATH: root,
      AI_EMPLOYEE_STATE_DIR: stateDir,
      LOG_LEVEL: 'silent',
      GMAIL_API_URL: `${s.url}/`,
      GMAIL_TOKEN_URL: s.tokenUrl,
      GMAIL_CLIENT_ID: s.credentials.clientId,
      GMAIL_CLIENT_SECRET: s.credentials.clientSecret,
      GMAIL_REFRESH_TOKEN: s.credentials.refreshToken,
      GMAIL_QUERY: 'in:inbox',
      ...(fault ? { AI_EMPLOYEE_FAULT_POINT: fault } : {}),
    });
    const run = (fault?: string) =>
      new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'watch', 'gmail', '--once'], {
          env: env(fault),
          stdio: 'ignore',
        });
        const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
        child.on('error', reject);
        child.on('exit', (code, signal) => {
          clearTimeout(timer);
          resolve({ code, signal });
        });
      });

    const expected = s.messages.filter((m) => m.labelIds.includes('INBOX')).map((m) => `gmail:${m.id}`);
    assert.deepEqual(await run(), { code: 0, signal: null }, 'a clean first run');
    for (const step of ['before-write', 'after-write', 'before-state', 'after-state']) {
      expected.push(...[s.addMessage(), s.addMessage(), s.addMessage()].map((m) => `gmail:${m.id}`));
      assert.deepEqual(await run(`watch.${step}`), { code: null, signal: 'SIGKILL' }, `killed at ${step}`);
      // The cloud worker claims a task before the watcher comes back.
      const queued = (await readdir(path.join(root, 'Needs_Action'))).filter((n) => n.startsWith('EMAIL_')).sort();
      if (queued[0]) await vault.claim({ path: `Needs_Action/${queued[0]}` });
      assert.deepEqual(await run(), { code: 0, signal: null }, `restart after ${step}`);
      assert.deepEqual(
        censusProblems(await watchCensus(root, 'EMAIL_'), expected),
        { twice: [], missing: [], extra: [] },
        step,
      );
    }
    await rm(root, { recursive: true, force: true });
    await rm(stateDir, { recursive: true, force: true });
  });
});
