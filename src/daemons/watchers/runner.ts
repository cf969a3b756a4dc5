import { toAppError } from '../../core/errors.js';
import { faultPoint } from '../../core/fault-points.js';
import type { Logger } from '../../core/log.js';
import { failureOf } from '../../core/providers/errors.js';
import { absOf } from '../../core/vault/context.js';
import { createFileDurable } from '../../core/vault/durable.js';
import type { Vault } from '../../core/vault/vault.js';
import { writeHeartbeat } from '../heartbeat.js';
import { backoffMs } from './backoff.js';
import { loadState, saveState, trimSeen, type WatcherState } from './state.js';
import { taskFileName, taskStem, taskText } from './task-file.js';
import type { WatchSource } from './types.js';
import { vaultStems } from './vault-index.js';

export interface RunnerOptions {
  source: WatchSource;
  vault: Vault;
  stateDir: string;
  logger: Logger;
  /** A fingerprint of the credentials in use (never the credentials): a change ends an auth pause. */
  credentials: string;
  clock?: () => Date;
  random?: () => number;
  /** Called at each step; a test makes it throw to simulate a crash there. Production: only the env fault points. */
  faults?: (point: WatchStep) => void;
  seenMax?: number;
  backoff?: { baseMs: number; maxMs: number };
  /** How long an auth failure pauses the watcher before it tries once more with the same credentials. */
  authPauseMs?: number;
}

export type WatchStep = 'before-write' | 'after-write' | 'before-state' | 'after-state';

export type TickReport =
  | { status: 'ok'; written: number; skipped: number }
  | { status: 'waiting'; until: string; reason: string }
  | { status: 'paused'; reason: string; until: string; kind?: 'auth' | 'permission'; grant?: string }
  | { status: 'rate_limited'; until: string; written: number }
  | { status: 'backoff'; until: string; failures: number; written: number };

/**
 * One watcher's poll, run on a schedule (schedule.ts). Each tick: honour a pause or a wait, fetch what is new
 * since the cursor, write one task file per item, then save the seen ids and the cursor.
 *
 * Exactly once, across restarts and a crash at any step:
 * - an item is skipped if its task id is in the saved seen-ids, or if a file of its name is anywhere in the
 *   vault (vault-index.ts: Needs_Action, a take in flight, In_Progress, Done under a timestamped name, Failed);
 * - the file is created with link(2), which fails rather than replace a file a racing run just made;
 * - the seen-ids and cursor are saved only after the batch's files are written (fsynced).
 * So a crash before a write leaves nothing (the item comes again, since the cursor did not move); a crash
 * after a write but before the state save leaves a file that the vault check finds wherever it has since been
 * moved; a crash after the save leaves both. Ids drop out of the bounded seen list only long after the cursor
 * has passed them, and even then the vault check stands behind them.
 */
export class WatcherRunner {
  private state: WatcherState | undefined;
  private readonly clock: () => Date;
  private readonly random: () => number;

  constructor(private readonly options: RunnerOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.random = options.random ?? Math.random;
  }

  get heartbeatName(): string {
    return `cloud-${this.options.source.name}-watcher`;
  }

  private step(point: WatchStep): void {
    this.options.faults?.(point);
    faultPoint(`watch.${point}`);
  }

  async tick(signal: AbortSignal = new AbortController().signal): Promise<TickReport> {
    const { source, stateDir, logger } = this.options;
    const state = (this.state ??= await loadState(stateDir, source.name));
    const now = this.clock();

    if (state.paused) {
      const changed = state.paused.credentials !== this.options.credentials;
      if (!changed && now < new Date(state.paused.until)) {
        const report = pausedReport(state.paused);
        await this.beat(false, report);
        return report;
      }
      logger.info({ credentialsChanged: changed }, 'auth pause over; trying again');
      delete state.paused;
    }
    if (state.wait_until && now < new Date(state.wait_until)) {
      const report: TickReport = { status: 'waiting', until: state.wait_until, reason: state.wait_reason ?? 'backoff' };
      await this.beat(true, report);
      return report;
    }

    let written = 0;
    let skipped = 0;
    try {
      let stems: Set<string> | undefined;
      const seen = new Set(state.seen);
      for await (const batch of source.poll(state.cursor, signal)) {
        for (const item of batch.items) {
          if (seen.has(item.fields.id)) {
            skipped += 1;
            continue;
          }
          // Why scan lazily: most polls find nothing new and should not list the vault.
          stems ??= await vaultStems(this.options.vault.ctx);
          const stem = taskStem(item);
          if (!stems.has(stem) && (await this.writeTask(item))) written += 1;
          else skipped += 1;
          stems.add(stem);
          seen.add(item.fields.id);
          state.seen.push(item.fields.id);
        }
        this.step('before-state');
        if (batch.cursor !== undefined) state.cursor = batch.cursor;
        state.seen = trimSeen(state.seen, this.options.seenMax ?? 20_000);
        await saveState(stateDir, source.name, state);
        this.step('after-state');
      }
    } catch (err) {
      const failure = source.classify(err, now) ?? (failureOf(err) ? toAppError(err) : undefined);
      // Not a provider failure (a bug, a full disk, a simulated crash): the state in the file stays as it was.
      if (!failure) throw err;
      return this.onFailure(state, failure, written);
    }
    state.failures = 0;
    delete state.wait_until;
    delete state.wait_reason;
    await saveState(stateDir, source.name, state);
    const report: TickReport = { status: 'ok', written, skipped };
    await this.beat(true, report);
    if (written > 0) logger.info(report, 'new tasks written');
    return report;
  }

