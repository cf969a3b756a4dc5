import { Worker } from 'node:worker_threads';
import type { BatchResult } from './scan-files.js';

export interface BatchRequest {
  readonly id: number;
  readonly base: string;
  readonly rels: readonly string[];
  readonly chunkBytes: number;
}

export type BatchReply =
  { readonly id: number; readonly result: BatchResult } | { readonly id: number; readonly error: string };

interface Job {
  readonly request: BatchRequest;
  readonly resolve: (result: BatchResult) => void;
  readonly reject: (err: Error) => void;
}

interface Slot {
  readonly worker: Worker;
  readonly jobs: Map<number, Job>;
  dead: boolean;
}

/** Batches each worker holds at once: the next one is already there when it finishes one. */
const PER_WORKER = 2;
/** How long an idle pool waits for the next scan before its threads end. */
export const POOL_IDLE_MS = 20_000;

/**
 * Worker threads that scan file batches (see scan.ts for when a scan uses them).
 *
 * Why one pool shared by the process's scans and kept for a while, not one per scan: a fresh thread starts
 * with cold code (nothing compiled yet, empty inline caches). On the 2-core bench machine a cold scan of
 * the 20,000-note vault costs about 1.0 s of CPU against 0.6 s warm, so a new pool per scan (0.9–1.0 s) was
 * no faster than the warm main thread alone (0.6 s), while a kept pool scans it in about 0.3 s. The threads end after POOL_IDLE_MS without work, and are unref'd while idle,
 * so a CLI run exits as soon as it is done and a daemon holds no idle threads between rare full scans.
 * A batch whose worker fails (it could not start, or crashed) rejects, and the caller scans it itself:
 * the pool is a speed-up, never a reason for a file to go unscanned.
 */
export class ScanPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    size: number,
    private readonly onClose: () => void = () => {},
  ) {
    for (let i = 0; i < size; i++) {
      const slot = this.spawn();
      if (slot) this.slots.push(slot);
    }
    this.armIdleTimer();
  }

  /** True while at least one worker is alive to take batches. */
  get alive(): boolean {
    return this.slots.some((s) => !s.dead);
  }

  run(base: string, rels: readonly string[], chunkBytes: number): Promise<BatchResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ request: { id: this.nextId++, base, rels, chunkBytes }, resolve, reject });
      this.pump();
    });
  }

  /** Ends every worker; batches still queued or running reject. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    this.onClose();
    const slots = this.slots.splice(0);
    for (const slot of slots) this.fail(slot, new Error('the guard worker pool was closed'));
    for (const job of this.queue.splice(0)) job.reject(new Error('the guard worker pool was closed'));
    // Why ref first: an idle worker is unref'd, and awaiting the end of an unref'd thread lets the process
    // exit under the caller's feet, with its await never settled.
    await Promise.all(
      slots.map((s) => {
        s.worker.ref();
        return s.worker.terminate();
      }),
    );
  }

  private pump(): void {
    for (const slot of this.slots) {
      while (!slot.dead && slot.jobs.size < PER_WORKER && this.queue.length > 0) {
        const job = this.queue.shift() as Job;
        slot.jobs.set(job.request.id, job);
        slot.worker.postMessage(job.request);
      }
      // Why ref only while busy: a scan awaiting a reply must keep the process alive (an exit then would
      // let a sync go on unscanned), but an idle thread must not keep a finished CLI run from exiting.
      if (slot.dead) continue;
      if (slot.jobs.size > 0) slot.worker.ref();
      else slot.worker.unref();
    }
    if (!this.alive) for (const job of this.queue.splice(0)) job.reject(new Error('no guard worker is running'));
    this.armIdleTimer();
  }

  private armIdleTimer(): void {
    clearTimeout(this.idleTimer);
    if (this.closed || this.slots.some((s) => s.jobs.size > 0)) return;
    this.idleTimer = setTimeout(() => void this.close(), POOL_IDLE_MS);
    this.idleTimer.unref();
  }

  /** A running worker, or undefined when none can start here (then the pool has fewer, or none). */
  private spawn(): Slot | undefined {
    let worker: Worker;
    try {
      worker = startWorker();
    } catch {
      // e.g. source run by a loader other than tsx: scans go on in-process, as if the thread had crashed.
      return undefined;
    }
    worker.unref();
    const slot: Slot = { worker, jobs: new Map(), dead: false };
    worker.on('message', (reply: BatchReply) => {
      const job = slot.jobs.get(reply.id);
      if (job === undefined) return;
      slot.jobs.delete(reply.id);
      if ('error' in reply) job.reject(new Error(reply.error));
      else job.resolve(reply.result);
      this.pump();
    });
    worker.on('error', (err) => {
      this.fail(slot, err);
      this.pump();
    });
    worker.on('exit', (code) => {
      this.fail(slot, new Error(`a guard worker stopped (exit code ${code})`));
      this.pump();
    });
    return slot;
  }

  private fail(slot: Slot, err: Error): void {
    slot.dead = true;
    for (const job of slot.jobs.values()) job.reject(err);
    slot.jobs.clear();
  }
}

let shared: ScanPool | undefined;

/**
 * The process's pool, one thread per CPU it may use (os.availableParallelism(), at least 1), started on
 * first use and again after it ended idle. Why module state here, against the house rule: threads are a
 * process resource like the event loop; passing a pool through every caller would only let them get it wrong.
 */
/** The process's pool if its threads are running (a scan shortly before started them), else undefined. */
export function runningScanPool(): ScanPool | undefined {
  return shared?.alive ? shared : undefined;
}

export function sharedScanPool(size: number): ScanPool {
  if (shared?.alive) return shared;
  const pool = new ScanPool(size, () => {
    if (shared === pool) shared = undefined;
  });
  shared = pool;
  return pool;
}

/**
 * Starts one worker on scan-worker.js next to this file. Built (dist/), that is a plain module. From source
 * under tsx (tests, benches), it is a .ts file, and on Node 20 a worker does not inherit the loader hooks
 * that `--import tsx` registered (execArgv alone was tried: ERR_UNKNOWN_FILE_EXTENSION), so the worker
 * registers tsx itself before importing the entry. That costs about a second per worker; built code does not.
 */
function startWorker(): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./scan-worker.js', here));
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./scan-worker.ts', here).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true });
}
