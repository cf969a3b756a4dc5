// `status` and a daemon that ended itself with nothing to do (exit 78, issue 14): shown as "not configured" with its
// reason and the variables it needs, never a failure; a newer heartbeat, or a PM2 run begun after the record, wins.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { notConfiguredDir, writeHeartbeat, writeNotConfigured } from '../../src/daemons/heartbeat.js';
import { collectStatus } from '../../src/daemons/status/collect.js';
import type { Pm2App, Pm2Probe } from '../../src/daemons/status/pm2.js';
import { renderStatusText } from '../../src/daemons/status/render.js';
import type { StatusReport } from '../../src/daemons/status/types.js';
import { openTestVault, tempVaultDir } from '../helpers/vault.js';

const NOW = new Date('2026-11-26T12:00:00.000Z');
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000).toISOString();
const APP = 'cloud-instagram-watcher';
const REASON = 'no credentials (set INSTAGRAM_USER_ID, INSTAGRAM_TOKEN); not watching.';
const MISSING = ['INSTAGRAM_USER_ID', 'INSTAGRAM_TOKEN'];

/** A cloud machine whose draft worker beats, and whose Instagram watcher recorded "not configured" `secondsAgo`. */
async function machine(secondsAgo: number): Promise<{ root: string; stateDir: string }> {
  const root = await tempVaultDir('status-nc-');
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'status-nc-state-'));
  await writeHeartbeat(stateDir, { name: 'cloud-draft-worker', at: ago(5), ok: true });
  await writeNotConfigured(stateDir, { name: APP, at: ago(secondsAgo), reason: REASON, missing: MISSING });
  return { root, stateDir };
}

async function statusOf(root: string, stateDir: string, apps?: Pm2App[]): Promise<StatusReport> {
  const pm2: Pm2Probe = apps
    ? { reachable: true, home: '/tmp/pm2', apps }
    : { reachable: false, home: '/nonexistent', apps: [] };
  const vault = await openTestVault(root, 'cloud', { clock: () => NOW });
  return collectStatus({ vault, role: 'cloud', stateDir, now: NOW, pm2 });
}

const row = (r: StatusReport, name = APP) => {
  const d = r.daemons.find((x) => x.name === name);
  assert.ok(d, `a row for ${name}`);
  return d;
};
const stopped: Pm2App = { name: APP, status: 'stopped', restarts: 0, uptime_seconds: null };
const worker: Pm2App = { name: 'cloud-draft-worker', status: 'online', restarts: 0, uptime_seconds: 600 };

describe('status: a daemon that is not configured', () => {
  it('stopped by PM2 after exit 78: "not configured" with its reason and variables, and the verdict stays ok', async () => {
    const { root, stateDir } = await machine(300);
    const r = await statusOf(root, stateDir, [stopped, worker]);
    const d = row(r);
    assert.equal(d.state, 'not_configured');
    assert.deepEqual(d.not_configured, { reason: REASON, missing: MISSING, at: ago(300) });
    assert.deepEqual(d.pm2, { status: 'stopped', restarts: 0, uptime_seconds: null });
    assert.deepEqual([r.verdict, r.reasons], ['ok', []]);
    const text = renderStatusText(r);
    assert.ok(
      text.some((l) => l === `  ${APP.padEnd(26)} not configured: ${REASON} · pm2 stopped, 0 restarts`),
      text.join('\n'),
    );
    // The record is on disk as JSON a script can read, under the state dir, beside the heartbeats.
    const raw = JSON.parse(await readFile(path.join(notConfiguredDir(stateDir), `${APP}.json`), 'utf8')) as object;
    assert.deepEqual(
      { ...raw, pid: 0 },
      { name: APP, at: ago(300), reason: REASON, missing: MISSING, pid: 0, state: 'not_configured' },
    );
  });

  it('without PM2 (heartbeats only) it still shows as not configured', async () => {
    const { root, stateDir } = await machine(300);
    const r = await statusOf(root, stateDir);
    assert.equal(row(r).state, 'not_configured');
    assert.equal(r.verdict, 'ok');
  });

  it('configured later: a newer heartbeat wins, and the record is no longer shown', async () => {
    const { root, stateDir } = await machine(300);
    await writeHeartbeat(stateDir, { name: APP, at: ago(10), ok: true });
    const r = await statusOf(root, stateDir, [
      { name: APP, status: 'online', restarts: 0, uptime_seconds: 60 },
      worker,
    ]);
    assert.equal(row(r).state, 'ok');
    assert.equal(row(r).not_configured, undefined);
    assert.equal(r.verdict, 'ok');
  });

  it('restarted by the owner after the record and not beating yet: missing, not "not configured"', async () => {
    const { root, stateDir } = await machine(600);
    const r = await statusOf(root, stateDir, [
      { name: APP, status: 'online', restarts: 0, uptime_seconds: 30 },
      worker,
    ]);
    assert.equal(row(r).state, 'missing');
    assert.equal(row(r).not_configured, undefined);
  });

  it('online and the record written during this run (it is exiting): not configured', async () => {
    const { root, stateDir } = await machine(1);
    const r = await statusOf(root, stateDir, [{ name: APP, status: 'online', restarts: 0, uptime_seconds: 4 }, worker]);
    assert.equal(row(r).state, 'not_configured');
  });

  it('errored in PM2 (later runs crashed for another reason): failing, and the verdict fails', async () => {
    const { root, stateDir } = await machine(300);
    const r = await statusOf(root, stateDir, [{ ...stopped, status: 'errored', restarts: 16 }, worker]);
    assert.equal(row(r).state, 'failing');
    assert.equal(r.verdict, 'fail');
    assert.ok(r.reasons.includes(`${APP}: PM2 says errored`), r.reasons.join('\n'));
  });

  it('a malformed record is ignored: the app shows as PM2 and its heartbeats say', async () => {
    const { root, stateDir } = await machine(300);
    await mkdir(notConfiguredDir(stateDir), { recursive: true });
    await writeFile(path.join(notConfiguredDir(stateDir), `${APP}.json`), JSON.stringify({ name: APP, at: 'soon' }));
    const r = await statusOf(root, stateDir, [stopped, worker]);
    assert.equal(row(r).state, 'failing');
  });
});
