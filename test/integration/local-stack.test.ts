// `ai-employee local start|stop|status` under the real PM2 (issue 16): no bash, the apps of ecosystem.local.cjs
// through PM2's API, from a checkout whose path has spaces and accents (copied, as the odd-checkout-path test does),
// with the vault, state and env file under such a path too. A private PM2_HOME; its daemon is killed at the end.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { heartbeatAges, parseJlist, until, type Pm2App } from '../../bench/lib/stack-pm2.js';
import { pm2DaemonRunning } from '../../src/cli/local/pm2-stack.js';
import { createWorkspace, type Workspace } from '../../src/cli/up/workspace.js';
import { oddCheckout } from '../helpers/odd-checkout.js';

const run = promisify(execFile);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const LOCAL_APPS = ['local-executor', 'local-git-sync', 'local-dashboard', 'local-watchdog'];

interface Jlist extends Pm2App {
  pm2_env: Pm2App['pm2_env'] & { env?: Record<string, string>; AGENT_ROLE?: string; VAULT_PATH?: string };
}

describe(
  'ai-employee local start|stop|status',
  { skip: !existsSync(path.join(repo, 'dist/src/cli.js')) && 'run `npm run build` first (npm test does)' },
  () => {
    let base: string;
    let cli: string;
    let ws: Workspace;
    let env: NodeJS.ProcessEnv;
    let envFile: string;

    /** Runs the CLI of the odd checkout; never rejects, so a test can look at a failure's exit code. */
    const local = async (...args: string[]) =>
      run(process.execPath, [cli, 'local', ...args], { env, timeout: 120_000 }).then(
        (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
        (e: { code?: number; stdout?: string; stderr?: string }) => ({
          code: typeof e.code === 'number' ? e.code : -1,
          stdout: e.stdout ?? '',
          stderr: e.stderr ?? '',
        }),
      );
    const pm2 = (args: string[]) => run(path.join(repo, 'node_modules/.bin/pm2'), args, { env });
    const jlist = async () => parseJlist((await pm2(['jlist'])).stdout) as Jlist[];
    const byName = async () => new Map((await jlist()).map((a) => [a.name, a]));

    before(async () => {
      base = await mkdtemp(path.join(os.tmpdir(), 'local-stack-'));
      cli = path.join(await oddCheckout(base), 'dist', 'src', 'cli.js');
      ws = await createWorkspace(path.join(base, 'Zoë’s data'));
      const home = path.join(base, 'home');
      await mkdir(home);
      envFile = path.join(base, 'config dir', 'local.env');
      await mkdir(path.dirname(envFile));
      // Every form the parser accepts; AGENT_ROLE=cloud must be overridden (else the executor would refuse to run).
      await writeFile(
        envFile,
        [
          '# the owner laptop',
          `export VAULT_PATH="${ws.localVault}"`,
          `VAULT_REMOTE='${ws.remote}'`,
          `AI_EMPLOYEE_STATE_DIR = ${ws.localState}   # state outside the vault`,
          'SYNC_INTERVAL_SECONDS=2',
          'LOG_LEVEL=warn',
          'AGENT_ROLE=cloud',
          '',
        ].join('\r\n'),
      );
      await chmod(envFile, 0o600);
      env = {
        PATH: process.env['PATH'] ?? '',
        HOME: home,
        PM2_HOME: path.join(base, 'pm2 home'),
        AI_EMPLOYEE_ENV_FILE: envFile,
        AI_EMPLOYEE_LOG_DIR: ws.logs,
        GIT_COMMITTER_NAME: 'ai-employee local stack',
        GIT_COMMITTER_EMAIL: 'local-stack@ai-employee.invalid',
      };
    });

    after(async () => {
      await pm2(['kill']).catch(() => undefined);
      await rm(base, { recursive: true, force: true });
    });

    test('a secret in the vault refuses the start: exit 1, the file named, no PM2 daemon, no app', async () => {
      const planted = path.join(ws.localVault, '.env');
      await writeFile(planted, 'ODOO_API_KEY=fake-not-a-real-key\n');
      const r = await local('start');
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, /\.env: rule env-file/);
      assert.match(r.stderr, /blocked the start; nothing was started/);
      assert.doesNotMatch(r.stdout + r.stderr, /fake-not-a-real-key/, 'no value is ever printed');
      assert.equal(await pm2DaemonRunning(env['PM2_HOME']!), false, 'no PM2 daemon was started');
      assert.equal((await heartbeatAges(ws.localState, LOCAL_APPS)).size, 0);
      await rm(planted);
    });

    test('local start: the four local apps online, each beating, as the local role, the list saved', async () => {
      const r = await local('start');
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /env file: .*local\.env \(6 variables\)/);
      assert.match(r.stderr, /AGENT_ROLE=cloud is ignored/);
      for (const name of LOCAL_APPS) assert.match(r.stdout, new RegExp(`${name}\\s+started`));
      const apps = await until(
        'the four apps online',
        async () => {
          const list = await byName();
          return LOCAL_APPS.every((n) => list.get(n)?.pm2_env.status === 'online') ? list : undefined;
        },
        30_000,
        250,
      );
      assert.deepEqual([...apps.keys()].sort(), [...LOCAL_APPS].sort());
      for (const name of LOCAL_APPS) {
        const e = apps.get(name)!.pm2_env;
        assert.equal(e.AGENT_ROLE, 'local', `${name} runs as local`);
        assert.equal(e.VAULT_PATH, ws.localVault, `${name} got the env file's vault`);
      }
      await until(
        'a heartbeat from every local app',
        async () => ((await heartbeatAges(ws.localState, LOCAL_APPS)).size === LOCAL_APPS.length ? true : undefined),
        60_000,
        250,
      );
      // Still online once they have beaten: none is crash-looping (PM2 would count restarts).
      const later = await byName();
      for (const name of LOCAL_APPS) {
        assert.equal(later.get(name)?.pm2_env.status, 'online', name);
        assert.equal(later.get(name)?.pm2_env.restart_time, 0, `${name} never restarted`);
      }
      const dumpFile = path.join(env['PM2_HOME']!, 'dump.pm2');
      const dumped = (JSON.parse(await readFile(dumpFile, 'utf8')) as Array<{ name: string }>).map((a) => a.name);
      assert.deepEqual(dumped.sort(), [...LOCAL_APPS].sort(), 'pm2 save ran: resurrect brings them back');
      assert.equal((await stat(dumpFile)).mode & 0o077, 0, 'the dump (it holds the env) is owner-only');
    });

    test('local start again is idempotent (same pids, nothing restarted); --restart gives fresh processes', async () => {
      const before = await byName();
      const r = await local('start');
      assert.equal(r.code, 0, r.stdout + r.stderr);
      for (const name of LOCAL_APPS) assert.match(r.stdout, new RegExp(`${name}\\s+already running`));
      const now = await byName();
      for (const name of LOCAL_APPS) {
        assert.equal(now.get(name)?.pid, before.get(name)?.pid, `${name}: same process`);
        assert.equal(now.get(name)?.pm2_env.restart_time, before.get(name)?.pm2_env.restart_time);
      }
      // --restart: fresh processes (they take a changed env file), online again.
      const again = await local('start', '--restart');
      assert.equal(again.code, 0, again.stdout + again.stderr);
      for (const name of LOCAL_APPS) assert.match(again.stdout, new RegExp(`${name}\\s+restarted \\(was online\\)`));
      await until(
        'the four apps online with new pids',
        async () => {
          const list = await byName();
          return LOCAL_APPS.every(
            (n) => list.get(n)?.pm2_env.status === 'online' && list.get(n)?.pid !== now.get(n)?.pid,
          )
            ? true
            : undefined;
        },
        30_000,
        250,
      );
    });

    test('local status: exit 0, and --json lists the four apps online', async () => {
      const text = await local('status');
      assert.equal(text.code, 0, text.stdout + text.stderr);
      for (const name of LOCAL_APPS) assert.match(text.stdout, new RegExp(`${name}\\s+online`));
      const r = await local('status', '--json');
      assert.equal(r.code, 0, r.stderr);
      const json = JSON.parse(r.stdout) as {
        ok: boolean;
        pm2_running: boolean;
        apps: Array<{ name: string; status: string; pid: number; uptime_seconds: number }>;
      };
      assert.equal(json.ok, true);
      assert.equal(json.pm2_running, true);
      assert.deepEqual(
        json.apps.map((a) => a.name),
        LOCAL_APPS,
      );
      for (const a of json.apps) {
        assert.equal(a.status, 'online');
        assert.ok(a.pid > 0 && a.uptime_seconds >= 0);
      }
    });

    test("local stop: the local apps gone, the owner's other PM2 app untouched; status then exits 1", async () => {
      const other = path.join(base, 'bystander.cjs');
      await writeFile(other, 'setInterval(() => {}, 1000);\n');
      // Through the API's shape (a config file), as any other tool of the owner would start its own app.
      const conf = path.join(base, 'bystander.config.cjs');
      await writeFile(
        conf,
        `module.exports = { apps: [{ name: 'bystander', script: ${JSON.stringify(path.basename(other))}, cwd: ${JSON.stringify(base)} }] };\n`,
      );
      await pm2(['start', conf]);
      const bystander = await until(
        'the bystander online',
        async () => {
          const a = (await byName()).get('bystander');
          return a?.pm2_env.status === 'online' ? a : undefined;
        },
        20_000,
      );
      const r = await local('stop');
      assert.equal(r.code, 0, r.stdout + r.stderr);
      for (const name of LOCAL_APPS) assert.match(r.stdout, new RegExp(`${name}\\s+stopped`));
      const left = await byName();
      assert.deepEqual([...left.keys()], ['bystander'], 'only the local apps were removed');
      assert.equal(left.get('bystander')?.pid, bystander.pid, 'the bystander was not restarted');
      assert.equal(left.get('bystander')?.pm2_env.status, 'online');
      const dumped = (
        JSON.parse(await readFile(path.join(env['PM2_HOME']!, 'dump.pm2'), 'utf8')) as Array<{ name: string }>
      ).map((a) => a.name);
      assert.deepEqual(dumped, ['bystander'], 'the saved list no longer brings the local apps back');
      const status = await local('status', '--json');
      assert.equal(status.code, 1, 'not online → exit 1');
      const json = JSON.parse(status.stdout) as { ok: boolean; apps: Array<{ status: string }> };
      assert.equal(json.ok, false);
      assert.ok(json.apps.every((a) => a.status === 'not running'));
      const again = await local('stop');
      assert.equal(again.code, 0);
      assert.match(again.stdout, /Nothing was running/);
    });
  },
);
