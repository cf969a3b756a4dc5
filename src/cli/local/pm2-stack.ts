import { constants } from 'node:fs';
import { access, chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { ProcessDescription } from 'pm2';
import { AppError } from '../../core/errors.js';
import { pm2DaemonAlive } from '../../daemons/status/pm2.js';
import type { AppDefinition } from './apps.js';

/** One process in PM2's list, as plain data. */
export interface Pm2Row {
  name: string;
  status: string;
  pid: number | undefined;
  restarts: number;
  /** When the current process started (ms since epoch); 0 if unknown. */
  startedAt: number;
}

/** What `local start|stop|status` need from PM2's programmatic API. */
export interface Pm2Api {
  list(): Promise<Pm2Row[]>;
  start(app: AppDefinition): Promise<void>;
  remove(name: string): Promise<void>;
  /** `pm2 save`: writes the list to dump.pm2, which `pm2 resurrect` (and `pm2 startup`) bring back. */
  save(): Promise<void>;
  close(): void;
}

/** `local stop|status` ask before connecting, so that they never leave a daemon nobody asked for. */
export const pm2DaemonRunning = (home: string): Promise<boolean> => pm2DaemonAlive(home, 1000);

const CONNECT_TIMEOUT_MS = 30_000;

/**
 * Connects to PM2 (starting its daemon when none runs). pm2 is imported here, after the env file was applied:
 * it reads PM2_HOME once, when it is loaded.
 */
export async function connectPm2Api(home: string): Promise<Pm2Api> {
  // Why check first: pm2 creates its folders when it is loaded and, when it cannot, prints stack traces and exits.
  try {
    await mkdir(home, { recursive: true });
    await access(home, constants.W_OK);
  } catch (err) {
    throw new AppError(
      'invalid_input',
      `PM2's folder ${home} cannot be created or written (${(err as NodeJS.ErrnoException).code ?? 'error'}); ` +
        'set PM2_HOME to a folder you own, or fix its permissions.',
    );
  }
  const pm2 = (await import('pm2')).default;
  const cannot = (why: string) =>
    new AppError(
      'upstream',
      `PM2 could not start or answer (${why}). Check that ${home} is writable and see ${path.join(home, 'pm2.log')}; ` +
        'then run `npx pm2 kill` in the checkout and start again.',
    );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(cannot(`no answer within ${CONNECT_TIMEOUT_MS / 1000} s`)),
      CONNECT_TIMEOUT_MS,
    );
    pm2.connect((err) => {
      clearTimeout(timer);
      if (err) reject(cannot(err.message));
      else resolve();
    });
  });
  const call = <T>(what: string, fn: (cb: (err: Error | null | undefined, value?: T) => void) => void) =>
    new Promise<T | undefined>((resolve, reject) =>
      fn((err, value) =>
        err ? reject(new AppError('upstream', `PM2 ${what} failed: ${messageOf(err)}`)) : resolve(value),
      ),
    );
  return {
    list: async () => ((await call<ProcessDescription[]>('list', (cb) => pm2.list(cb))) ?? []).map(toRow),
    start: async (app) => void (await call(`start of ${app.name}`, (cb) => pm2.start(app, cb))),
    remove: async (name) => void (await call(`delete of ${name}`, (cb) => pm2.delete(name, cb))),
    save: async () => {
      // Why force: after `stop` the list may be empty, and an empty list must replace the saved one, or the
      // next boot would bring the stopped apps back. (pm2's typings omit the force argument.)
      const dump = pm2.dump as unknown as (force: boolean, cb: (err?: Error | null) => void) => void;
      await call('save', (cb) => dump.call(pm2, true, cb));
      // The dump holds the apps' environment, the env file's secrets included: owner-only, like the env file.
      if (process.platform !== 'win32')
        for (const file of ['dump.pm2', 'dump.pm2.bak'])
          await chmod(path.join(home, file), 0o600).catch(() => undefined);
    },
    close: () => pm2.disconnect(),
  };
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (Array.isArray(err)) return err.map(messageOf).join('; ');
  return String(err);
}

function toRow(p: { name?: string; pid?: number; pm2_env?: unknown }): Pm2Row {
  const env = (p.pm2_env ?? {}) as { status?: string; restart_time?: number; pm_uptime?: number };
  return {
    name: p.name ?? '?',
    status: env.status ?? 'unknown',
    pid: p.pid || undefined,
    restarts: env.restart_time ?? 0,
    startedAt: env.pm_uptime ?? 0,
  };
}

export type StartAction = 'started' | 'already running' | 'restarted';

/**
 * Starts the apps that are not online. Idempotent: an online app is left alone unless `restart`. An app PM2
 * holds but not online (stopped, errored) is deleted and started fresh, so it takes today's env file.
 */
export async function startApps(
  pm2: Pm2Api,
  apps: AppDefinition[],
  options: { restart?: boolean } = {},
): Promise<Array<{ name: string; action: StartAction; was?: string }>> {
  const before = new Map((await pm2.list()).map((r) => [r.name, r]));
  const done: Array<{ name: string; action: StartAction; was?: string }> = [];
  for (const app of apps) {
    const row = before.get(app.name);
    if (row?.status === 'online' && !options.restart) {
      done.push({ name: app.name, action: 'already running' });
      continue;
    }
    // Why delete and start rather than `pm2 restart`: a restart keeps the environment PM2 stored at the first
    // start; a fresh start takes the definitions and the env file as they are now.
    if (row) await pm2.remove(app.name);
    await pm2.start(app);
    done.push(row ? { name: app.name, action: 'restarted', was: row.status } : { name: app.name, action: 'started' });
  }
  await pm2.save();
  return done;
}

/** Deletes the named apps from PM2 (only those: the owner's other PM2 apps are not ours), then saves the list. */
export async function stopApps(
  pm2: Pm2Api,
  names: string[],
): Promise<Array<{ name: string; action: 'stopped' | 'not running' }>> {
  const present = new Set((await pm2.list()).map((r) => r.name));
  const done: Array<{ name: string; action: 'stopped' | 'not running' }> = [];
  for (const name of names) {
    if (!present.has(name)) {
      done.push({ name, action: 'not running' });
      continue;
    }
    await pm2.remove(name);
    done.push({ name, action: 'stopped' });
  }
  if (done.some((d) => d.action === 'stopped')) await pm2.save();
  return done;
}

export interface AppStatus {
  name: string;
  /** PM2's status (`online`, `stopped`, `errored`, ...), or `not running` when PM2 does not hold it. */
  status: string;
  pid: number | null;
  restarts: number;
  uptime_seconds: number | null;
  /** For `not configured`: why the app stopped itself (its not-configured record). */
  reason?: string;
}

/** The local apps as `status` shows them, in the order of the definitions. */
export function appStatuses(names: string[], rows: Pm2Row[], now: number): AppStatus[] {
  const byName = new Map(rows.map((r) => [r.name, r]));
  return names.map((name) => {
    const row = byName.get(name);
    if (!row) return { name, status: 'not running', pid: null, restarts: 0, uptime_seconds: null };
    return {
      name,
      status: row.status,
      pid: row.pid ?? null,
      restarts: row.restarts,
      uptime_seconds:
        row.status === 'online' && row.startedAt > 0 ? Math.max(0, Math.round((now - row.startedAt) / 1000)) : null,
    };
  });
}
