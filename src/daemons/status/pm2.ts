import { connect as netConnect } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** One PM2 app as `status` shows it. */
export interface Pm2App {
  name: string;
  status: string;
  restarts: number;
  uptime_seconds: number | null;
}

export interface Pm2Probe {
  reachable: boolean;
  home: string;
  apps: Pm2App[];
  error?: string;
}

/** PM2's home, as pm2 itself resolves it: PM2_HOME, else ~/.pm2. */
export function pm2Home(env: NodeJS.ProcessEnv = process.env): string {
  return env['PM2_HOME'] || path.join(os.homedir(), '.pm2');
}

/**
 * True when a PM2 daemon answers on `<home>/rpc.sock`. Why probe first: `pm2.connect()` launches a daemon
 * when none runs, and `status` must never start one (it would outlive the command and own the machine's PM2).
 * A leftover socket file of a dead daemon refuses the connection, so this is a live check, not a file check.
 */
export function pm2DaemonAlive(home: string, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = netConnect(path.join(home, 'rpc.sock'));
    const done = (alive: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(alive);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

interface Pm2Process {
  name?: string;
  pm2_env?: { status?: string; restart_time?: number; pm_uptime?: number };
}

/**
 * The apps of the PM2 daemon already running under `home`, or `reachable: false` when there is none (the
 * caller then shows heartbeats only). Never throws and never waits more than `timeoutMs` for PM2.
 * The daemon could die between the probe and the connect, in which case pm2 would start a fresh (empty) one:
 * a window of milliseconds, accepted because the only other way is to speak PM2's private RPC protocol.
 */
export async function probePm2(home: string, options: { timeoutMs?: number; now?: Date } = {}): Promise<Pm2Probe> {
  if (!(await pm2DaemonAlive(home))) return { reachable: false, home, apps: [] };
  const now = (options.now ?? new Date()).getTime();
  // Loaded only when a daemon answers: pm2 is large, and requiring it creates its home folders.
  const pm2 = (await import('pm2')).default;
  const list = new Promise<Pm2Process[]>((resolve, reject) => {
    pm2.connect((err) => {
      if (err) return reject(err);
      pm2.list((listErr, procs) => (listErr ? reject(listErr) : resolve(procs as Pm2Process[])));
    });
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`PM2 did not answer within ${options.timeoutMs ?? 3000} ms`)),
      options.timeoutMs ?? 3000,
    );
  });
  try {
    const procs = await Promise.race([list, timeout]);
    return {
      reachable: true,
      home,
      apps: procs.map((p) => ({
        name: p.name ?? '?',
        status: p.pm2_env?.status ?? 'unknown',
        restarts: p.pm2_env?.restart_time ?? 0,
        uptime_seconds:
          p.pm2_env?.status === 'online' && typeof p.pm2_env.pm_uptime === 'number'
            ? Math.max(0, Math.round((now - p.pm2_env.pm_uptime) / 1000))
            : null,
      })),
    };
  } catch (err) {
    return { reachable: false, home, apps: [], error: (err as Error).message };
  } finally {
    clearTimeout(timer);
    pm2.disconnect();
  }
}
