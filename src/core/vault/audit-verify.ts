import { constants } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import path from 'node:path';
import { invalidInput } from '../errors.js';
import { GENESIS_PREV, lineHash } from './audit.js';

/**
 * Checks the audit log's hash chains (DESIGN §6: each log is a hash chain). Every `Logs/*.jsonl` file is one
 * chain: each line's `prev` must be the SHA-256 of the line before it (64 zeros on line 1). Reads only.
 *
 * Lines before a file's first chained line were written before chaining existed: they are counted as legacy,
 * not as broken (the first chained line must still name the last legacy line). What a chain alone cannot
 * show: a change to the last line, or whole lines cut from the end; the one-writer rule of the sync (a role
 * never takes the other role's changes to its own log) covers those.
 */
export type ChainBreakReason = 'bad_json' | 'prev_mismatch' | 'missing_prev' | 'truncated' | 'not_a_file';

export interface ChainBreak {
  /** Vault-relative, e.g. `Logs/2026-11-26.local.jsonl`. */
  file: string;
  /** 1-based; 0 when the file itself is wrong (not a regular file). */
  line: number;
  reason: ChainBreakReason;
  /** One sentence for a human. */
  message: string;
}

export interface LogChainResult {
  file: string;
  /** Every line of the file, also those after a break (which are not checked). */
  lines: number;
  /** Lines before the first chained line. */
  legacy: number;
  ok: boolean;
  /** The first broken link, when not ok. */
  broken?: ChainBreak;
}

export interface AuditVerifyReport {
  ok: boolean;
  files: LogChainResult[];
  lines: number;
  legacy: number;
  /** The first broken link of each broken file, in file-name order. */
  broken: ChainBreak[];
}

const HEX64 = /^[0-9a-f]{64}$/;
const NEWLINE = 0x0a;

/** Checks one file's bytes. Pure, so that tests and callers with the bytes at hand need no file. */
export function verifyChain(data: Uint8Array, file: string): LogChainResult {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const lines: Buffer[] = [];
  for (let start = 0; start < buf.length;) {
    const nl = buf.indexOf(NEWLINE, start);
    lines.push(buf.subarray(start, nl < 0 ? buf.length : nl));
    start = nl < 0 ? buf.length : nl + 1;
  }
  const torn = buf.length > 0 && buf[buf.length - 1] !== NEWLINE;
  let legacy = 0;
  let chained = false;
  const result = (broken?: Omit<ChainBreak, 'file'>): LogChainResult => ({
    file,
    lines: lines.length,
    legacy,
    ok: !broken,
    ...(broken ? { broken: { file, ...broken } } : {}),
  });
  for (const [i, bytes] of lines.entries()) {
    const n = i + 1;
    if (torn && i === lines.length - 1)
      return result({
        line: n,
        reason: 'truncated',
        message: `line ${n} is cut short: the file does not end with a newline (truncated, or a write was torn)`,
      });
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString('utf8'));
    } catch {
      parsed = undefined;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      return result({ line: n, reason: 'bad_json', message: `line ${n} is not one JSON object` });
    const prev = (parsed as Record<string, unknown>)['prev'];
    if (prev === undefined) {
      if (chained)
        return result({
          line: n,
          reason: 'missing_prev',
          message: `line ${n} has no prev, after chained lines (written by an old version, or edited)`,
        });
      legacy += 1;
      continue;
    }
    chained = true;
    const expected = i === 0 ? GENESIS_PREV : lineHash(lines[i - 1] as Buffer);
    if (typeof prev !== 'string' || !HEX64.test(prev))
      return result({ line: n, reason: 'prev_mismatch', message: `line ${n}'s prev is not a SHA-256 hex digest` });
    if (prev !== expected)
      return result({
        line: n,
        reason: 'prev_mismatch',
        message:
          i === 0
            ? `line 1's prev is not the start of a chain (lines before it were removed, or it was moved)`
            : `line ${n}'s prev does not match line ${i} (line ${i} was edited, or lines were removed or reordered)`,
      });
  }
  return result();
}

/** Checks one log file. `file` is its name in reports (default `Logs/<name>`). Follows no symbolic link. */
export async function verifyLogFile(abs: string, file = `Logs/${path.basename(abs)}`): Promise<LogChainResult> {
  let handle;
  try {
    handle = await open(abs, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ELOOP') throw err;
    return notAFile(file);
  }
  try {
    if (!(await handle.stat()).isFile()) return notAFile(file);
    return verifyChain(await handle.readFile(), file);
  } finally {
    await handle.close();
  }
}

const notAFile = (file: string): LogChainResult => ({
  file,
  lines: 0,
  legacy: 0,
  ok: false,
  broken: { file, line: 0, reason: 'not_a_file', message: 'not a regular file (a symbolic link or a folder)' },
});

/**
 * Checks every `Logs/*.jsonl` chain of the vault at `root`, or only the files of the given days
 * (`YYYY-MM-DD`, both roles), which is what `status` does to stay cheap. A vault without `Logs/` has no logs.
 */
export async function verifyAuditLogs(
  root: string,
  options: { days?: readonly string[] } = {},
): Promise<AuditVerifyReport> {
  const logsDir = path.join(root, 'Logs');
  const stats = await lstat(logsDir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (stats && !stats.isDirectory())
    throw invalidInput(`${logsDir} is not a folder (a symbolic link?); nothing checked.`);
  const names = stats
    ? (await readdir(logsDir))
        .filter((n) => !n.startsWith('.') && n.endsWith('.jsonl'))
        .filter((n) => !options.days || options.days.includes(n.slice(0, 10)))
        .sort()
    : [];
  const files: LogChainResult[] = [];
  for (const name of names) {
    try {
      files.push(await verifyLogFile(path.join(logsDir, name)));
    } catch (err) {
      // Removed meanwhile (retention, or a sync): nothing to check.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  const broken = files.flatMap((f) => (f.broken ? [f.broken] : []));
  return {
    ok: broken.length === 0,
    files,
    lines: files.reduce((sum, f) => sum + f.lines, 0),
    legacy: files.reduce((sum, f) => sum + f.legacy, 0),
    broken,
  };
}

/** One line for a human: the first broken link of a file. */
export function describeBreak(b: ChainBreak): string {
  return b.line === 0 ? `${b.file}: ${b.message}` : `${b.file} line ${b.line}: ${b.message}`;
}
