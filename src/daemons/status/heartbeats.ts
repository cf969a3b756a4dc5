import { readHeartbeats } from '../heartbeat.js';
import type { DaemonStatus } from './types.js';
import type { Pm2App } from './pm2.js';

/**
 * How often each daemon beats, when its heartbeat does not say (`detail.interval_ms`). The defaults of the
 * commands that write them; a daemon started with another `--interval` should put it in its heartbeat.
 */
const KNOWN_INTERVAL_MS: Readonly<Record<string, number>> = {
  'cloud-draft-worker': 10_000,
  'cloud-odoo-mcp': 15_000,
  'cloud-odoo-health': 60_000,
  'local-executor': 30_000,
  'local-dashboard': 15_000,
};

/** Without a known interval a heartbeat is stale after 10 minutes. */
export const DEFAULT_STALE_AFTER_MS = 10 * 60_000;
/** Why a floor: one slow cycle (an Odoo timeout, a long draft) must not make a healthy daemon look dead. */
const MIN_STALE_AFTER_MS = 2 * 60_000;

export function staleAfterMs(name: string, detail: Record<string, unknown> | undefined): number {
  const declared = detail?.['interval_ms'];
  const interval = typeof declared === 'number' && declared > 0 ? declared : KNOWN_INTERVAL_MS[name];
  return interval === undefined ? DEFAULT_STALE_AFTER_MS : Math.max(3 * interval, MIN_STALE_AFTER_MS);
}

/** PM2 states in which the app is not running and will not come back by itself. */
const PM2_DOWN = new Set(['errored', 'stopped', 'stopping']);

/**
 * One row per daemon: every heartbeat in the state dir, joined by name with the PM2 app of that name (an app
 * PM2 runs that never beat shows as `missing`).
 */
export async function readDaemons(stateDir: string, now: Date, pm2Apps: readonly Pm2App[]): Promise<DaemonStatus[]> {
  const beats = await readHeartbeats(stateDir);
  const byName = new Map<string, DaemonStatus>();
  for (const beat of beats) {
    if (typeof beat.name !== 'string' || typeof beat.at !== 'string') continue;
    const at = Date.parse(beat.at);
    const age = Number.isNaN(at) ? null : Math.max(0, Math.round((now.getTime() - at) / 1000));
    const staleAfter = Math.round(staleAfterMs(beat.name, beat.detail) / 1000);
    const stale = age === null || age > staleAfter;
    byName.set(beat.name, {
      name: beat.name,
      state: stale ? 'stale' : beat.ok === false ? 'failing' : 'ok',
      pid: beat.pid,
      last_beat: beat.at,
      age_seconds: age,
      stale_after_seconds: staleAfter,
      ok: typeof beat.ok === 'boolean' ? beat.ok : null,
      ...pausedOf(beat.detail),
    });
  }
  for (const app of pm2Apps) {
    const row = byName.get(app.name) ?? {
      name: app.name,
      state: 'missing' as const,
      age_seconds: null,
      stale_after_seconds: Math.round(staleAfterMs(app.name, undefined) / 1000),
      ok: null,
    };
    row.pm2 = { status: app.status, restarts: app.restarts, uptime_seconds: app.uptime_seconds };
    // Why PM2 wins over a fresh heartbeat: an errored app's last beat can still be young.
    if (PM2_DOWN.has(app.status)) row.state = 'failing';
    byName.set(app.name, row);
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** A watcher's heartbeat says `status: paused` while it waits for a human (runner.ts). */
function pausedOf(detail: Record<string, unknown> | undefined): Pick<DaemonStatus, 'paused'> {
  if (detail?.['status'] !== 'paused' || typeof detail['reason'] !== 'string') return {};
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const until = str(detail['until']);
  const grant = str(detail['grant']);
  return {
    paused: {
      kind: detail['kind'] === 'permission' ? 'permission' : 'auth',
      reason: detail['reason'],
      ...(until ? { until } : {}),
      ...(grant ? { grant } : {}),
    },
  };
}
