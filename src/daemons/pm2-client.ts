import type { ProcessDescription } from 'pm2';

/** What the watchdog and `status` need from PM2, as plain data. */
export interface Pm2App {
  name: string;
  status: string;
  restarts: number;
  /** When the current process started (ms since epoch); 0 if unknown. */
  startedAt: number;
  pid: number | undefined;
}

export interface Pm2Control {
  list(): Promise<Pm2App[]>;
  restart(name: string): Promise<void>;
  close(): Promise<void>;
}

function toApp(p: ProcessDescription): Pm2App {
  const env = (p.pm2_env ?? {}) as { status?: string; restart_time?: number; pm_uptime?: number };
  return {
    name: p.name ?? '?',
    status: env.status ?? 'unknown',
    restarts: env.restart_time ?? 0,
    startedAt: env.pm_uptime ?? 0,
    pid: p.pid,
  };
}

/**
 * Connects to the running PM2 daemon (PM2_HOME decides which). The programmatic API is callback-based and
 * keeps a socket open: always `close()`. Loaded lazily: pm2 is heavy and only the watchdog and status need it.
 */
export async function connectPm2(): Promise<Pm2Control> {
  const pm2 = (await import('pm2')).default;
  await new Promise<void>((resolve, reject) => pm2.connect((err) => (err ? reject(err) : resolve())));
  return {
    list: () =>
      new Promise((resolve, reject) => pm2.list((err, list) => (err ? reject(err) : resolve(list.map(toApp))))),
    restart: (name) => new Promise((resolve, reject) => pm2.restart(name, (err) => (err ? reject(err) : resolve()))),
    close: async () => pm2.disconnect(),
  };
}
