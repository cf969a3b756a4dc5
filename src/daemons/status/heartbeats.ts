import { readHeartbeats, readNotConfigured, type NotConfiguredRecord } from '../heartbeat.js';
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
 * A not-configured record older than the PM2 process that runs the app now, by more than this, was left by an
 * earlier run (the owner has since set the variables and restarted it). Why a margin: PM2's uptime is rounded to
 * the second here, and the record of an app that is just exiting is written after its own start.
 */
const EARLIER_RUN_MARGIN_MS = 2_000;

/**
 * One row per daemon: every heartbeat in the state dir, joined by name with the PM2 app of that name (an app
 * PM2 runs that never beat shows as `missing`). A daemon that ended itself with nothing to do shows as
 * `not_configured` with its reason, unless a newer heartbeat, or a PM2 run that began after it, says otherwise.
 */
export async function readDaemons(stateDir: string, now: Date, pm2Apps: readonly Pm2App[]): Promise<DaemonStatus[]> {
  const [beats, records] = await Promise.all([readHeartbeats(stateDir), readNotConfigured(stateDir)]);
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
  // Why newer wins: once the owner sets the variables and restarts the daemon, its heartbeats are the truth.
  const notConfigured = new Map<string, NotConfiguredRecord>();
  for (const record of records) {
    const lastBeat = Date.parse(byName.get(record.name)?.last_beat ?? '');
    if (Number.isNaN(lastBeat) || Date.parse(record.at) > lastBeat) notConfigured.set(record.name, record);
  }
  const pm2ByName = new Map(pm2Apps.map((app) => [app.name, app]));
  for (const record of notConfigured.values()) {
    const app = pm2ByName.get(record.name);
    if (app && !recordCoversPm2Run(record, app, now)) continue;
    const row = byName.get(record.name) ?? beatlessRow(record.name, 'not_configured');
    row.state = 'not_configured';
    row.not_configured = { reason: record.reason, missing: record.missing, at: record.at };
    byName.set(record.name, row);
  }
  for (const app of pm2Apps) {
    const row = byName.get(app.name) ?? beatlessRow(app.name, 'missing');
    row.pm2 = { status: app.status, restarts: app.restarts, uptime_seconds: app.uptime_seconds };
    // Why PM2 wins over a fresh heartbeat: an errored app's last beat can still be young. A stopped app that
    // said it has nothing to do is not down: it is waiting for its settings.
    if (PM2_DOWN.has(app.status) && row.state !== 'not_configured') row.state = 'failing';
    byName.set(app.name, row);
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Whether a not-configured record describes the app PM2 has now: it is stopped (exit 78 stops it for good), or
 * it is online but the record was written during this run (it is exiting). Not when PM2 gave up on it
 * (`errored`: later runs crashed for another reason) or started it again after the record (newly configured).
 */
function recordCoversPm2Run(record: NotConfiguredRecord, app: Pm2App, now: Date): boolean {
  if (app.status === 'errored') return false;
  if (app.status !== 'online' || app.uptime_seconds === null) return true;
  const startedAt = now.getTime() - app.uptime_seconds * 1000;
  return Date.parse(record.at) >= startedAt - EARLIER_RUN_MARGIN_MS;
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

/** The row of a daemon that has never written a heartbeat here. */
function beatlessRow(name: string, state: 'missing' | 'not_configured'): DaemonStatus {
  return {
    name,
    state,
    age_seconds: null,
    stale_after_seconds: Math.round(staleAfterMs(name, undefined) / 1000),
    ok: null,
  };
}
