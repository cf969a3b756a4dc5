import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tempVaultDir } from '../helpers/vault.js';

const run = promisify(execFile);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const pm2Bin = path.join(repo, 'node_modules/.bin/pm2');
const cli = path.join(repo, 'dist/src/cli.js');
const require = createRequire(import.meta.url);

let home: string;
let vault: string;
let state: string;
let env: NodeJS.ProcessEnv;

interface Jlist {
  name: string;
  pid: number;
  pm2_env: { status: string; restart_time: number; pm_uptime?: number };
}
const jlist = async (): Promise<Jlist[]> => JSON.parse((await run(pm2Bin, ['jlist'], { env })).stdout) as Jlist[];
const appOf = async (name: string) => (await jlist()).find((a) => a.name === name);

/** Polls a condition with a bounded number of tries: PM2 acts asynchronously. */
async function until<T>(what: string, probe: () => Promise<T | undefined>, tries = 100): Promise<T> {
  for (let i = 0; i < tries; i += 1) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

before(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'pm2-home-'));
  vault = await tempVaultDir();
  state = await mkdtemp(path.join(os.tmpdir(), 'pm2-state-'));
  env = {
    PATH: process.env['PATH'] ?? '',
    HOME: home,
    PM2_HOME: path.join(home, '.pm2'),
    AGENT_ROLE: 'cloud',
    VAULT_PATH: vault,
    AI_EMPLOYEE_STATE_DIR: state,
    LOG_LEVEL: 'warn',
  };
  const apps = path.join(home, 'apps');
  await mkdir(apps);
  // A crasher PM2 gives up on quickly, and an app that runs but whose heartbeat went stale an hour ago.
  await writeFile(path.join(apps, 'crasher.cjs'), 'process.exit(1);\n');
  await writeFile(
    path.join(apps, 'hanger.cjs'),
    `const fs = require('fs'); const dir = ${JSON.stringify(path.join(state, 'heartbeats'))};
fs.mkdirSync(dir, { recursive: true });
fs.writeFileSync(dir + '/hanger.json', JSON.stringify({ name: 'hanger', pid: process.pid, at: new Date(Date.now() - 3600e3).toISOString(), ok: true }));
setInterval(() => {}, 1000);\n`,
  );
  await writeFile(
    path.join(apps, 'pm2-test.config.cjs'),
    `module.exports = { apps: [
  { name: 'crasher', script: ${JSON.stringify(path.join(apps, 'crasher.cjs'))}, max_restarts: 1, min_uptime: 5000, restart_delay: 0, autorestart: true },
  { name: 'hanger', script: ${JSON.stringify(path.join(apps, 'hanger.cjs'))} },
] };\n`,
  );
  await run(pm2Bin, ['start', path.join(apps, 'pm2-test.config.cjs')], { env });
});

after(async () => {
  await run(pm2Bin, ['kill'], { env }).catch(() => undefined);
  await rm(home, { recursive: true, force: true });
});

test('the cloud ecosystem has exactly the nine apps, each cloud and draft-only; the local one runs the executor', () => {
  const cloud = require(path.join(repo, 'ecosystem.cloud.cjs')) as {
    apps: Array<{ name: string; env: Record<string, string>; args: string; stop_exit_codes: number[] }>;
  };
  assert.deepEqual(
    cloud.apps.map((a) => a.name),
    [
      'cloud-gmail-watcher',
      'cloud-twitter-watcher',
      'cloud-facebook-watcher',
      'cloud-instagram-watcher',
      'cloud-draft-worker',
      'cloud-odoo-mcp',
      'cloud-odoo-health',
      'cloud-git-sync',
      'cloud-watchdog',
    ],
  );
  for (const app of cloud.apps) {
    assert.equal(app.env['AGENT_ROLE'], 'cloud');
    assert.equal(app.env['CLOUD_DRAFT_ONLY'], 'true');
    assert.deepEqual(app.stop_exit_codes, [78], 'a watcher without credentials exits 78 and stays down');
  }
  const local = require(path.join(repo, 'ecosystem.local.cjs')) as {
    apps: Array<{ name: string; args: string; env: Record<string, string> }>;
  };
  assert.ok(local.apps.some((a) => a.args === 'worker local-executor' && a.env['AGENT_ROLE'] === 'local'));
});

