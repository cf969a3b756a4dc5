import { mkdir, open, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * A daemon's sign of life: `<state dir>/heartbeats/<name>.json`, rewritten on every cycle. The watchdog and
 * `status` read its age. It lives outside the vault: it changes every few seconds and means nothing to git.
 */
export interface Heartbeat {
  name: string;
  pid: number;
  at: string;
  ok: boolean;
  detail?: Record<string, unknown>;
}

/**
 * Why a daemon ended itself with nothing to do (exit 78): `<state dir>/not-configured/<name>.json`, written once
 * as it exits. Not a heartbeat (the process is gone, and the watchdog and tools that wait for a first beat must
 * not take it for one); `status` shows it as "not configured" until a heartbeat newer than it says otherwise.
 */
export interface NotConfiguredRecord {
  name: string;
  pid: number;
  at: string;
  state: 'not_configured';
  /** One line for the owner, e.g. "no credentials (set INSTAGRAM_USER_ID, INSTAGRAM_TOKEN); not watching." */
  reason: string;
  /** The environment variables it needs. */
  missing: string[];
}

export function heartbeatDir(stateDir: string): string {
  return path.join(stateDir, 'heartbeats');
}

export function notConfiguredDir(stateDir: string): string {
  return path.join(stateDir, 'not-configured');
}

/**
 * The names a record is filed under: the daemon's own, and under PM2 (which sets `name` and `pm_id` in the app's
 * environment) also the app's name, so the watchdog and `status` find it whatever the daemon calls itself.
 */
function namesFor(name: string): string[] {
  const pm2Name = process.env['pm_id'] !== undefined ? process.env['name'] : undefined;
  return pm2Name && pm2Name !== name ? [name, pm2Name] : [name];
}

export async function writeHeartbeat(stateDir: string, beat: Omit<Heartbeat, 'pid'>): Promise<void> {
  const dir = heartbeatDir(stateDir);
  await mkdir(dir, { recursive: true });
  for (const name of namesFor(beat.name)) {
    const file = path.join(dir, `${name}.json`);
    // Why temp + rename: a reader must never see half a file. No fsync: a lost heartbeat is harmless.
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify({ ...beat, name, pid: process.pid }));
    await rename(temp, file);
  }
}

/** Records why this daemon has nothing to do. Durable (fsync): it is written once, and the process exits next. */
export async function writeNotConfigured(
  stateDir: string,
  record: Omit<NotConfiguredRecord, 'pid' | 'state'>,
): Promise<void> {
  const dir = notConfiguredDir(stateDir);
  await mkdir(dir, { recursive: true });
  for (const name of namesFor(record.name)) {
    const file = path.join(dir, `${name}.json`);
    const temp = `${file}.${process.pid}.tmp`;
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(JSON.stringify({ ...record, name, pid: process.pid, state: 'not_configured' }));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  }
  await fsyncDir(dir);
}

async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => undefined);
  if (!handle) return; // Windows cannot open a folder; its rename is durable enough for a status line
  try {
    await handle.sync().catch(() => undefined);
  } finally {
    await handle.close();
  }
}

async function readRecords<T>(dir: string): Promise<T[]> {
  const out: T[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!name.endsWith('.json')) continue;
    try {
      out.push(JSON.parse(await readFile(path.join(dir, name), 'utf8')) as T);
    } catch {
      // being rewritten; the next read will have it
    }
  }
  return out;
}

export function readHeartbeats(stateDir: string): Promise<Heartbeat[]> {
  return readRecords<Heartbeat>(heartbeatDir(stateDir));
}

/** Every well-formed not-configured record (a malformed one is ignored: status then shows the daemon as before). */
export async function readNotConfigured(stateDir: string): Promise<NotConfiguredRecord[]> {
  const records = await readRecords<Partial<NotConfiguredRecord>>(notConfiguredDir(stateDir));
  return records.flatMap((r) =>
    typeof r.name === 'string' && typeof r.at === 'string' && !Number.isNaN(Date.parse(r.at))
      ? [
          {
            name: r.name,
            pid: typeof r.pid === 'number' ? r.pid : 0,
            at: r.at,
            state: 'not_configured' as const,
            reason: typeof r.reason === 'string' ? r.reason : 'not configured',
            missing: Array.isArray(r.missing) ? r.missing.filter((m): m is string => typeof m === 'string') : [],
          },
        ]
      : [],
  );
}
