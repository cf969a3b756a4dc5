import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { guardAlertMarkdown, scanPaths, type GuardReport } from '../core/guard/index.js';
import type { Vault } from '../core/vault/vault.js';

export interface GuardRunResult {
  report: GuardReport;
  alert?: string;
}

interface LastGuard {
  at: string;
  ok: boolean;
  hits: number;
  fingerprint: string;
  alerted?: string;
}

export const lastGuardFile = (stateDir: string) => path.join(stateDir, 'guard-last.json');

export async function readLastGuard(stateDir: string): Promise<LastGuard | undefined> {
  try {
    return JSON.parse(await readFile(lastGuardFile(stateDir), 'utf8')) as LastGuard;
  } catch {
    return undefined;
  }
}

/**
 * Runs the security guard over `target` and remembers the result for `status`. On a hit, raises one alert in
 * Updates/ — one per distinct set of hits, so a scheduled guard does not repeat itself every few minutes.
 */
export async function runGuard(options: {
  target: string;
  stateDir: string;
  vault?: Vault;
  now?: Date;
}): Promise<GuardRunResult> {
  const report = await scanPaths(options.target, { extraBlockedNames: options.vault?.policy.guardBlockedNames ?? [] });
  const now = options.now ?? new Date();
  const fingerprint = createHash('sha256')
    .update(
      report.hits
        .map((h) => `${h.path}\n${h.rule}`)
        .sort()
        .join('\n'),
    )
    .digest('hex');
  const last = await readLastGuard(options.stateDir);
  let alert: string | undefined;
  if (!report.ok && options.vault?.policy.has('vault.update') && last?.alerted !== fingerprint) {
    const posted = await options.vault.postUpdate({
      title: `Security guard blocked ${report.hits.length} file${report.hits.length === 1 ? '' : 's'}`,
      body: guardAlertMarkdown(report, now),
      level: 'alert',
      source: 'security-guard',
    });
    alert = posted.path;
  }
  await mkdir(options.stateDir, { recursive: true });
  const record: LastGuard = {
    at: now.toISOString(),
    ok: report.ok,
    hits: report.hits.length,
    fingerprint,
    alerted: report.ok ? undefined : alert ? fingerprint : last?.alerted,
  };
  await writeFile(lastGuardFile(options.stateDir), JSON.stringify(record));
  return { report, alert };
}
