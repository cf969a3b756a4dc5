// `ai-employee local start|status|stop` run by Windows' own Node under Wine (issue 16, docs/windows-wine.md), from a
// checkout under `Mi Empresa — Büro/`. Its own file so that it runs beside test/integration/local-stack.test.ts.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { heartbeatAges, until } from '../../bench/lib/stack-pm2.js';
import { oddCheckout } from '../helpers/odd-checkout.js';
import { runWindowsNode, toWindowsPath, wineNodeOrSkip, type WineNode, type WineResult } from '../helpers/wine-node.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const LOCAL_APPS = ['local-executor', 'local-git-sync', 'local-dashboard', 'local-watchdog'];
// No VAULT_REMOTE here (Windows git is not under Wine): git sync has nothing to do and stops itself, said so.
const BEATING = LOCAL_APPS.filter((n) => n !== 'local-git-sync');

const built = existsSync(path.join(repo, 'dist/src/cli.js'));
const wine = built ? wineNodeOrSkip() : { skip: 'run `npm run build` first (npm test does)' };

/**
 * The same commands run by Windows' own Node under Wine (docs/windows-wine.md): PM2's daemon on its Windows named
 * pipe, Windows paths (`Z:\...`, spaces, accents) in a CRLF env file, no POSIX mode check. Wine is not Windows;
 * this catches Linux-only assumptions in the start path, it does not certify Windows.
 */
describe(
  'ai-employee local start|status|stop with Windows Node under Wine',
  { skip: 'skip' in wine && wine.skip },
  () => {
    const w = wine as WineNode;
    let base: string;
    let cli: string;
    let state: string;
    let env: Record<string, string>;
    const local = (...args: string[]) => runWindowsNode(w, [cli, 'local', ...args], { env, timeoutMs: 120_000 });
    const show = (r: WineResult) => `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;

    before(async () => {
      base = await mkdtemp(path.join(os.tmpdir(), 'local-stack-wine-'));
      cli = toWindowsPath(path.join(await oddCheckout(base), 'dist', 'src', 'cli.js'));
      const vault = path.join(base, 'Zoë’s vault — Büro');
      state = path.join(base, 'state dir');
      const init = await runWindowsNode(w, [cli, 'init', toWindowsPath(vault)], { env: {} });
      assert.equal(init.code, 0, show(init));
      const envFile = path.join(base, 'local.env');
      // As Notepad writes it: a byte-order mark, CRLF, Windows paths in double quotes (backslashes kept).
      await writeFile(
        envFile,
        `\uFEFFVAULT_PATH="${toWindowsPath(vault)}"\r\nAI_EMPLOYEE_STATE_DIR="${toWindowsPath(state)}"\r\nLOG_LEVEL=warn\r\n`,
      );
      env = {
        AI_EMPLOYEE_ENV_FILE: toWindowsPath(envFile),
        PM2_HOME: toWindowsPath(path.join(base, 'pm2')),
        AI_EMPLOYEE_LOG_DIR: toWindowsPath(path.join(base, 'logs')),
      };
    });

    after(async () => {
      if (env)
        await runWindowsNode(w, [toWindowsPath(path.join(repo, 'node_modules/pm2/bin/pm2')), 'kill'], {
          env,
          timeoutMs: 60_000,
        }).catch(() => undefined);
      await rm(base, { recursive: true, force: true });
    });

    test('start: the apps online and beating, git sync not configured; status exit 0; stop: gone, status exit 1', async () => {
      const started = await local('start');
      assert.equal(started.code, 0, show(started));
      assert.match(started.stdout, /env file: Z:\\.*local\.env \(3 variables\)/);
      for (const name of LOCAL_APPS) assert.match(started.stdout, new RegExp(`${name}\\s+started`));
      assert.doesNotMatch(started.stderr, /readable by other users/, 'no POSIX mode check on Windows');
      await until(
        'a heartbeat from every local app that has work',
        async () => ((await heartbeatAges(state, BEATING)).size === BEATING.length ? true : undefined),
        90_000,
        500,
      );
      const expected = LOCAL_APPS.map((n) => [n, n === 'local-git-sync' ? 'not configured' : 'online']);
      let json: { ok: boolean; apps: Array<{ name: string; status: string; reason?: string }> } | undefined;
      await until(
        'git sync stopped itself, not configured',
        async () => {
          const status = await local('status', '--json');
          json = JSON.parse(status.stdout) as typeof json;
          const seen = json!.apps.map((a) => [a.name, a.status]);
          return JSON.stringify(seen) === JSON.stringify(expected) && status.code === 0 ? true : undefined;
        },
        60_000,
        500,
      );
      assert.equal(json!.ok, true);
      assert.match(json!.apps.find((a) => a.name === 'local-git-sync')!.reason ?? '', /VAULT_REMOTE/);
      const stopped = await local('stop');
      assert.equal(stopped.code, 0, show(stopped));
      for (const name of LOCAL_APPS) assert.match(stopped.stdout, new RegExp(`${name}\\s+stopped`));
      const afterStop = await local('status', '--json');
      assert.equal(afterStop.code, 1, show(afterStop));
      assert.equal((JSON.parse(afterStop.stdout) as { ok: boolean }).ok, false);
    });
  },
);