test('the watchdog revives an errored app and restarts one whose heartbeat is stale; a crash loop raises one alert', async () => {
  await until('crasher errored', async () =>
    (await appOf('crasher'))?.pm2_env.status === 'errored' ? true : undefined,
  );
  // Why wait for more than "online": the watchdog calls a heartbeat stale only for an app up longer than
  // --stale-after (1 s) whose file says so; on a busy machine PM2 shows the app online before either holds.
  const hangerBefore = await until('hanger up for over a second, its stale heartbeat written', async () => {
    const app = await appOf('hanger');
    const upFor = Date.now() - (app?.pm2_env.pm_uptime ?? Date.now());
    const written = (await readdir(path.join(state, 'heartbeats')).catch(() => [] as string[])).includes('hanger.json');
    return app?.pm2_env.status === 'online' && upFor > 1500 && written ? app : undefined;
  });
  const watchdog = () =>
    run(process.execPath, [cli, 'watchdog', '--once', '--stale-after', '1', '--alert-after', '3'], { env });
  const actions = JSON.parse((await watchdog()).stdout) as Array<{ app: string; why: string }>;
  assert.deepEqual(actions.map((a) => `${a.app}:${a.why}`).sort(), ['crasher:errored', 'hanger:stale_heartbeat']);
  const hangerAfter = await until('hanger restarted', async () => {
    const app = await appOf('hanger');
    return app && app.pid !== hangerBefore.pid && app.pm2_env.status === 'online' ? app : undefined;
  });
  assert.ok(hangerAfter.pm2_env.restart_time > hangerBefore.pm2_env.restart_time);

  for (let round = 2; round <= 4; round += 1) {
    await until('crasher errored again', async () =>
      (await appOf('crasher'))?.pm2_env.status === 'errored' ? true : undefined,
    );
    await watchdog();
  }
  const alerts = (await readdir(path.join(vault, 'Updates'))).filter((n) => n.includes('crasher-keeps-failing'));
  assert.equal(alerts.length, 1, `one alert for the crash loop, got ${alerts.join(', ')}`);
});

test('start_cloud_stack.sh refuses to start when the guard finds a secret, and starts nothing', async () => {
  const secretVault = await tempVaultDir();
  await writeFile(path.join(secretVault, 'Inbox', 'credentials.json'), '{"installed":{}}');
  const before = (await jlist()).length;
  const result = await run('bash', [path.join(repo, 'scripts/cloud/start_cloud_stack.sh')], {
    env: { ...env, VAULT_PATH: secretVault, AI_EMPLOYEE_ENV_FILE: '/nonexistent' },
  }).then(
    () => ({ code: 0, stderr: '' }),
    (err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr }),
  );
  assert.equal(result.code, 1);
  assert.match(result.stderr, /credentials\.json/);
  assert.match(result.stderr, /security guard blocked the start/);
  assert.equal((await jlist()).length, before, 'no app was started');
});

test('start_cloud_stack.sh starts the nine cloud apps under the real PM2; stop_cloud_stack.sh removes them', async () => {
  const cleanVault = await tempVaultDir();
  const stackEnv = {
    ...env,
    VAULT_PATH: cleanVault,
    AI_EMPLOYEE_ENV_FILE: '/nonexistent',
    AI_EMPLOYEE_LOG_DIR: path.join(home, 'logs'),
  };
  await run('bash', [path.join(repo, 'scripts/cloud/start_cloud_stack.sh')], { env: stackEnv });
  const names = (await jlist()).map((a) => a.name).filter((n) => n.startsWith('cloud-'));
  assert.equal(names.length, 9);
  await run('bash', [path.join(repo, 'scripts/cloud/stop_cloud_stack.sh')], { env: stackEnv });
  assert.deepEqual(
    (await jlist()).map((a) => a.name).filter((n) => n.startsWith('cloud-')),
    [],
  );
});
