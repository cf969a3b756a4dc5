import { lstat, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { invalidInput, notFound } from '../errors.js';
import { compileGlobs, type NameGlob } from './glob.js';
import { nameHits, pathNameHits } from './names.js';
import { runBounded } from './pool.js';
import { DEFAULT_CHUNK_BYTES, FIRST_READ_BYTES, readText } from './read.js';
import { TextScanner } from './text-scan.js';
import { unreadableHit, unscannableHit } from './unscannable.js';
import type { GuardHit, GuardReport, GuardSkip, ScanOptions } from './types.js';

export { DEFAULT_CHUNK_BYTES };
export const DEFAULT_CONCURRENCY = 32;
/** Files read per batch between two turns of the event loop (about a millisecond of blocking). */
const FILE_BATCH = 64;

/** Folders never scanned: git's own store (its objects are compressed, and history is not the work tree) and dependencies. */
const SKIPPED_DIRS: ReadonlySet<string> = new Set(['.git', 'node_modules']);

type Task =
  | { readonly type: 'dir' | 'listed'; readonly rel: string }
  | { readonly type: 'files'; readonly rels: readonly string[] };

interface Sink {
  readonly hits: GuardHit[];
  readonly skipped: GuardSkip[];
  scanned: number;
  readonly chunkBytes: number;
  /** The first-read buffer, shared by this scan's file batches (each uses it only before its first await). */
  readonly scratch: Buffer;
}

/**
 * Scans a folder (a vault work tree), or only `options.files` inside it, for files that must never be
 * committed: blocked names (built-in rules plus the policy's globs) and secret-shaped content.
 * A file blocked by name is not read: one hit is enough to stop the sync, and reading it adds nothing.
 * It fails closed (issue 12): every file is read in full, whatever its size or text encoding; a file or
 * folder it cannot read, and a binary file of a type not on the allowed list, is a hit.
 */
export async function scanPaths(root: string, options: ScanOptions = {}): Promise<GuardReport> {
  const base = path.resolve(root);
  const rootStat = await stat(base).catch(() => undefined);
  if (!rootStat?.isDirectory()) {
    throw notFound(`The folder to scan, ${base}, does not exist; check VAULT_PATH or the path given to the guard.`);
  }
  const globs = compileGlobs(options.extraBlockedNames ?? []);
  const chunkBytes = Math.max(1024, options.chunkBytes ?? DEFAULT_CHUNK_BYTES);
  const sink: Sink = { hits: [], skipped: [], scanned: 0, chunkBytes, scratch: Buffer.allocUnsafe(FIRST_READ_BYTES) };
  const initial: Task[] = options.files ? listedTasks(base, options.files) : [{ rel: '', type: 'dir' }];

  await runBounded(initial, options.concurrency ?? DEFAULT_CONCURRENCY, async (task, enqueue) => {
    if (task.type === 'files') await scanFiles(base, task.rels, sink);
    else if (task.type === 'dir') await scanDir(base, task.rel, globs, sink, enqueue);
    else await scanListed(base, task.rel, globs, sink, enqueue);
  });

  const hits = [...sink.hits].sort(
    (a, b) => compare(a.path, b.path) || (a.line ?? 0) - (b.line ?? 0) || compare(a.rule, b.rule),
  );
  const skipped = [...sink.skipped].sort((a, b) => compare(a.path, b.path));
  return { ok: hits.length === 0, hits, scanned: sink.scanned, skipped };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const join = (rel: string, name: string) => (rel === '' ? name : `${rel}/${name}`);

async function scanDir(
  base: string,
  rel: string,
  globs: readonly NameGlob[],
  sink: Sink,
  enqueue: (task: Task) => void,
): Promise<void> {
  let entries;
  try {
    entries = await readdir(path.join(base, rel), { withFileTypes: true });
  } catch (err) {
    // Why a hit: a folder the guard cannot list may hold anything; git running as another user may not.
    sink.hits.push(unreadableHit(`${rel}/`, (err as NodeJS.ErrnoException).code ?? 'EIO', true));
    return;
  }
  const files: string[] = [];
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
      else files.push(child);
    }
  }
  for (let i = 0; i < files.length; i += FILE_BATCH) enqueue({ type: 'files', rels: files.slice(i, i + FILE_BATCH) });
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
    info = await lstat(path.join(base, rel));
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
  else if (info.isFile()) enqueue({ type: 'files', rels: [rel] });
}

async function scanFiles(base: string, rels: readonly string[], sink: Sink): Promise<void> {
  // Why yield first: small files are read synchronously (see read.ts); without this turn, one batch would
  // start the next in a microtask and timers and sockets would starve until the whole tree was read.
  await yieldToEventLoop();
  for (const rel of rels) {
    const scanner = new TextScanner(rel);
    const outcome = await readText(path.join(base, rel), rel, sink.chunkBytes, sink.scratch, (text, last) =>
      scanner.push(text, last),
    );
    if (outcome.kind === 'text') {
      sink.scanned++;
      sink.hits.push(...scanner.hits);
    } else if (outcome.kind === 'missing') sink.skipped.push({ path: rel, reason: 'missing' });
    else if (outcome.kind === 'allowed-binary') sink.skipped.push({ path: rel, reason: 'binary', type: outcome.type });
    else if (outcome.kind === 'binary') sink.hits.push(unscannableHit(rel));
    else sink.hits.push(unreadableHit(rel, outcome.code, false));
  }
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
