import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
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

export function heartbeatDir(stateDir: string): string {
  return path.join(stateDir, 'heartbeats');
}

export async function writeHeartbeat(stateDir: string, beat: Omit<Heartbeat, 'pid'>): Promise<void> {
  const dir = heartbeatDir(stateDir);
  await mkdir(dir, { recursive: true });
  // Under PM2 (which sets `name` and `pm_id` in the app's environment) the beat is also filed under the app's
  // name, so the watchdog finds it whatever the daemon calls itself.
  const pm2Name = process.env['pm_id'] !== undefined ? process.env['name'] : undefined;
  const names = pm2Name && pm2Name !== beat.name ? [beat.name, pm2Name] : [beat.name];
  for (const name of names) {
    const file = path.join(dir, `${name}.json`);
    // Why temp + rename: a reader must never see half a file. No fsync: a lost heartbeat is harmless.
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify({ ...beat, name, pid: process.pid }));
    await rename(temp, file);
  }
}

export async function readHeartbeats(stateDir: string): Promise<Heartbeat[]> {
  const dir = heartbeatDir(stateDir);
  const out: Heartbeat[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!name.endsWith('.json')) continue;
    try {
      out.push(JSON.parse(await readFile(path.join(dir, name), 'utf8')) as Heartbeat);
    } catch {
      // being rewritten; the next read will have it
    }
  }
  return out;
}
