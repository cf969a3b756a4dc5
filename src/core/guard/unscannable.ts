import { ALLOWED_BINARY_EXTENSIONS } from './binary-types.js';
import type { GuardHit } from './types.js';

/**
 * The hits for files the guard cannot scan (issue 12): it fails closed, so such a file blocks the sync like
 * a secret would. They are not rules of a file's name or content, so they are not in GUARD_RULES; their ids
 * are listed here for the docs and the tests.
 */
export const UNSCANNABLE_RULES = {
  binary: 'unscannable-binary',
  unreadable: 'unreadable-file',
  unreadableFolder: 'unreadable-folder',
} as const;

export function unscannableHit(relPath: string): GuardHit {
  return {
    path: relPath,
    rule: UNSCANNABLE_RULES.binary,
    kind: 'unscannable',
    description:
      `binary file whose content cannot be scanned, and not of an allowed type (${ALLOWED_BINARY_EXTENSIONS.join(', ')}); ` +
      'move it out of the vault or save it as text',
  };
}

export function unreadableHit(relPath: string, code: string, folder: boolean): GuardHit {
  return {
    path: relPath,
    rule: folder ? UNSCANNABLE_RULES.unreadableFolder : UNSCANNABLE_RULES.unreadable,
    kind: 'unscannable',
    description: `${folder ? 'folder' : 'file'} could not be read (${code}), so it cannot be scanned; fix its permissions or move it out of the vault`,
  };
}
