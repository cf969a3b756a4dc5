import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * What `status` shows about the sync, and what the sync must remember between runs: the last result, what
 * to do about a failure, which failure was already announced in Updates/ (one note per distinct failure),
 * and which incoming commits were already reported as refused. Lives in the state dir, outside the vault.
 */
export interface SyncState {
  last_attempt_at?: string;
  last_success_at?: string;
  result?: 'ok' | 'blocked' | 'failed';
  message?: string;
  what_to_do?: string;
  head?: string;
  /** Fingerprint of the failure last announced in Updates/; cleared by a success. */
  announced_failure?: string;
  /** Incoming commits already reported as refused (newest last, bounded). */
  refused_commits: string[];
  totals: { syncs: number; failures: number; refused_commits: number; conflicts: number; lost_claims: number };
}

const MAX_REMEMBERED = 2000;

export const syncStateFile = (stateDir: string) => path.join(stateDir, 'sync-state.json');

export async function readSyncState(stateDir: string): Promise<SyncState> {
  try {
    const parsed = JSON.parse(await readFile(syncStateFile(stateDir), 'utf8')) as Partial<SyncState>;
    return { ...emptyState(), ...parsed, totals: { ...emptyState().totals, ...parsed.totals } };
  } catch {
    return emptyState();
  }
}

function emptyState(): SyncState {
  return {
    refused_commits: [],
    totals: { syncs: 0, failures: 0, refused_commits: 0, conflicts: 0, lost_claims: 0 },
  };
}

export async function writeSyncState(stateDir: string, state: SyncState): Promise<void> {
  await mkdir(stateDir, { recursive: true });
  const file = syncStateFile(stateDir);
  const temp = `${file}.${process.pid}.tmp`;
  const bounded = { ...state, refused_commits: state.refused_commits.slice(-MAX_REMEMBERED) };
  await writeFile(temp, JSON.stringify(bounded, null, 2));
  await rename(temp, file);
  // The summary `ai-employee status` reads (src/daemons/status/last-runs.ts): `{at, ok, message, action}`.
  const last = path.join(stateDir, 'sync-last.json');
  const summary = {
    at: state.last_attempt_at,
    ok: state.result === 'ok',
    message: state.message,
    action: state.result === 'ok' ? undefined : state.what_to_do,
  };
  await writeFile(`${last}.${process.pid}.tmp`, JSON.stringify(summary));
  await rename(`${last}.${process.pid}.tmp`, last);
}
