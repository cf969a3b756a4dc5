import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import { invalidInput, notFound } from '../errors.js';

/**
 * Resolves a caller-given vault path inside the vault root, or refuses it with a message that says what to
 * fix. Callers are AI agents and humans: treat every path as hostile. Rules, checked on the text first and
 * then on the disk:
 * - relative, forward slashes, at most 1,024 characters and 255 bytes a segment;
 * - no `.` or `..` segments, no hidden segments (`.git`, `.obsidian`, `.env`), no empty segments;
 * - no control, format (bidi, zero-width) or private-use characters, no characters Windows forbids,
 *   and NFC-normalised (Obsidian on macOS and Linux must name one file one way);
 * - no symbolic link anywhere on the way. Why: a link inside the vault can point outside it, and checking
 *   its target races with a swap; the vault protocol never needs one.
 */
export interface VaultPath {
  /** Vault-relative, forward slashes, e.g. `Needs_Action/EMAIL_1.md`. */
  rel: string;
  /** Absolute path under the real vault root. */
  abs: string;
}

const MAX_PATH_CHARS = 1024;
const MAX_SEGMENT_BYTES = 255;
// Why: control (Cc), format (Cf: bidi overrides, zero-width), private use (Co), unassigned (Cn), lone
// surrogates (Cs: Node would write U+FFFD, so two names would reach one file), line/paragraph separators.
const FORBIDDEN_CHARS = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\p{Zl}\p{Zp}]/u;
const WINDOWS_FORBIDDEN = /[\\:*?"<>|]/;

export function checkVaultPathText(input: unknown): string {
  if (typeof input !== 'string' || input.length === 0)
    throw invalidInput('The path is empty; give a vault-relative path such as "Needs_Action/EMAIL_1.md".');
  if (input.includes('\0')) throw invalidInput('The path contains a NUL byte; give a plain vault-relative path.');
  if (input.length > MAX_PATH_CHARS)
    throw invalidInput(`The path is longer than ${MAX_PATH_CHARS} characters; use a shorter name.`);
  if (input.includes('\\'))
    throw invalidInput('The path contains a backslash; use forward slashes, e.g. "Done/EMAIL_1.md".');
  if (input.startsWith('/') || /^[A-Za-z]:/.test(input))
    throw invalidInput('The path is absolute; give it relative to the vault root, e.g. "Done/EMAIL_1.md".');
  if (input.startsWith('~')) throw invalidInput('The path starts with "~"; give it relative to the vault root.');
  if (FORBIDDEN_CHARS.test(input))
    throw invalidInput(
      'The path contains control or invisible Unicode characters; retype it with visible characters only.',
    );
  if (input.normalize('NFC') !== input)
    throw invalidInput('The path is not in Unicode NFC form; normalise it (NFC) and try again.');
  const trimmed = input.endsWith('/') ? input.slice(0, -1) : input;
  for (const segment of trimmed.split('/')) {
    if (segment === '') throw invalidInput('The path has an empty segment ("//"); remove it.');
    if (segment === '.' || segment === '..')
      throw invalidInput('The path contains "." or ".."; give a path inside the vault without them.');
    if (segment.startsWith('.'))
      throw invalidInput(`"${segment}" is a hidden name; hidden files and folders are not part of the vault.`);
    if (WINDOWS_FORBIDDEN.test(segment))
      throw invalidInput(`"${segment}" contains a character that is not allowed in vault names (\\ : * ? " < > |).`);
    if (/[ .]$/.test(segment)) throw invalidInput(`"${segment}" ends with a space or a dot; remove it.`);
    if (Buffer.byteLength(segment, 'utf8') > MAX_SEGMENT_BYTES)
      throw invalidInput(`A path segment is longer than ${MAX_SEGMENT_BYTES} bytes; use a shorter name.`);
  }
  return trimmed;
}

/**
 * Checks the text, then walks the disk from the real root: every existing segment must be a plain file or
 * folder (never a symlink). A missing leaf is fine when `mustExist` is false (for a file about to be made).
 */
export async function resolveVaultPath(
  realRoot: string,
  input: unknown,
  options: { mustExist?: boolean; directory?: boolean } = {},
): Promise<VaultPath> {
  const rel = checkVaultPathText(input);
  const segments = rel.split('/');
  let current = realRoot;
  for (let i = 0; i < segments.length; i += 1) {
    current = path.join(current, segments[i] as string);
    let stats;
    try {
      stats = await lstat(current);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      if (options.mustExist !== false)
        throw notFound(`"${rel}" does not exist in the vault; list_tasks shows what is there.`);
      return { rel, abs: path.join(realRoot, ...segments) };
    }
    if (stats.isSymbolicLink())
      throw invalidInput(
        `"${segments.slice(0, i + 1).join('/')}" is a symbolic link; the vault does not follow links.`,
      );
    if (i < segments.length - 1 && !stats.isDirectory())
      throw invalidInput(`"${segments.slice(0, i + 1).join('/')}" is not a folder.`);
  }
  return { rel, abs: current };
}

/** The real path of the vault root, so that every later prefix check compares like with like. */
export async function realVaultRoot(root: string): Promise<string> {
  try {
    return await realpath(root);
  } catch {
    throw invalidInput(`The vault folder ${root} does not exist; run "ai-employee init ${root}" or set VAULT_PATH.`);
  }
}
