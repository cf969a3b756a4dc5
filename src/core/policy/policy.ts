import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError, policyDenied } from '../errors.js';
import type { Role } from '../roles.js';
import { LIVE_ACTION_CAPABILITIES, type Capability } from './capabilities.js';
import { PolicySchema, type PolicyFile } from './schema.js';

/**
 * A role's policy, as enforced. Deny is the default: a capability, queue, folder or Odoo method that the
 * file does not name is refused. With draft-only on, the live-action capabilities are removed whatever the
 * file says. Every entry point (MCP tool, worker, CLI) goes through this one object.
 */
export class Policy {
  readonly role: Role;
  readonly draftOnly: boolean;
  private readonly capabilities: ReadonlySet<Capability>;
  private readonly file: PolicyFile;

  constructor(file: PolicyFile, options: { draftOnly: boolean }) {
    this.file = file;
    this.role = file.role;
    this.draftOnly = options.draftOnly;
    const caps = new Set(file.capabilities);
    if (options.draftOnly) for (const cap of LIVE_ACTION_CAPABILITIES) caps.delete(cap);
    this.capabilities = caps;
  }

  has(capability: Capability): boolean {
    return this.capabilities.has(capability);
  }

  /** Throws policy_denied unless the role holds the capability. `what` names the attempted action. */
  require(capability: Capability, what: string): void {
    if (this.has(capability)) return;
    const why =
      this.draftOnly && LIVE_ACTION_CAPABILITIES.includes(capability)
        ? `draft-only mode forbids "${capability}" on this machine`
        : `the ${this.role} policy does not grant "${capability}"`;
    throw policyDenied(`${what} is not allowed: ${why}.`, { capability, role: this.role });
  }

  get claimQueues(): readonly string[] {
    return this.file.claim.queues;
  }

  /** The task types the role claims (for reports such as `doctor`; decisions go through canClaim). */
  get claimTypes(): readonly string[] {
    return this.file.claim.types;
  }

  /** The folders and files the role may write (for reports; decisions go through canWrite). */
  get writableFolders(): readonly string[] {
    return this.file.writable;
  }

  canClaim(type: string, queue: string): boolean {
    return this.has('vault.claim') && this.file.claim.queues.includes(queue) && this.file.claim.types.includes(type);
  }

  /** True when `relPath` (vault-relative, forward slashes) lies in a folder or is a file this role may write. */
  canWrite(relPath: string): boolean {
    return this.file.writable.some((entry) => relPath === entry || relPath.startsWith(`${entry}/`));
  }

  requireWritable(relPath: string, what: string): void {
    if (this.canWrite(relPath)) return;
    throw policyDenied(`${what} is not allowed: the ${this.role} role may not write "${relPath}".`, {
      path: relPath,
      role: this.role,
    });
  }

  canCallOdoo(model: string, method: string): boolean {
    return this.file.odoo_methods.includes(`${model}.${method}`);
  }

  requireOdooCall(model: string, method: string): void {
    if (this.canCallOdoo(model, method)) return;
    throw policyDenied(`Odoo call ${model}.${method} is not allowed for the ${this.role} role.`, {
      model,
      method,
      role: this.role,
    });
  }

  get guardBlockedNames(): readonly string[] {
    return this.file.guard_blocked_names;
  }

  /**
   * True when an incoming change from the other role to `relPath` may be taken (DESIGN §6). An entry is a
   * folder (everything under it), a file, or a pattern whose `*` stands for part of one name
   * (`Logs/*.cloud.jsonl`). Why fold case and Unicode form: macOS and Windows file systems do, so `approved/x.md`
   * or a decomposed `Approved` lands in `Approved/` there; the decision must be the one those systems act on.
   */
  acceptsFromPeer(relPath: string): boolean {
    const rel = foldName(relPath);
    return this.acceptPatterns.some((entry) => entry.test(rel));
  }

  /** The queues the other machine may claim from: only there can its claim beat ours (DESIGN §6 claim conflict). */
  peerClaims(queue: string): boolean {
    const folded = foldName(queue);
    return (this.file.peer_claims ?? []).some((entry) => foldName(entry) === folded);
  }

  private get acceptPatterns(): readonly RegExp[] {
    this.acceptCache ??= this.file.accept_from_peer.map((entry) => acceptPattern(foldName(entry)));
    return this.acceptCache;
  }
  private acceptCache: RegExp[] | undefined;
}

/** A name as case-insensitive, normalising file systems see it: NFC, lower case. */
export function foldName(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/** `entry` (folded) as a regexp over a folded path: the entry itself, anything under it, `*` within one name. */
function acceptPattern(entry: string): RegExp {
  const body = entry
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]*');
  return entry.includes('*') ? new RegExp(`^${body}$`) : new RegExp(`^${body}(/.*)?$`);
}

/** Where the shipped policy files live: `<package root>/policies`. */
export function defaultPolicyDir(): string {
  // Why fileURLToPath: a URL's pathname is percent-encoded (`My%20Projects`) and, on Windows, starts with a
  // slash before the drive letter; fileURLToPath gives the file system's own path on every OS.
  // This file is src/core/policy/policy.ts (sources) or dist/src/core/policy/policy.js (build): three folders
  // up is the package root, or its dist/ (only when policies/ is not there: a checkout may itself be named dist).
  const up3 = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  const here = path.join(up3, 'policies');
  return path.basename(up3) === 'dist' && !existsSync(here) ? path.join(path.dirname(up3), 'policies') : here;
}

/** Reads and validates `policies/<role>.json`. Any problem is one clear line that names the file. */
export async function loadPolicy(role: Role, options: { dir?: string; draftOnly: boolean }): Promise<Policy> {
  const file = path.join(options.dir ?? defaultPolicyDir(), `${role}.json`);
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch {
    throw new AppError('invalid_input', `Policy file ${file} cannot be read; restore it from the repository.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new AppError('invalid_input', `Policy file ${file} is not valid JSON: ${(err as Error).message}.`);
  }
  const parsed = PolicySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || '(top level)';
    throw new AppError('invalid_input', `Policy file ${file} is invalid at ${where}: ${issue?.message}.`);
  }
  if (parsed.data.role !== role) {
    throw new AppError('invalid_input', `Policy file ${file} is for role "${parsed.data.role}", not "${role}".`);
  }
  return new Policy(parsed.data, { draftOnly: options.draftOnly });
}
