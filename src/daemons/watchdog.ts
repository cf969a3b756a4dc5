import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../core/log.js';
import type { Vault } from '../core/vault/vault.js';
import { readHeartbeats, writeHeartbeat } from './heartbeat.js';
import type { Pm2Control } from './pm2-client.js';

export interface WatchdogOptions {
  pm2: Pm2Control;
  vault: Vault;
  stateDir: string;
  logger: Logger;
  /** This watchdog's own app name: never restarts itself. */
  self: string;
  /** A heartbeat older than this, from an app up at least this long, means the app hangs. */
  staleAfterMs: number;
  /** Revivals of one app within `alertWindowMs` that raise an alert. */
  alertAfter: number;
  alertWindowMs: number;
  now?: () => Date;
}

export interface WatchdogAction {
  app: string;
  why: 'errored' | 'stale_heartbeat';
  detail: string;
}

interface WatchdogState {
  revivals: Record<string, number[]>;
  alertedAt: Record<string, number>;
}

const stateFile = (stateDir: string) => path.join(stateDir, 'watchdog.json');

async function loadState(stateDir: string): Promise<WatchdogState> {
  try {
    return JSON.parse(await readFile(stateFile(stateDir), 'utf8')) as WatchdogState;
  } catch {
    return { revivals: {}, alertedAt: {} };
  }
}

/**
 * One round of the watchdog (DESIGN §7): restarts an app PM2 gave up on (`errored`) or whose heartbeat is
 * stale although it runs, and raises one alert in Updates/ when an app keeps failing (so the owner hears of a
 * crash loop once, not every minute). An app stopped with exit code 78 (nothing to do) is left alone.
 */
export async function runWatchdogOnce(o: WatchdogOptions): Promise<WatchdogAction[]> {
  const now = (o.now ?? (() => new Date()))().getTime();
  const beats = new Map((await readHeartbeats(o.stateDir)).map((b) => [b.name, b]));
  const state = await loadState(o.stateDir);
  const actions: WatchdogAction[] = [];
  for (const app of await o.pm2.list()) {
    if (app.name === o.self) continue;
    let action: WatchdogAction | undefined;
    if (app.status === 'errored') {
      action = { app: app.name, why: 'errored', detail: `PM2 stopped restarting it after ${app.restarts} restarts` };
    } else if (app.status === 'online') {
      const beat = beats.get(app.name);
      const upFor = app.startedAt > 0 ? now - app.startedAt : 0;
      const beatAge = beat ? now - Date.parse(beat.at) : Number.POSITIVE_INFINITY;
      if (upFor > o.staleAfterMs && beatAge > o.staleAfterMs) {
        action = {
          app: app.name,
          why: 'stale_heartbeat',
          detail: beat ? `last heartbeat ${Math.round(beatAge / 1000)} s ago` : 'no heartbeat since it started',
        };
      }
    }
    if (!action) continue;
    try {
      await o.pm2.restart(app.name);
      o.logger.warn({ ...action }, 'watchdog restarted an app');
    } catch (err) {
      o.logger.error({ err, app: app.name }, 'watchdog could not restart an app');
      action.detail += ' (restart failed)';
    }
    actions.push(action);
    const recent = [...(state.revivals[app.name] ?? []), now].filter((t) => now - t <= o.alertWindowMs);
    state.revivals[app.name] = recent;
    const lastAlert = state.alertedAt[app.name] ?? 0;
    if (recent.length >= o.alertAfter && now - lastAlert > o.alertWindowMs) {
      await o.vault.postUpdate({
        title: `${app.name} keeps failing`,
        body: `The watchdog revived **${app.name}** ${recent.length} times in the last ${Math.round(o.alertWindowMs / 60_000)} minutes (latest: ${action.detail}).\n\nLook at its log (\`pm2 logs ${app.name}\`, or the file named in the README) and fix the cause; \`ai-employee status\` shows the state of every app.`,
        level: 'alert',
        source: o.self,
      });
      state.alertedAt[app.name] = now;
    }
  }
  await mkdir(o.stateDir, { recursive: true });
  await writeFile(stateFile(o.stateDir), JSON.stringify(state));
  await writeHeartbeat(o.stateDir, {
    name: o.self,
    at: new Date(now).toISOString(),
    ok: true,
    detail: { restarted: actions.length },
  });
  return actions;
}
