import { connect as netConnect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { connectPm2, type Pm2Control } from '../pm2-client.js';

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
 * Where the PM2 daemon of `home` answers: `<home>/rpc.sock` on POSIX; on Windows PM2 uses one fixed named pipe
 * (paths.js in pm2), whatever PM2_HOME says.
 */
export function pm2RpcEndpoint(home: string, platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? '\\\\.\\pipe\\rpc.sock' : path.join(home, 'rpc.sock');
}

/**
 * True when a PM2 daemon answers on its RPC endpoint. Why probe first: `pm2.connect()` launches a daemon when
 * none runs, and `status` (and `local stop|status`) must never start one (it would outlive the command and own
 * the machine's PM2). A leftover socket file of a dead daemon refuses the connection, so this is a live check.
 */
export function pm2DaemonAlive(home: string, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = netConnect(pm2RpcEndpoint(home));
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

/**
 * The apps of the PM2 daemon already running under `home`, or `reachable: false` when there is none (the
 * caller then shows heartbeats only). Never throws and never waits more than `timeoutMs` for PM2.
 * The daemon could die between the probe and the connect, in which case pm2 would start a fresh (empty) one:
 * a window of milliseconds, accepted because the only other way is to speak PM2's private RPC protocol.
 */
export async function probePm2(home: string, options: { timeoutMs?: number; now?: Date } = {}): Promise<Pm2Probe> {
  if (!(await pm2DaemonAlive(home))) return { reachable: false, home, apps: [] };
  const now = (options.now ?? new Date()).getTime();
  const timeoutMs = options.timeoutMs ?? 3000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`PM2 did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  let control: Pm2Control | undefined;
  const listing = connectPm2().then(async (c) => {
    control = c;
    return c.list();
  });
  try {
    const apps = await Promise.race([listing, timeout]);
    return {
      reachable: true,
      home,
      apps: apps.map((a) => ({
        name: a.name,
        status: a.status,
        restarts: a.restarts,
        uptime_seconds:
          a.status === 'online' && a.startedAt > 0 ? Math.max(0, Math.round((now - a.startedAt) / 1000)) : null,
      })),
    };
  } catch (err) {
    return { reachable: false, home, apps: [], error: (err as Error).message };
  } finally {
    clearTimeout(timer);
    // Why after the listing settles: a connect that finishes after our timeout must still be closed, or its
    // socket would keep this process alive.
    void listing.then(
      () => control?.close(),
      () => control?.close(),
    );
  }
}
