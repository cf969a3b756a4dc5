import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { replaceFileDurable } from '../../core/vault/durable.js';

/**
 * What a watcher remembers between runs, in `<state dir>/watchers/<name>.json` (outside the vault: it
 * changes every poll and means nothing to git). Written durably (temp + fsync + rename + folder fsync).
 */
export interface WatcherState {
  version: 1;
  cursor?: string;
  /** Task ids written recently, oldest first; bounded (see trimSeen). */
  seen: string[];
  /** No request before this time: a provider's rate-limit reset, or a backoff after a transient error. */
  wait_until?: string;
  wait_reason?: 'rate_limited' | 'backoff';
  /** Transient failures in a row, for the backoff's exponent. */
  failures: number;
  /** Set on an auth or permission failure: no request until the credentials change or `until` passes.
   *  `grant` names the missing permission or scope when the provider said which. */
  paused?: {
    since: string;
    until: string;
    reason: string;
    credentials: string;
    kind?: 'auth' | 'permission';
    grant?: string;
  };
  /** Fingerprint of the credentials an alert was already raised for: one alert per bad credential set. */
  alerted_credentials?: string;
}

export const emptyState = (): WatcherState => ({ version: 1, seen: [], failures: 0 });

export function stateFile(stateDir: string, name: string): string {
  return path.join(stateDir, 'watchers', `${name}.json`);
}

export async function loadState(stateDir: string, name: string): Promise<WatcherState> {
  let text: string;
  try {
    text = await readFile(stateFile(stateDir, name), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
    throw err;
  }
  const parsed = JSON.parse(text) as Partial<WatcherState>;
  return { ...emptyState(), ...parsed, seen: Array.isArray(parsed.seen) ? parsed.seen.map(String) : [] };
}

export async function saveState(stateDir: string, name: string, state: WatcherState): Promise<void> {
  const file = stateFile(stateDir, name);
  await mkdir(path.dirname(file), { recursive: true });
  await replaceFileDurable(file, `${JSON.stringify(state)}\n`);
}

/** Keeps the newest `max` ids. Older ones are safe to forget: the cursor has moved past them, and the vault check still finds their files. */
export function trimSeen(seen: string[], max: number): string[] {
  return seen.length > max ? seen.slice(seen.length - max) : seen;
}
