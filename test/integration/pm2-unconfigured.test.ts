// An owner who follows the runbook with only some services set up (issue 14, "an unconfigured app never ends under
// PM2"): the nine apps of ecosystem.cloud.cjs under a real PM2 (private PM2_HOME), with Gmail configured against its
// stand-in and no X, Facebook, Instagram, Odoo or VAULT_REMOTE. The six apps with nothing to do must end with exit
// code 78 and stay `stopped` (not restarted, left alone by the watchdog), say why in their log, and show in
// `ai-employee status` as "not configured" with the variables they need, without failing the verdict; the three
// configured apps stay online and beat.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { cli, heartbeatAges, parseJlist, pm2Bin, repo, until, type Pm2App } from '../../bench/lib/stack-pm2.js';
import { initVault } from '../../src/core/vault/init.js';
import type { StatusReport } from '../../src/daemons/status/types.js';
import { startGmailStandin, type GmailStandin } from '../../src/sandbox/gmail/server.js';

const run = promisify(execFile);

/** The apps with nothing to do in this environment, and a variable each must name as missing. */
const UNCONFIGURED: Record<string, RegExp> = {
  'cloud-twitter-watcher': /X_BEARER_TOKEN/,
  'cloud-facebook-watcher': /FACEBOOK_PAGE_TOKEN/,
  'cloud-instagram-watcher': /INSTAGRAM_/,
  'cloud-odoo-mcp': /ODOO_URL/,
  'cloud-odoo-health': /ODOO_URL/,
  'cloud-git-sync': /VAULT_REMOTE/,
};
const CONFIGURED = ['cloud-gmail-watcher', 'cloud-draft-worker', 'cloud-watchdog'];

let root = '';
let gmail: GmailStandin | undefined;
let env: NodeJS.ProcessEnv = {};
let state = '';
let logs = '';
let started = false;

const jlist = async (): Promise<Map<string, Pm2App & { pm2_env: { exit_code?: number } }>> =>
  new Map(
    parseJlist((await run(pm2Bin, ['jlist'], { env, maxBuffer: 64 * 1024 * 1024 })).stdout).map((a) => [a.name, a]),
  );

before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'pm2-unconfigured-'));
  gmail = await startGmailStandin();
  const vault = path.join(root, 'AI_Employee_Vault');
  state = path.join(root, 'state');
  logs = path.join(root, 'logs');
  await initVault(vault);
  await mkdir(state, { recursive: true });
  await mkdir(logs, { recursive: true });
  const home = path.join(root, 'home');
  // Built from nothing, not from process.env: no X_, GRAPH_, ODOO_ or VAULT_REMOTE may leak in from the caller.
  env = {
    PATH: process.env['PATH'] ?? '',
    HOME: home,
    PM2_HOME: path.join(home, '.pm2'),
    LOG_LEVEL: 'warn',
    AGENT_ROLE: 'cloud',
    VAULT_PATH: vault,
    AI_EMPLOYEE_STATE_DIR: state,
    AI_EMPLOYEE_LOG_DIR: logs,
    GMAIL_API_URL: gmail.url,
    GMAIL_TOKEN_URL: gmail.tokenUrl,
    GMAIL_CLIENT_ID: gmail.credentials.clientId,
    GMAIL_CLIENT_SECRET: gmail.credentials.clientSecret,
    GMAIL_REFRESH_TOKEN: gmail.credentials.refreshToken,
    WATCH_GMAIL_SCHEDULE: '*/2 * * * * *',
  };
  started = true;
  await run(process.execPath, [path.join(repo, 'scripts/pm2-ecosystem.cjs'), 'start', 'ecosystem.cloud.cjs'], {
    env,
    cwd: repo,
  });
});

after(async () => {
  if (started) await run(pm2Bin, ['kill'], { env }).catch(() => undefined);
  await gmail?.close().catch(() => undefined);
  if (root) await rm(root, { recursive: true, force: true }).catch(() => undefined);
});