  /** Creates the task file; false if a file of that name appeared meanwhile (a racing run wrote it). */
  private async writeTask(item: Parameters<typeof taskText>[0]): Promise<boolean> {
    const { vault } = this.options;
    const rel = `Needs_Action/${taskFileName(item)}`;
    vault.policy.requireWritable(rel, 'Writing a watcher task');
    this.step('before-write');
    try {
      await createFileDurable(await absOf(vault.ctx, rel), taskText(item));
    } catch (err) {
      if (toAppError(err).code === 'conflict') return false;
      throw err;
    }
    this.step('after-write');
    await vault.audit.record({
      action_type: 'watch.task',
      target: rel,
      parameters: { id: item.fields.id },
      result: 'ok',
    });
    return true;
  }

  private async onFailure(
    state: WatcherState,
    error: ReturnType<typeof toAppError>,
    written: number,
  ): Promise<TickReport> {
    const { source, stateDir, logger } = this.options;
    const now = this.clock();
    const failure = failureOf(error);
    let report: TickReport;
    if (failure?.reason === 'auth' || failure?.reason === 'permission') {
      // A missing permission is handled like refused credentials: only a human can fix either, so polling
      // again on a backoff would only fail again, silently, for ever.
      const until = new Date(now.getTime() + (this.options.authPauseMs ?? 6 * 3_600_000)).toISOString();
      const kind = failure.reason;
      state.paused = {
        since: now.toISOString(),
        until,
        reason: error.message,
        credentials: this.options.credentials,
        kind,
        ...(failure.grant ? { grant: failure.grant } : {}),
      };
      report = pausedReport(state.paused);
      const alert = state.alerted_credentials !== this.options.credentials;
      // Why save before the alert: a crash between the two then costs at most the alert, never a loop of them.
      state.alerted_credentials = this.options.credentials;
      await saveState(stateDir, source.name, state);
      if (alert) await this.alert(kind, error.message, until, failure.grant);
      logger.error({ reason: error.message, until, grant: failure.grant }, `${kind} failure: watcher paused`);
    } else if (failure?.reason === 'rate_limited' && failure.retryAt && failure.retryAt > now) {
      state.wait_until = failure.retryAt.toISOString();
      state.wait_reason = 'rate_limited';
      await saveState(stateDir, source.name, state);
      report = { status: 'rate_limited', until: state.wait_until, written };
      logger.warn({ until: state.wait_until }, 'rate limited: waiting for the reset');
    } else {
      state.failures += 1;
      const wait = backoffMs(state.failures, {
        ...(this.options.backoff ?? { baseMs: 15_000, maxMs: 900_000 }),
        random: this.random,
      });
      state.wait_until = new Date(now.getTime() + wait).toISOString();
      state.wait_reason = 'backoff';
      await saveState(stateDir, source.name, state);
      report = { status: 'backoff', until: state.wait_until, failures: state.failures, written };
      logger.warn(
        { err: error.message, until: state.wait_until, failures: state.failures },
        'transient failure: backing off',
      );
    }
    await this.beat(false, report);
    return report;
  }

  private async alert(kind: 'auth' | 'permission', reason: string, until: string, grant?: string): Promise<void> {
    const name = this.options.source.name;
    const fix =
      kind === 'permission'
        ? [
            `Grant ${grant ? `\`${grant}\`` : 'the missing permission'} to the app (and to the token: a token keeps the`,
            `permissions it was issued with, so make a new one), put it in the environment of \`${this.heartbeatName}\``,
            'and restart it; with new credentials it resumes at once.',
          ]
        : [
            `Renew the credentials in the environment of \`${this.heartbeatName}\` and restart it; with new`,
            'credentials it resumes at once.',
          ];
    await this.options.vault.postUpdate({
      title:
        kind === 'permission'
          ? `${name} watcher paused: permission missing${grant ? ` (${grant})` : ''}`
          : `${name} watcher paused: credentials refused`,
      level: 'alert',
      source: this.heartbeatName,
      body: [
        kind === 'permission'
          ? `The ${name} watcher stopped polling because its credentials lack a permission the provider requires:`
          : `The ${name} watcher stopped polling because the provider refused its credentials:`,
        '',
        `> ${reason}`,
        '',
        ...fix,
        `With the same ones it tries again after ${until}.`,
        'No new items are lost meanwhile: the watcher resumes from its saved cursor.',
      ].join('\n'),
    });
  }

  private beat(ok: boolean, detail: TickReport): Promise<void> {
    return writeHeartbeat(this.options.stateDir, {
      name: this.heartbeatName,
      at: this.clock().toISOString(),
      ok,
      detail: { ...detail },
    });
  }
}

/** What a tick reports (and the heartbeat carries, for `status`) while the watcher is paused. */
function pausedReport(paused: NonNullable<WatcherState['paused']>): TickReport {
  const { reason, until, kind, grant } = paused;
  return { status: 'paused', reason, until, ...(kind ? { kind } : {}), ...(grant ? { grant } : {}) };
}
