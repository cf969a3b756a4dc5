import { writeNotConfigured } from '../daemons/heartbeat.js';
import { pm2DaemonAlive, pm2Home } from '../daemons/status/pm2.js';
import { say, warn } from './print.js';

/**
 * Exit code of a daemon with nothing to do: no credentials, no Odoo, no remote (sysexits EX_CONFIG).
 * scripts/pm2-apps.cjs lists it in `stop_exit_codes`, so PM2 leaves the app `stopped` instead of restarting it.
 * Why not 0: PM2 also reports a process killed by a signal (SIGKILL, the OOM killer) as exit 0, and that one
 * must come back.
 */
export const UNCONFIGURED_EXIT_CODE = 78;

export interface Unconfigured {
  /** The daemon's name, as its heartbeat calls it (`cloud-instagram-watcher`, `cloud-odoo-mcp`, ...). */
  name: string;
  /** Who speaks, for the printed line: `instagram watcher`, `odoo worker`. */
  label: string;
  /** One line for the owner: what is missing and what the daemon therefore does not do. */
  reason: string;
  /** The environment variables to set. */
  missing: string[];
}

/**
 * Ends a daemon that has nothing to do: prints the one-line reason (PM2 keeps it in the app's log), records it
 * under the state dir for `status` (unless `record` is false: a one-shot `--once` run is not the daemon), and
 * exits with 78. Never returns.
 */
export async function endUnconfigured(
  stateDir: string,
  u: Unconfigured,
  options: { record?: boolean } = {},
): Promise<never> {
  say(`${u.label}: ${u.reason}`);
  if (options.record ?? true) {
    await writeNotConfigured(stateDir, {
      name: u.name,
      at: new Date().toISOString(),
      reason: u.reason,
      missing: u.missing,
    }).catch((err: unknown) =>
      // Why carry on: the exit code and the printed line still tell PM2 and the owner; only `status` loses it.
      warn(`${u.label}: could not record "not configured" under ${stateDir}: ${(err as Error).message}`),
    );
  }
  if (await stoppedByPm2()) return new Promise<never>(() => undefined);
  return endProcess(UNCONFIGURED_EXIT_CODE);
}

/** How long to wait for PM2's stop signal before exiting without it. */
const PM2_STOP_WAIT_MS = 10_000;

/**
 * Under PM2, asks PM2 to stop this app, and exits 78 on the signal PM2 then sends; true when the request went
 * out (the process ends from the signal handler, or after PM2_STOP_WAIT_MS).
 *
 * Why not only exit 78: with `exp_backoff_restart_delay` set, PM2 (7.0.4, God.handleExit) does not restart an
 * app that exits with one of its `stop_exit_codes`, but still marks it `waiting restart`, for good: the owner
 * would see an app that seems about to come back. An app stopped through PM2's own API shows `stopped`, and
 * exit code 78 is still what PM2 records.
 */
async function stoppedByPm2(): Promise<boolean> {
  const id = Number(process.env['pm_id']);
  if (process.env['pm_id'] === undefined || !Number.isInteger(id)) return false;
  // Why the probe: pm2.connect() starts a daemon when none answers, and that one would outlive this process.
  if (!(await pm2DaemonAlive(pm2Home()))) return false;
  const end = () => void endProcess(UNCONFIGURED_EXIT_CODE);
  process.once('SIGINT', end);
  process.once('SIGTERM', end);
  try {
    // Loaded only here: pm2 is heavy, and only an unconfigured app under PM2 needs it.
    const pm2 = (await import('pm2')).default;
    await new Promise<void>((resolve, reject) => pm2.connect((err) => (err ? reject(err) : resolve())));
    // Not awaited: PM2 answers once this process is gone, which is the point.
    pm2.stop(id, () => undefined);
  } catch (err) {
    warn(`could not ask PM2 to stop this app (${(err as Error).message}); exiting with ${UNCONFIGURED_EXIT_CODE}.`);
    process.off('SIGINT', end);
    process.off('SIGTERM', end);
    return false;
  }
  setTimeout(end, PM2_STOP_WAIT_MS);
  return true;
}

/**
 * Exits with `code` once stdout and stderr are flushed.
 *
 * Why not just `process.exitCode = code` and return: under PM2 (fork mode) the process has an IPC channel to
 * the PM2 daemon, and PM2's process container listens on it ('message'), which keeps the event loop alive. The
 * process would never end: PM2 shows it `online` forever, it never writes a heartbeat, `status` calls it
 * missing and the watchdog restarts it as hung. So the channel is closed and the process exits explicitly.
 * Why wait for the streams: to a pipe (PM2's log capture) writes are asynchronous, and `process.exit` would drop
 * the reason line still queued.
 */
export function endProcess(code: number): Promise<never> {
  process.exitCode = code;
  if (process.connected) process.disconnect();
  return new Promise<never>(() => {
    let pending = 2;
    const done = () => {
      if (--pending === 0) process.exit(code);
    };
    process.stdout.write('', done);
    process.stderr.write('', done);
    // A reader that never drains the pipe must not keep the process alive either.
    setTimeout(() => process.exit(code), 2_000);
  });
}
