// The real cloud stack (ecosystem.cloud.cjs, nine apps) under a private PM2 (own PM2_HOME and HOME), pointed at
// the stand-ins of this process and a fresh two-vault workspace. Shared by test/integration/pm2-cloud-stack and
// bench/cloud-stack-memory. Everything lives in one temp dir; stop() kills that PM2 daemon and removes the dir.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { standinEnv, startStandins, type Standins } from '../../src/cli/up/standins.js';
import { createWorkspace, type Workspace } from '../../src/cli/up/workspace.js';

const run = promisify(execFile);

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const pm2Bin = path.join(repo, 'node_modules/.bin/pm2');
export const cli = path.join(repo, 'dist/src/cli.js');

export const CLOUD_APPS = [
  'cloud-gmail-watcher',
  'cloud-twitter-watcher',
  'cloud-facebook-watcher',
  'cloud-instagram-watcher',
  'cloud-draft-worker',
  'cloud-odoo-mcp',
  'cloud-odoo-health',
  'cloud-git-sync',
  'cloud-watchdog',
] as const;

export interface Pm2App {
  name: string;
  pid: number;
  pm2_env: {
    status: string;
    restart_time: number;
    pm_uptime: number;
    /** The last restart delay of the exponential backoff; PM2 sets it back to 0 after 30 s up. */
    prev_restart_delay?: number;
  };
  monit?: { memory: number; cpu: number };
}

export interface CloudStack {
  root: string;
  ws: Workspace;
  standins: Standins;
  /** The environment of the `pm2-ecosystem.cjs start` call (and of every pm2/CLI call the caller makes). */
  env: NodeJS.ProcessEnv;
  /** The environment of the local side (for its `sync --once`). */
  localEnv: NodeJS.ProcessEnv;
  jlist(): Promise<Pm2App[]>;
  /** Runs `node dist/src/cli.js <args>` as the cloud role; resolves with stdout. */
  cloudCli(args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<string>;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Seconds between watcher polls (six-field cron), default 2. */
  watchEverySeconds?: number;
  logLevel?: string;
}

/** Polls `probe` until it returns a value, every `everyMs`, for at most `timeoutMs`. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * Lays out the workspace, seeds the remote as the sandbox does (local `sync --once` first, then cloud), and
 * starts the nine cloud apps with `node scripts/pm2-ecosystem.cjs start ecosystem.cloud.cjs`.
 * On any failure it cleans up what it started before rethrowing.
 */
export async function startCloudStack(options: StackOptions = {}): Promise<CloudStack> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'pm2-cloud-stack-'));
  const home = path.join(root, 'home');
  const standins = await startStandins();
  const every = `*/${options.watchEverySeconds ?? 2} * * * * *`;
  let started = false;
  const base: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '',
    HOME: home,
    PM2_HOME: path.join(home, '.pm2'),
    LOG_LEVEL: options.logLevel ?? 'warn',
    ...standinEnv(standins),
    SYNC_INTERVAL_SECONDS: '2',
    WATCH_GMAIL_SCHEDULE: every,
    WATCH_TWITTER_SCHEDULE: every,
    WATCH_FACEBOOK_SCHEDULE: every,
    WATCH_INSTAGRAM_SCHEDULE: every,
    GIT_COMMITTER_NAME: 'ai-employee pm2 stack',
    GIT_COMMITTER_EMAIL: 'pm2-stack@ai-employee.invalid',
  };
  const pm2 = (args: string[], env: NodeJS.ProcessEnv) => run(pm2Bin, args, { env, maxBuffer: 64 * 1024 * 1024 });
  let env: NodeJS.ProcessEnv = base;
  let stopped = false;
  // Idempotent: the test calls it itself, and again from after().
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (started) await pm2(['kill'], env).catch(() => undefined);
    await standins.close().catch(() => undefined);
    await rm(root, { recursive: true, force: true }).catch(() => undefined);
  };
  try {
    const ws = await createWorkspace(path.join(root, 'ws'));
    env = {
      ...base,
      AGENT_ROLE: 'cloud',
      VAULT_PATH: ws.cloudVault,
      VAULT_REMOTE: ws.remote,
      AI_EMPLOYEE_STATE_DIR: ws.cloudState,
      AI_EMPLOYEE_LOG_DIR: ws.logs,
    };
    const localEnv: NodeJS.ProcessEnv = {
      ...base,
      AGENT_ROLE: 'local',
      VAULT_PATH: ws.localVault,
      VAULT_REMOTE: ws.remote,
      AI_EMPLOYEE_STATE_DIR: ws.localState,
    };
    // The owner's machine seeds the shared history; cloud joins it (as `npm start`'s sandbox does).
    await run(process.execPath, [cli, 'sync', '--once'], { env: localEnv });
    await run(process.execPath, [cli, 'sync', '--once'], { env });
    started = true;
    await run(process.execPath, [path.join(repo, 'scripts/pm2-ecosystem.cjs'), 'start', 'ecosystem.cloud.cjs'], {
      env,
      cwd: repo,
    });
    const stackEnv = env;
    return {
      root,
      ws,
      standins,
      env: stackEnv,
      localEnv,
      jlist: async () => parseJlist((await pm2(['jlist'], stackEnv)).stdout),
      cloudCli: async (args, extraEnv = {}) =>
        (await run(process.execPath, [cli, ...args], { env: { ...stackEnv, ...extraEnv } })).stdout,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** `pm2 jlist`'s JSON; the first CLI call in a fresh PM2_HOME prints PM2's banner before it. */
export function parseJlist(stdout: string): Pm2App[] {
  const line = stdout.split('\n').find((l) => l.startsWith('['));
  if (!line) throw new Error(`pm2 jlist printed no list: ${stdout.slice(0, 200)}`);
  return JSON.parse(line) as Pm2App[];
}

/** The resident set of one process in bytes (VmRSS of /proc/<pid>/status), or 0 when it is gone. */
export async function rssBytes(pid: number): Promise<number> {
  if (!(pid > 0)) return 0;
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The heartbeat age in ms of every app that has one under AI_EMPLOYEE_STATE_DIR/heartbeats/<app>.json. */
export async function heartbeatAges(stateDir: string, names: readonly string[]): Promise<Map<string, number>> {
  const ages = new Map<string, number>();
  for (const name of names) {
    try {
      const beat = JSON.parse(await readFile(path.join(stateDir, 'heartbeats', `${name}.json`), 'utf8')) as {
        at: string;
      };
      ages.set(name, Date.now() - Date.parse(beat.at));
    } catch {
      // none yet, or being rewritten
    }
  }
  return ages;
}
