import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { AuditLog } from '../../src/core/vault/audit.js';
import { newTaskText } from '../../src/core/vault/frontmatter.js';
import { writeHeartbeat } from '../../src/daemons/heartbeat.js';
import { collectStatus } from '../../src/daemons/status/collect.js';
import { pm2DaemonAlive, probePm2, type Pm2Probe } from '../../src/daemons/status/pm2.js';
import { renderStatusText } from '../../src/daemons/status/render.js';
import type { StatusReport } from '../../src/daemons/status/types.js';
import { openTestVault, seedEmailTask, tempVaultDir } from '../helpers/vault.js';

const run = promisify(execFile);
const NOW = new Date('2026-11-26T12:00:00.000Z');
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000).toISOString();
const NO_PM2: Pm2Probe = { reachable: false, home: '/nonexistent', apps: [] };

async function approval(root: string, name: string, createdSecondsAgo: number, expires: string) {
  await writeFile(
    path.join(root, 'Pending_Approval', name),
    newTaskText(
      {
        type: 'approval_request',
        id: name,
        action: 'send_email',
        created: ago(createdSecondsAgo),
        expires,
        status: 'pending',
      },
      'Approve to send.',
    ),
  );
}

/** A vault and state dir as a busy cloud machine leaves them. */
async function busyMachine(): Promise<{ root: string; stateDir: string }> {
  const root = await tempVaultDir('status-');
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'status-state-'));
  await seedEmailTask(root, 1);
  await seedEmailTask(root, 2);
  await writeFile(path.join(root, 'Failed', 'EMAIL_9.md'), newTaskText({ id: 'x', type: 'email' }, 'bad'));
  await approval(root, 'EMAIL_SEND_young.md', 10 * 60, ago(-86_400));
  await approval(root, 'EMAIL_SEND_old.md', 3 * 3600, ago(-86_400));
  await approval(root, 'EMAIL_SEND_expired.md', 50 * 3600, ago(3600));
  // Heartbeats: fresh, stale by its known interval, fresh but failing, fresh by the 10-minute default.
  await writeHeartbeat(stateDir, { name: 'cloud-draft-worker', at: ago(5), ok: true });
  await writeHeartbeat(stateDir, { name: 'cloud-odoo-health', at: ago(30 * 60), ok: true });
  await writeHeartbeat(stateDir, { name: 'cloud-odoo-mcp', at: ago(20), ok: false });
  await writeHeartbeat(stateDir, { name: 'cloud-gmail-watcher', at: ago(5 * 60), ok: true });
  await writeHeartbeat(stateDir, { name: 'cloud-x-watcher', at: ago(60), ok: true, detail: { interval_ms: 5_000 } });
  await writeFile(
    path.join(stateDir, 'guard-last.json'),
    JSON.stringify({ at: ago(120), ok: false, hits: 2, fingerprint: 'f' }),
  );
  await writeFile(
    path.join(stateDir, 'odoo-health.json'),
    JSON.stringify({ failures: 4, alerted: true, lastOk: ago(3600), lastError: 'Odoo is unreachable: ECONNREFUSED' }),
  );
  await writeFile(
    path.join(stateDir, 'sync-last.json'),
    JSON.stringify({ at: ago(90), ok: true, message: 'pushed 3 files' }),
  );
  return { root, stateDir };
}

const daemon = (r: StatusReport, name: string) => {
  const d = r.daemons.find((x) => x.name === name);
  assert.ok(d, `a row for ${name}`);
  return d;
};

