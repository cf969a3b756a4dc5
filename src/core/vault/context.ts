import path from 'node:path';
import type { Logger } from '../log.js';
import type { Policy } from '../policy/policy.js';
import type { Role } from '../roles.js';
import type { AuditLog } from './audit.js';
import { resolveVaultPath, type VaultPath } from './safe-path.js';

/** What every vault operation needs: passed in, never module state (DESIGN §8). */
export interface VaultContext {
  /** The real (symlink-free) path of the vault root. */
  root: string;
  role: Role;
  policy: Policy;
  clock: () => Date;
  /** Who is acting, for `claimed_by` and the audit log: `<role>:<process name>`. */
  actor: string;
  audit: AuditLog;
  logger: Logger;
  lease: { minutes: number; maxAttempts: number };
  /**
   * This machine's state folder (AI_EMPLOYEE_STATE_DIR), outside the vault: where local keeps the owner's
   * decisions (owner-evidence.ts). Undefined where nothing needs it (most tests, read-only commands).
   */
  stateDir?: string;
  /**
   * The IANA zone that naive timestamps in task files (Python's isoformat() without a zone) are read in;
   * undefined means the machine's own (TZ). Tests inject one instead of relying on the machine's.
   */
  timeZone?: string;
}

export function resolveIn(ctx: VaultContext, input: unknown, options?: { mustExist?: boolean }): Promise<VaultPath> {
  return resolveVaultPath(ctx.root, input, options);
}

/**
 * Absolute path of a vault-relative path we built ourselves. Its folder is checked like a caller's path (a
 * real folder, no symbolic link on the way): a synced commit or a human can plant a link where a vault folder
 * should be, and every write or read through it would leave the vault.
 */
export async function absOf(ctx: VaultContext, rel: string): Promise<string> {
  const folder = path.posix.dirname(rel);
  const checked = folder === '.' ? ctx.root : (await resolveVaultPath(ctx.root, folder, { directory: true })).abs;
  return path.join(checked, path.posix.basename(rel));
}

/** The checked absolute path of a vault folder (see absOf). */
export async function folderAbs(ctx: VaultContext, folder: string): Promise<string> {
  return (await resolveVaultPath(ctx.root, folder, { directory: true })).abs;
}

export const relFolderOf = (rel: string) => path.posix.dirname(rel);
export const stemOf = (rel: string) => path.posix.basename(rel).replace(/\.md$/i, '');
