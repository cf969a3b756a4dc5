import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, readFile, watch, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { newTaskText } from '../../src/core/vault/frontmatter.js';
import type { Heartbeat } from '../../src/daemons/heartbeat.js';
import { tempVaultDir } from '../helpers/vault.js';

const run = promisify(execFile);
const CLI = 'dist/src/cli.js';

async function setup() {
  const root = await tempVaultDir('dash-cli-');
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'dash-cli-state-'));
  await writeFile(
    path.join(root, 'Updates', '20261126T100000Z_cloud_odoo-is-down_aaaaaa.md'),
    newTaskText(
      { type: 'update', level: 'alert', title: 'Odoo is down', created: '2026-11-26T10:00:00.000Z', role: 'cloud' },
      '# Odoo is down\n\nUnreachable.',
    ),
  );
  const env = (role: string): NodeJS.ProcessEnv => ({
    PATH: process.env['PATH'] ?? '',
    AGENT_ROLE: role,
    VAULT_PATH: root,
    AI_EMPLOYEE_STATE_DIR: stateDir,
    LOG_LEVEL: 'warn',
  });
  return { root, stateDir, env };
}

describe('ai-employee dashboard (built CLI)', () => {
  it('local merges and removes; cloud is refused with one line and changes nothing', async () => {
    const { root, env } = await setup();
    const refused = await run(process.execPath, [CLI, 'dashboard'], { env: env('cloud'), timeout: 20_000 }).then(
      () => assert.fail('cloud must be refused'),
      (err: { code: number; stderr: string }) => err,
    );
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr.trim().split('\n').length, 1);
    assert.match(refused.stderr, /local machine only/);
    assert.equal((await readdir(path.join(root, 'Updates'))).filter((n) => n.endsWith('.md')).length, 1);

    const { stdout } = await run(process.execPath, [CLI, 'dashboard'], { env: env('local'), timeout: 20_000 });
    assert.match(stdout, /merged 1 update, removed 1/);
    assert.match(await readFile(path.join(root, 'Dashboard.md'), 'utf8'), /- \[ \] [^\n]*\*\*Odoo is down\*\*/);
  });

  it('--watch merges, beats as local-dashboard, and stops on SIGTERM', async () => {
    const { root, stateDir, env } = await setup();
    const beats = path.join(stateDir, 'heartbeats');
    await mkdir(beats, { recursive: true });
    const signal = AbortSignal.timeout(20_000);
    // Watching starts before the child does, so its first heartbeat cannot slip by unseen.
    const beaten = (async () => {
      for await (const event of watch(beats, { signal })) if (event.filename === 'local-dashboard.json') return;
    })();
    const child = spawn(process.execPath, [CLI, 'dashboard', '--watch', '--interval', '60'], {
      env: env('local'),
      stdio: 'ignore',
    });
    try {
      // Woken by the file system, not by polling: the first pass ends with the heartbeat's rename.
      await beaten;
      const beat = JSON.parse(await readFile(path.join(beats, 'local-dashboard.json'), 'utf8')) as Heartbeat;
      assert.equal(beat.ok, true);
      assert.equal(beat.pid, child.pid);
      assert.deepEqual(beat.detail, { interval_ms: 60_000, merged: 1, written: true });
      assert.deepEqual(
        (await readdir(path.join(root, 'Updates'))).filter((n) => n.endsWith('.md')),
        [],
      );
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0);
  });
});