describe('ai-employee status', () => {
  it('reports depths, approval ages, stale heartbeats, last runs and a verdict', async () => {
    const { root, stateDir } = await busyMachine();
    const vault = await openTestVault(root, 'cloud', { clock: () => NOW });
    const r = await collectStatus({ vault, role: 'cloud', stateDir, now: NOW, pm2: NO_PM2 });

    assert.equal(r.folders['Needs_Action'], 2);
    assert.equal(r.folders['Pending_Approval'], 3);
    assert.equal(r.folders['Failed'], 1);
    assert.deepEqual(
      r.pending_approvals.map((p) => [p.path, p.age_minutes, p.expired]),
      [
        ['Pending_Approval/EMAIL_SEND_expired.md', 3000, true],
        ['Pending_Approval/EMAIL_SEND_old.md', 180, false],
        ['Pending_Approval/EMAIL_SEND_young.md', 10, false],
      ],
    );

    assert.equal(daemon(r, 'cloud-draft-worker').state, 'ok');
    assert.equal(daemon(r, 'cloud-draft-worker').age_seconds, 5);
    assert.equal(daemon(r, 'cloud-odoo-health').state, 'stale'); // 60 s interval: stale after 3 min
    assert.equal(daemon(r, 'cloud-odoo-health').stale_after_seconds, 180);
    assert.equal(daemon(r, 'cloud-odoo-mcp').state, 'failing');
    assert.equal(daemon(r, 'cloud-gmail-watcher').state, 'ok'); // unknown interval: 10 min
    assert.equal(daemon(r, 'cloud-gmail-watcher').stale_after_seconds, 600);
    assert.equal(daemon(r, 'cloud-x-watcher').stale_after_seconds, 120); // declared 5 s, floor of 2 min
    assert.equal(daemon(r, 'cloud-x-watcher').state, 'ok');

    assert.deepEqual(
      { ok: r.guard?.ok, hits: r.guard?.hits, age: r.guard?.age_seconds },
      { ok: false, hits: 2, age: 120 },
    );
    assert.match(r.guard?.action ?? '', /ai-employee guard/);
    assert.deepEqual(
      { ok: r.sync?.ok, age: r.sync?.age_seconds, action: r.sync?.action },
      { ok: true, age: 90, action: undefined },
    );
    assert.equal(r.odoo?.monitor?.failures, 4);
    assert.match(r.odoo?.action ?? '', /ODOO_URL/);

    assert.equal(r.verdict, 'fail');
    assert.ok(r.reasons.some((x) => x.startsWith('cloud-odoo-health: no heartbeat')));
    assert.ok(r.reasons.some((x) => /security guard found 2/.test(x)));
    assert.ok(r.reasons.some((x) => /Odoo is down/.test(x)));
    assert.ok(r.reasons.some((x) => /1 approval request\(s\) expired/.test(x)));

    const text = renderStatusText(r);
    for (const d of r.daemons)
      assert.equal(text.filter((l) => l.trimStart().startsWith(`${d.name} `)).length, 1, `one line for ${d.name}`);
    assert.ok(text.includes('Overall: FAIL'));
    assert.ok(text.some((l) => /EMAIL_SEND_expired\.md {2}EXPIRED$/.test(l)));
  });

  it('joins PM2 apps by name: restarts shown, errored is failing, an app that never beat is missing', async () => {
    const { root, stateDir } = await busyMachine();
    const vault = await openTestVault(root, 'cloud', { clock: () => NOW });
    const pm2: Pm2Probe = {
      reachable: true,
      home: '/tmp/pm2',
      apps: [
        { name: 'cloud-draft-worker', status: 'errored', restarts: 15, uptime_seconds: null },
        { name: 'cloud-gmail-watcher', status: 'online', restarts: 2, uptime_seconds: 30 },
        { name: 'cloud-twitter-watcher', status: 'online', restarts: 0, uptime_seconds: 30 },
      ],
    };
    const r = await collectStatus({ vault, role: 'cloud', stateDir, now: NOW, pm2 });
    assert.equal(daemon(r, 'cloud-draft-worker').state, 'failing');
    assert.deepEqual(daemon(r, 'cloud-gmail-watcher').pm2, { status: 'online', restarts: 2, uptime_seconds: 30 });
    assert.equal(daemon(r, 'cloud-twitter-watcher').state, 'missing');
    assert.ok(r.reasons.includes('cloud-draft-worker: PM2 says errored'));
    assert.ok(renderStatusText(r).some((l) => /cloud-gmail-watcher +OK .*pm2 online, 2 restarts/.test(l)));
  });

  it('a quiet healthy machine is ok', async () => {
    const root = await tempVaultDir('status-');
    const stateDir = await mkdtemp(path.join(os.tmpdir(), 'status-state-'));
    await writeHeartbeat(stateDir, { name: 'local-executor', at: ago(10), ok: true });
    const vault = await openTestVault(root, 'local', { clock: () => NOW });
    const r = await collectStatus({ vault, role: 'local', stateDir, now: NOW, pm2: NO_PM2 });
    assert.deepEqual([r.verdict, r.reasons], ['ok', []]);
    assert.ok(
      renderStatusText(r).includes(
        'Audit: no log files today or yesterday ("ai-employee audit verify" checks every day)',
      ),
    );
  });

  it('a watcher paused on a missing permission fails the verdict and both views name what to grant', async () => {
    const root = await tempVaultDir('status-');
    const stateDir = await mkdtemp(path.join(os.tmpdir(), 'status-state-'));
    const reason = 'graph: Graph answered 403 (code 10): Requires pages_read_engagement permission.';
    await writeHeartbeat(stateDir, {
      name: 'cloud-facebook-watcher',
      at: ago(10),
      ok: false,
      detail: { status: 'paused', kind: 'permission', grant: 'pages_read_engagement', reason, until: ago(-3600) },
    });
    const vault = await openTestVault(root, 'cloud', { clock: () => NOW });
    const r = await collectStatus({ vault, role: 'cloud', stateDir, now: NOW, pm2: NO_PM2 });
    assert.equal(r.verdict, 'fail');
    assert.deepEqual(r.reasons, [
      'cloud-facebook-watcher: paused, a permission is missing (grant pages_read_engagement)',
    ]);
    assert.deepEqual(daemon(r, 'cloud-facebook-watcher').paused, {
      kind: 'permission',
      reason,
      until: ago(-3600),
      grant: 'pages_read_engagement',
    });
    const text = renderStatusText(r);
    assert.ok(text.includes(`    paused: ${reason} (tries again after ${ago(-3600)})`), text.join('\n'));
  });

  it("checks today's and yesterday's audit chains: intact, legacy lines, and a broken link fails the verdict", async () => {
    const root = await tempVaultDir('status-');
    const stateDir = await mkdtemp(path.join(os.tmpdir(), 'status-state-'));
    await writeHeartbeat(stateDir, { name: 'local-executor', at: ago(10), ok: true });
    const logs = path.join(root, 'Logs');
    const write = async (day: Date, role: 'cloud' | 'local', n: number) => {
      const log = new AuditLog(logs, { role, process: 'test' }, () => day);
      for (let i = 0; i < n; i++) await log.record({ action_type: 'step', target: String(i), result: 'ok' });
      return log.fileFor(day);
    };
    const yesterday = new Date(NOW.getTime() - 86_400_000);
    const old = new Date(NOW.getTime() - 3 * 86_400_000);
    await writeFile(path.join(logs, '2026-11-26.cloud.jsonl'), `${JSON.stringify({ action_type: 'before.chains' })}\n`);
    await write(NOW, 'cloud', 2);
    await write(NOW, 'local', 3);
    const yesterdayLocal = await write(yesterday, 'local', 3);
    const oldFile = await write(old, 'local', 3);
    await writeFile(oldFile, (await readFile(oldFile, 'utf8')).replace('"target":"0"', '"target":"9"')); // not checked

    const vault = await openTestVault(root, 'local', { clock: () => NOW });
    const intact = await collectStatus({ vault, role: 'local', stateDir, now: NOW, pm2: NO_PM2 });
    assert.deepEqual(intact.audit, {
      days: ['2026-11-26', '2026-11-25'],
      files: 3,
      lines: 9,
      legacy_lines: 1,
      ok: true,
      broken: [],
      action: undefined,
    });
    assert.deepEqual([intact.verdict, intact.reasons], ['ok', []]);
    assert.ok(
      renderStatusText(intact).includes(
        'Audit: 3 files (today, yesterday), chains intact, 1 legacy line before the chain',
      ),
    );

    const lines = (await readFile(yesterdayLocal, 'utf8')).split('\n');
    [lines[0], lines[1]] = [lines[1] as string, lines[0] as string];
    await writeFile(yesterdayLocal, lines.join('\n'));
    const broken = await collectStatus({ vault, role: 'local', stateDir, now: NOW, pm2: NO_PM2 });
    assert.equal(broken.audit.ok, false);
    assert.deepEqual(
      broken.audit.broken.map((b) => [b.file, b.line, b.reason]),
      [['Logs/2026-11-25.local.jsonl', 1, 'prev_mismatch']],
    );
    assert.equal(broken.verdict, 'fail');
    assert.ok(broken.reasons.some((r) => r.startsWith('audit log chain broken: Logs/2026-11-25.local.jsonl line 1:')));
    const text = renderStatusText(broken);
    assert.ok(text.some((l) => /^Audit: CHAIN BROKEN · Logs\/2026-11-25\.local\.jsonl line 1: /.test(l)));
    assert.ok(text.some((l) => l.includes('ai-employee audit verify')));
  });

  it('never starts a PM2 daemon: no socket, or a dead one, means heartbeats only', async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'status-pm2-'));
    assert.equal(await pm2DaemonAlive(home), false);
    await writeFile(path.join(home, 'rpc.sock'), ''); // what a crashed daemon can leave
    assert.deepEqual(await probePm2(home), { reachable: false, home, apps: [] });
    assert.deepEqual(await readdir(home), ['rpc.sock'], 'nothing was created in PM2_HOME');
  });

  it('the built CLI prints the JSON without AGENT_ROLE (read-only view)', async () => {
    const { root, stateDir } = await busyMachine();
    const pm2HomeDir = await mkdtemp(path.join(os.tmpdir(), 'status-pm2-'));
    await mkdir(pm2HomeDir, { recursive: true });
    const env: NodeJS.ProcessEnv = { ...process.env, AI_EMPLOYEE_STATE_DIR: stateDir, PM2_HOME: pm2HomeDir };
    delete env['AGENT_ROLE'];
    const { stdout } = await run(process.execPath, ['dist/src/cli.js', 'status', '--json', '--vault', root], {
      env,
      timeout: 20_000,
    });
    const r = JSON.parse(stdout) as StatusReport;
    assert.equal(r.role, null);
    assert.equal(r.state_dir, stateDir);
    assert.equal(r.folders['Needs_Action'], 2);
    assert.equal(r.pending_approvals.length, 3);
    assert.equal(r.pm2.reachable, false);
    assert.equal(r.verdict, 'fail'); // heartbeats were written for a fixed past time: all stale now
    assert.deepEqual([r.audit.ok, r.audit.files], [true, 0]);
    assert.deepEqual(await readdir(pm2HomeDir), [], 'status did not start PM2');
  });
});
