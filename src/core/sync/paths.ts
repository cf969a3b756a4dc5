import { CLAIMING_PREFIX, DASHBOARD_FILE, HANDBOOK_FILE, TEMP_PREFIX, VAULT_FOLDERS } from '../vault/layout.js';

/**
 * Which paths of the vault's work tree are "vault state" (DESIGN §6): the protocol folders and the two
 * human files. Only these are ever committed by the sync, and only these are ever taken from a pull.
 * Everything else in the work tree (Obsidian's settings, a stray download, the vault's .gitignore) stays
 * on its machine: the sync neither commits it nor lets a peer change it.
 */
const STATE_TOP_FOLDERS: ReadonlySet<string> = new Set(VAULT_FOLDERS.map((f) => f.split('/')[0] as string));
const STATE_FILES: ReadonlySet<string> = new Set([DASHBOARD_FILE, HANDBOOK_FILE]);
const PROTOCOL_FOLDERS_FOLDED: ReadonlySet<string> = new Set(VAULT_FOLDERS.map((f) => f.toLowerCase()));

export function isStatePath(rel: string): boolean {
  if (rel === '' || rel.startsWith('/') || rel.includes('\\')) return false;
  const segments = rel.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..' || isGitControlName(s) || isTooLong(s))) return false;
  // Why: temp files of durable writes and takes in flight are half-done operations, never state.
  const name = segments[segments.length - 1] as string;
  if (name.startsWith(TEMP_PREFIX) || name.startsWith(CLAIMING_PREFIX)) return false;
  if (segments.length === 1) return STATE_FILES.has(rel);
  // A file where a protocol folder belongs (`Needs_Action/cloud` as a file) would stop that folder from existing.
  if (PROTOCOL_FOLDERS_FOLDED.has(rel.normalize('NFC').toLowerCase())) return false;
  return STATE_TOP_FOLDERS.has(segments[0] as string);
}

/**
 * A name git gives a meaning of its own, in any case and with the trailing dots or spaces Windows drops:
 * `.git` (git refuses to check it out, so one such path on the remote would wedge every sync), and the
 * `.gitattributes` / `.gitignore` / `.gitmodules` family, which would change how this machine checks out and
 * commits its files. None is vault state.
 */
/**
 * File systems allow 255 bytes a name; our temp and take names add up to about 40 bytes in front of a name.
 * Why refuse longer ones: git cannot check such a name out (every later sync would fail), and a write through a
 * temp name would fail after the owner had approved it.
 */
const MAX_NAME_BYTES = 200;
const isTooLong = (segment: string) => Buffer.byteLength(segment, 'utf8') > MAX_NAME_BYTES;

const GIT_CONTROL_NAMES: ReadonlySet<string> = new Set([
  '.git',
  'git~1',
  '.gitattributes',
  '.gitignore',
  '.gitmodules',
]);

function isGitControlName(segment: string): boolean {
  const folded = segment.toLowerCase().replace(/[. ]+$/, '');
  return GIT_CONTROL_NAMES.has(folded);
}

/** The queues a task is claimed from: a file deleted here by both sides was claimed (moved) by both. */
export function isQueuePath(rel: string): boolean {
  const segments = rel.split('/');
  if (segments[0] !== 'Needs_Action' || !rel.endsWith('.md')) return false;
  return segments.length === 2 || (segments.length === 3 && (segments[1] === 'cloud' || segments[1] === 'local'));
}

export const baseName = (rel: string) => rel.slice(rel.lastIndexOf('/') + 1);
export const stemOfName = (name: string) => name.replace(/\.md$/i, '');