test('each unconfigured app ends with exit 78 and stays stopped; the configured ones run and beat', async () => {
  const names = Object.keys(UNCONFIGURED);
  const apps = await until(
    'the six unconfigured apps stopped by PM2',
    async () => {
      const list = await jlist();
      return names.every((n) => list.get(n)?.pm2_env.status === 'stopped') ? list : undefined;
    },
    60_000,
    250,
  ).catch(async (err: Error) => {
    const list = await jlist();
    assert.fail(`${err.message}: ${names.map((n) => `${n}=${list.get(n)?.pm2_env.status}`).join(', ')}`);
  });
  for (const name of names) {
    const app = apps.get(name)!;
    assert.equal(app.pm2_env.exit_code, 78, `${name} exited with EX_CONFIG`);
    assert.equal(app.pm2_env.restart_time, 0, `${name} was not restarted`);
    // The owner reading `pm2 logs <app>` sees why, in one line.
    const out = await readFile(path.join(logs, `${name}.out.log`), 'utf8');
    assert.match(out, UNCONFIGURED[name]!, `${name}'s log names what to set:\n${out}`);
  }
  await until(
    'a heartbeat from each configured app',
    async () => ((await heartbeatAges(state, CONFIGURED)).size === CONFIGURED.length ? true : undefined),
    60_000,
    250,
  );
  const list = await jlist();
  for (const name of CONFIGURED) assert.equal(list.get(name)?.pm2_env.status, 'online', `${name} runs`);
  // Still stopped a while later: PM2 did not bring them back (a restart would count in restart_time).
  for (const name of names) assert.equal(list.get(name)?.pm2_env.restart_time, 0, `${name} stays down`);
});

test('status says "not configured" for each with the missing variables, and does not fail because of them', async () => {
  const report = JSON.parse((await run(process.execPath, [cli, 'status', '--json'], { env })).stdout) as StatusReport;
  assert.equal(report.pm2.reachable, true);
  for (const [name, missing] of Object.entries(UNCONFIGURED)) {
    const row = report.daemons.find((d) => d.name === name);
    assert.ok(row, `a row for ${name}`);
    assert.equal(row.state, 'not_configured', `${name}: ${JSON.stringify(row)}`);
    assert.equal(row.pm2?.status, 'stopped');
    assert.ok(row.not_configured, `${name} says why`);
    assert.ok(
      row.not_configured.missing.some((v) => missing.test(v)),
      `${name} names ${missing}: ${JSON.stringify(row)}`,
    );
    assert.ok(!report.reasons.some((r) => r.includes(name)), `${name} is not a reason: ${report.reasons.join('; ')}`);
  }
  for (const name of CONFIGURED)
    assert.equal(
      report.daemons.find((d) => d.name === name)?.state,
      'ok',
      `${name}: ${JSON.stringify(report.daemons)}`,
    );
  assert.notEqual(report.verdict, 'fail', report.reasons.join('; '));
  // The human view: one line per app, the reason on it.
  const text = (await run(process.execPath, [cli, 'status'], { env })).stdout;
  for (const name of Object.keys(UNCONFIGURED)) {
    const line = text.split('\n').find((l) => l.includes(name));
    assert.match(line ?? '', /not configured: /, `status shows ${name} as not configured:\n${text}`);
  }
  assert.doesNotMatch(text, /Overall: FAIL/);
});

test('the watchdog leaves the stopped, unconfigured apps alone', async () => {
  const stdout = (await run(process.execPath, [cli, 'watchdog', '--once', '--stale-after', '1'], { env })).stdout;
  const actions = JSON.parse(stdout) as Array<{ app: string }>;
  for (const name of Object.keys(UNCONFIGURED))
    assert.ok(!actions.some((a) => a.app === name), `the watchdog did not touch ${name}: ${stdout}`);
  const list = await jlist();
  for (const name of Object.keys(UNCONFIGURED)) assert.equal(list.get(name)?.pm2_env.status, 'stopped', name);
});
