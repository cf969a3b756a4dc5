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
}

export function resolveIn(ctx: VaultContext, input: unknown, options?: { mustExist?: boolean }): Promise<VaultPath> {
  return resolveVaultPath(ctx.root, input, options);
}

/** Absolute path of a vault-relative path we built ourselves (never from a caller). */
export function absOf(ctx: VaultContext, rel: string): string {
  return path.join(ctx.root, ...rel.split('/'));
}

export const relFolderOf = (rel: string) => path.posix.dirname(rel);
export const stemOf = (rel: string) => path.posix.basename(rel).replace(/\.md$/i, '');
