import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import {
  executeApproved,
  recordRejection,
  type ExecutorDeps,
  type ExecutionOutcome,
} from '../../core/actions/executor.js';
import { toAppError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { ownerEvidenceIn, sightApproval, sightPendingApprovals } from '../../core/vault/owner-evidence.js';

export interface LocalExecutor {
  /** Resolves once the first scan of Approved/ and Rejected/ has been handled. */
  ready: Promise<void>;
  /** Hands every file now in Approved/ and Rejected/ to the executor again (deferred ones, after the hour). */
  rescan(): Promise<void>;
  /** Resolves when every file seen so far has been handled (for tests and a clean stop). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The local executor (`ai-employee worker local-executor`): watches Approved/ and Rejected/ and hands each
 * new file to the executor, one at a time, and records each request it sees in Pending_Approval/. Why one at a time: two approvals of one invoice (post, then pay)
 * must not race; the ledger makes a double event harmless anyway.
 */
export function startLocalExecutor(
  deps: ExecutorDeps,
  options: { logger: Logger; onOutcome?: (o: ExecutionOutcome) => void; usePolling?: boolean },
): LocalExecutor {
  const log = options.logger.child({ component: 'local-executor' });
  let chain: Promise<void> = Promise.resolve();
  const enqueue = (rel: string) => {
    chain = chain.then(async () => {
      try {
        const outcome = rel.startsWith('Approved/')
          ? await executeApproved(deps, rel)
          : await recordRejection(deps, rel);
        log.info(
          { approval: rel, status: outcome.status, filedAt: outcome.filedAt, reason: outcome.reason },
          'approval handled',
        );
        options.onOutcome?.(outcome);
      } catch (err) {
        const error = toAppError(err);
        // A file that vanished (moved back by the owner) is not an error worth more than a line.
        if (error.code === 'not_found') log.info({ approval: rel }, 'approval file gone before it was handled');
        else log.error({ approval: rel, err: error.message }, 'approval could not be handled');
      }
    });
  };
  const root = deps.ctx.root;
  // Why watch Pending_Approval/ too: a request seen pending here, which then stands in Approved/, was moved by the
  // owner; that sighting is the evidence his move is judged on (owner-evidence.ts). Sightings skip the queue:
  // they must be on record before the owner's move is handled.
  const sight = (file: string) => {
    void readFile(file, 'utf8')
      .then((text) => sightApproval(evidence, path.basename(file), text, deps.ctx.clock()))
      .catch((err: unknown) => {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log.error({ err }, 'could not record a sighting');
      });
  };
  const evidence = ownerEvidenceIn(deps.ctx.stateDir);
  const pendingDir = path.join(root, 'Pending_Approval');
  const watcher: FSWatcher = watch([pendingDir, path.join(root, 'Approved'), path.join(root, 'Rejected')], {
    ignoreInitial: false,
    atomic: true,
    usePolling: options.usePolling ?? false,
    interval: 100,
    // Why wait: Obsidian and git write in steps; act on the file once it has settled.
    awaitWriteFinish: { stabilityThreshold: 200, pollInterval: 50 },
    ignored: (file, stats) =>
      path.basename(file).startsWith('.') || (stats?.isFile() === true && !file.endsWith('.md')),
  });
  const onFile = (file: string) => {
    if (path.dirname(file) === pendingDir) sight(file);
    else enqueue(path.relative(root, file).split(path.sep).join('/'));
  };
  watcher.on('add', onFile);
  watcher.on('change', (file) => {
    if (path.dirname(file) === pendingDir) sight(file);
  });
  watcher.on('error', (err) => log.error({ err }, 'watcher error'));
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()))
    .then(() => sightPendingApprovals(deps.ctx))
    .then(() => chain);
  const rescan = async () => {
    await sightPendingApprovals(deps.ctx);
    for (const folder of ['Approved', 'Rejected']) {
      for (const name of await readdir(path.join(root, folder)).catch(() => [] as string[])) {
        if (name.endsWith('.md') && !name.startsWith('.')) enqueue(`${folder}/${name}`);
      }
    }
    await chain;
  };
  return {
    ready,
    rescan,
    idle: () => chain,
    async close() {
      await watcher.close();
      await chain;
    },
  };
}
