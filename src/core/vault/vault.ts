import { access } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Policy } from '../policy/policy.js';
import { AuditLog } from './audit.js';
import { requestApproval, type ApprovalRequest } from './approvals.js';
import { claimTask, recoverClaims, tidyQueue } from './claim.js';
import type { VaultContext } from './context.js';
import { writeDraft } from './drafts.js';
import { inProgressFolder } from './layout.js';
import { listTasks, readRaw, readTask, vaultStatus } from './reading.js';
import { realVaultRoot } from './safe-path.js';
import { completeTask, failTask, fileFinishedDrafts, releaseTask, type ReleaseOptions } from './transitions.js';
import { postUpdate } from './updates.js';

export interface OpenVaultOptions {
  root: string;
  policy: Policy;
  logger: Logger;
  /** Names this process in claims and the audit log, e.g. "mcp-server" or "cloud-draft-worker". */
  processName: string;
  clock?: () => Date;
  lease?: { minutes: number; maxAttempts: number };
  /** AI_EMPLOYEE_STATE_DIR: outside the vault; local keeps the owner's decisions there. */
  stateDir?: string;
  /** The zone naive timestamps in task files are read in (default: the machine's, TZ). */
  timeZone?: string;
}

/**
 * The vault, as every entry point sees it: one object, given its root and policy, whose methods each pass
 * the policy check in core (DESIGN §4). Tools, workers and the CLI call these; none touches files directly.
 */
export class Vault {
  private constructor(readonly ctx: VaultContext) {}

  static async open(options: OpenVaultOptions): Promise<Vault> {
    const root = await realVaultRoot(options.root);
    const role = options.policy.role;
    try {
      await access(path.join(root, ...inProgressFolder(role).split('/')));
    } catch {
      throw new AppError(
        'invalid_input',
        `${options.root} is not an initialised vault (no ${inProgressFolder(role)}/); run "ai-employee init ${options.root}".`,
      );
    }
    const clock = options.clock ?? (() => new Date());
    const actor = `${role}:${options.processName}`;
    return new Vault({
      root,
      role,
      policy: options.policy,
      clock,
      actor,
      audit: new AuditLog(path.join(root, 'Logs'), { role, process: options.processName }, clock),
      logger: options.logger,
      lease: options.lease ?? { minutes: 30, maxAttempts: 3 },
      stateDir: options.stateDir,
      timeZone: options.timeZone,
    });
  }

  get root() {
    return this.ctx.root;
  }
  get role() {
    return this.ctx.role;
  }
  get policy() {
    return this.ctx.policy;
  }
  get audit() {
    return this.ctx.audit;
  }

  listTasks(args: { folder?: string; type?: string; limit?: number } = {}) {
    return listTasks(this.ctx, args);
  }
  readTask(path: string) {
    return readTask(this.ctx, path);
  }
  readRaw(path: string) {
    return readRaw(this.ctx, path);
  }
  status() {
    return vaultStatus(this.ctx);
  }
  claim(args: { path?: string; type?: string | readonly string[] } = {}) {
    return claimTask(this.ctx, args);
  }
  release(path: string, reason: string, options?: ReleaseOptions) {
    return releaseTask(this.ctx, path, reason, options);
  }
  complete(path: string, outcome: string, note?: string) {
    return completeTask(this.ctx, path, outcome, note);
  }
  fail(path: string, reason: string) {
    return failTask(this.ctx, path, reason);
  }
  writeDraft(args: Parameters<typeof writeDraft>[1]) {
    return writeDraft(this.ctx, args);
  }
  requestApproval(req: ApprovalRequest) {
    return requestApproval(this.ctx, req);
  }
  postUpdate(args: Parameters<typeof postUpdate>[1]) {
    return postUpdate(this.ctx, args);
  }
  recover() {
    return recoverClaims(this.ctx);
  }
  /** Cloud: routes tasks it does not take to local's queue and files unreadable ones in Failed/ (claim.ts). */
  tidyQueue() {
    return tidyQueue(this.ctx);
  }
  /** Files this role's drafts whose task is in Done/ or Failed/ alongside it (transitions.ts). */
  fileFinishedDrafts() {
    return fileFinishedDrafts(this.ctx);
  }
}
