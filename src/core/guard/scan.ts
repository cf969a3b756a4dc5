import { readdirSync } from 'node:fs';
import { lstat, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { invalidInput, notFound } from '../errors.js';
import { compileGlobs, type NameGlob } from './glob.js';
import { nameHits, pathNameHits } from './names.js';
import { runBounded } from './pool.js';
import { DEFAULT_CHUNK_BYTES, FIRST_READ_BYTES } from './read.js';
import { absolute, scanFileBatch, type BatchResult } from './scan-files.js';
import { unreadableHit } from './unscannable.js';
import { runningScanPool, sharedScanPool, type ScanPool } from './worker-pool.js';
import type { GuardHit, GuardReport, GuardSkip, ScanOptions } from './types.js';

export { DEFAULT_CHUNK_BYTES };
export const DEFAULT_CONCURRENCY = 32;
/** Files scanned in-process per batch between two turns of the event loop (about a millisecond of blocking). */
const FILE_BATCH = 64;
/** Folders listed between two turns of the event loop (each listing takes some tens of microseconds). */
const FOLDERS_PER_TURN = 16;
/** Files per batch posted to a worker: fewer messages, still enough batches to keep every worker busy. */
const WORKER_BATCH = 256;
/**
 * From how many files on a scan uses worker threads (unless `workers` says otherwise). Why: threads cost
 * tens of milliseconds to start and more to warm up, and below a few thousand notes the main thread is done
 * (at about 30 µs a note) before they would help.
 */
export const WORKER_MIN_FILES = 4000;

/** Folders never scanned: git's own store (its objects are compressed, and history is not the work tree) and dependencies. */
const SKIPPED_DIRS: ReadonlySet<string> = new Set(['.git', 'node_modules']);

type Task =
  | { readonly type: 'dir' | 'listed'; readonly rel: string }
  | { readonly type: 'files'; readonly rels: readonly string[] };

interface Sink {
  readonly hits: GuardHit[];
  readonly skipped: GuardSkip[];
  scanned: number;
  /** Files cleared by name and not yet in a batch: batches cross folders, so a tree of small folders still makes full ones. */
  pending: string[];
  /** Files found so far, to decide when worker threads pay off. */
  found: number;
  foldersSinceYield: number;
  files: FileScanner;
}

/**
 * Scans a folder (a vault work tree), or only `options.files` inside it, for files that must never be
 * committed: blocked names (built-in rules plus the policy's globs) and secret-shaped content.
 * A file blocked by name is not read: one hit is enough to stop the sync, and reading it adds nothing.
 * It fails closed (issue 12): every file is read in full, whatever its size or text encoding; a file or
 * folder it cannot read, and a binary file of a type not on the allowed list, is a hit.
 *
 * The main thread walks the tree and applies the name rules; file content is read and scanned in batches,
 * in-process for a small scan and on the process's worker threads (one per CPU, see worker-pool.ts) for a
 * large one. Reports are sorted, so
 * they do not depend on which thread scanned what or in which order batches came back.
 */
export async function scanPaths(root: string, options: ScanOptions = {}): Promise<GuardReport> {
  const base = path.resolve(root);
  const rootStat = await stat(base).catch(() => undefined);
  if (!rootStat?.isDirectory()) {
    throw notFound(`The folder to scan, ${base}, does not exist; check VAULT_PATH or the path given to the guard.`);
  }
  const globs = compileGlobs(options.extraBlockedNames ?? []);
  const chunkBytes = Math.max(1024, options.chunkBytes ?? DEFAULT_CHUNK_BYTES);
  const files = new FileScanner(base, chunkBytes, options.workers ?? 'auto');
  const sink: Sink = { hits: [], skipped: [], scanned: 0, pending: [], found: 0, foldersSinceYield: 0, files };
  const initial: Task[] = options.files ? listedTasks(base, options.files) : [{ rel: '', type: 'dir' }];

  const merge = (result: BatchResult) => {
    for (const hit of result.hits) sink.hits.push(hit);
    for (const skip of result.skipped) sink.skipped.push(skip);
    sink.scanned += result.scanned;
  };
  await runBounded(initial, options.concurrency ?? DEFAULT_CONCURRENCY, async (task, enqueue) => {
    if (task.type === 'files') merge(await files.scan(task.rels));
    else if (task.type === 'dir') await scanDir(base, task.rel, globs, sink, enqueue);
    else await scanListed(base, task.rel, globs, sink, enqueue);
  });
  // The last, partly filled batch.
  if (sink.pending.length > 0) merge(await files.scan(sink.pending));

  const hits = [...sink.hits].sort(
    (a, b) => compare(a.path, b.path) || (a.line ?? 0) - (b.line ?? 0) || compare(a.rule, b.rule),
  );
  const skipped = [...sink.skipped].sort((a, b) => compare(a.path, b.path));
  return { ok: hits.length === 0, hits, scanned: sink.scanned, skipped };
}

/**
 * Scans file batches in-process or on the process's worker pool. A scan turns to the pool once it has found
 * WORKER_MIN_FILES files, or at once when the pool's threads are already running or `workers` is 'always'.
 */
class FileScanner {
  private pool: ScanPool | undefined;
  /** The first-read buffer for in-process batches (see read.ts). */
  private readonly scratch = Buffer.allocUnsafe(FIRST_READ_BYTES);

  constructor(
    private readonly base: string,
    private readonly chunkBytes: number,
    private readonly workers: NonNullable<ScanOptions['workers']>,
  ) {}

  /** Whether batches of a scan that has found `found` files go to workers (starting them if needed). */
  useWorkers(found: number): boolean {
    if (this.pool !== undefined) return this.pool.alive;
    if (this.workers === 'never') return false;
    // Why threads already running are used at once: their start is paid for, and otherwise they would
    // idle while this thread scanned the first WORKER_MIN_FILES files itself.
    const running = runningScanPool();
    if (this.workers === 'auto' && running === undefined && found < WORKER_MIN_FILES) return false;
    this.pool = running ?? sharedScanPool(Math.max(1, os.availableParallelism()));
    return true;
  }

  async scan(rels: readonly string[]): Promise<BatchResult> {
    if (this.pool?.alive) {
      try {
        return await this.pool.run(this.base, rels, this.chunkBytes);
      } catch {
        // Why no error: a worker that failed (could not start, crashed) loses only speed; scan the batch here.
      }
    }
    // In pieces of FILE_BATCH: a batch cut for a worker (WORKER_BATCH) is also scanned here if its worker failed.
    const result: BatchResult = { hits: [], skipped: [], scanned: 0 };
    for (let i = 0; i < rels.length; i += FILE_BATCH) {
      // Why yield first: small files are read synchronously (see read.ts); without this turn, one batch would
      // start the next in a microtask and timers and sockets would starve until the whole tree was read.
      await yieldToEventLoop();
      const part = await scanFileBatch(this.base, rels.slice(i, i + FILE_BATCH), this.chunkBytes, this.scratch);
      for (const hit of part.hits) result.hits.push(hit);
      for (const skip of part.skipped) result.skipped.push(skip);
      result.scanned += part.scanned;
    }
    return result;
  }
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const join = (rel: string, name: string) => (rel === '' ? name : `${rel}/${name}`);

/** Queues a file cleared by name; a full batch becomes a task. */
function addFile(sink: Sink, rel: string, enqueue: (task: Task) => void): void {
  sink.pending.push(rel);
  sink.found++;
  const size = sink.files.useWorkers(sink.found) ? WORKER_BATCH : FILE_BATCH;
  if (sink.pending.length >= size) {
    enqueue({ type: 'files', rels: sink.pending });
    sink.pending = [];
  }
}

async function scanDir(
  base: string,
  rel: string,
  globs: readonly NameGlob[],
  sink: Sink,
  enqueue: (task: Task) => void,
): Promise<void> {
  // Why synchronous reads of folders, with a turn of the event loop every few: async readdir's trips through
  // the thread pool made the walk the slowest part of a scan on worker threads (they waited for batches).
  if (++sink.foldersSinceYield >= FOLDERS_PER_TURN) {
    sink.foldersSinceYield = 0;
    await yieldToEventLoop();
  }
  let entries;
  try {
    entries = readdirSync(absolute(base, rel), { withFileTypes: true });
  } catch (err) {
    // Why a hit: a folder the guard cannot list may hold anything; git running as another user may not.
    sink.hits.push(unreadableHit(`${rel}/`, (err as NodeJS.ErrnoException).code ?? 'EIO', true));
    return;
  }
  for (const entry of entries) {
    const child = join(rel, entry.name);
    if (entry.isDirectory()) {
      if (SKIPPED_DIRS.has(entry.name)) continue;
      const hits = nameHits(`${child}/`, entry.name, true, globs);
      // Why not descend: a blocked folder (a session store) is one finding, not one per file inside it.
      if (hits.length > 0) sink.hits.push(...hits);
      else enqueue({ rel: child, type: 'dir' });
    } else if (entry.isFile() || entry.isSymbolicLink()) {
      const hits = nameHits(child, entry.name, false, globs);
      if (hits.length > 0) sink.hits.push(...hits);
      // Why symlinks are not followed: the target may lie outside the vault; git stores only the link text.
      else if (entry.isSymbolicLink()) sink.skipped.push({ path: child, reason: 'symlink' });
      else addFile(sink, child, enqueue);
    }
  }
}

async function scanListed(
  base: string,
  rel: string,
  globs: readonly NameGlob[],
  sink: Sink,
  enqueue: (task: Task) => void,
): Promise<void> {
  let info;
  try {
    info = await lstat(absolute(base, rel));
  } catch {
    // Why not an error: a staged deletion is listed too, and a deleted file cannot leak anything.
    sink.skipped.push({ path: rel, reason: 'missing' });
    return;
  }
  const isDir = info.isDirectory();
  const hits = pathNameHits(isDir ? `${rel}/` : rel, globs, isDir);
  if (hits.length > 0) sink.hits.push(...hits);
  else if (isDir) enqueue({ rel, type: 'dir' });
  else if (info.isSymbolicLink()) sink.skipped.push({ path: rel, reason: 'symlink' });
  else if (info.isFile()) addFile(sink, rel, enqueue);
}

/** Normalises listed paths to root-relative POSIX paths; refuses any that leave the root. */
function listedTasks(base: string, files: readonly string[]): Task[] {
  const seen = new Set<string>();
  for (const file of files) {
    const rel = path.relative(base, path.resolve(base, file)).split(path.sep).join('/');
    // Why: listing the root itself ("." ) means "everything", the same as a full scan.
    if (rel === '') return [{ rel: '', type: 'dir' }];
    if (rel === '..' || rel.startsWith('../') || path.isAbsolute(rel)) {
      throw invalidInput(`The path ${file} lies outside the scanned folder ${base}; list only files inside it.`);
    }
    if (rel.split('/').some((segment) => SKIPPED_DIRS.has(segment))) continue;
    seen.add(rel);
  }
  return [...seen].map((rel) => ({ rel, type: 'listed' as const }));
}
