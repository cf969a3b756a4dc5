import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readLastGuard } from '../guard-run.js';
import type { GuardStatus, OdooStatus, SyncStatus } from './types.js';

/**
 * The last git sync's result: `<state dir>/sync-last.json` = `{at, ok, message?, action?}`, written by the
 * git-sync daemon after every attempt (`action` says what the owner should do when it failed).
 */
export const syncLastFile = (stateDir: string) => path.join(stateDir, 'sync-last.json');

async function readJson(file: string): Promise<Record<string, unknown> | undefined> {
  try {
    const value: unknown = JSON.parse(await readFile(file, 'utf8'));
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined; // never run on this machine, or being rewritten
  }
}

const ageSeconds = (at: string, now: Date) => Math.max(0, Math.round((now.getTime() - Date.parse(at)) / 1000));
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

export async function readSync(stateDir: string, now: Date): Promise<SyncStatus | null> {
  const raw = await readJson(syncLastFile(stateDir));
  const at = str(raw?.['at']);
  if (!raw || at === undefined || Number.isNaN(Date.parse(at))) return null;
  const ok = raw['ok'] === true;
  return {
    at,
    ok,
    age_seconds: ageSeconds(at, now),
    message: str(raw['message']),
    action: ok
      ? undefined
      : (str(raw['action']) ??
        'Read the message, fix the cause (network, credentials, a conflict file in Needs_Action/local/), then let the next sync run.'),
  };
}

export async function readGuard(stateDir: string, now: Date): Promise<GuardStatus | null> {
  const last = await readLastGuard(stateDir);
  if (!last || Number.isNaN(Date.parse(last.at))) return null;
  return {
    at: last.at,
    ok: last.ok,
    hits: last.hits,
    age_seconds: ageSeconds(last.at, now),
    action: last.ok
      ? undefined
      : 'Run "ai-employee guard" to see each file and rule, move the secret out of the vault (and out of its git history), then run it again; sync stays stopped until it passes.',
  };
}

/** The Odoo health monitor's memory (see odoo-health.ts), when the monitor runs on this machine. */
export async function readOdooMonitor(stateDir: string): Promise<OdooStatus['monitor']> {
  const raw = await readJson(path.join(stateDir, 'odoo-health.json'));
  if (!raw) return undefined;
  return {
    failures: typeof raw['failures'] === 'number' ? raw['failures'] : 0,
    alerted: raw['alerted'] === true,
    last_ok: str(raw['lastOk']),
    last_error: str(raw['lastError']),
  };
}
