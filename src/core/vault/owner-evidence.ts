import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../errors.js';
import { foldName } from '../policy/policy.js';
import { folderAbs, type VaultContext } from './context.js';
import { replaceFileDurable } from './durable.js';
import { parseTaskText } from './frontmatter.js';

/**
 * Evidence of the owner's decisions, kept on the local machine outside the synced vault (DESIGN §6: decide only
 * on data the deciding machine wrote). Nothing the other machine can write — a git author, a frontmatter field,
 * a file name, a file in Approved/ — counts as a decision; only a record here does. Records are written by:
 * - `ai-employee approve` (the owner ran the command on this machine): a decision;
 * - whatever on local sees an approval request in Pending_Approval/ (the sync bringing it in, the executor
 *   watching the folder, local's own request): a sighting;
 * - the executor, when a file it saw pending here now stands in Approved/ and no longer in Pending_Approval/:
 *   the owner's move (in Obsidian or a file manager), recorded as a decision on the file as it is then.
 * The executor acts only on a decision, and only while the file still hashes as it did when it was decided.
 */

export interface Sighting {
  /** The approval file's name (as it stood in Pending_Approval/). */
  name: string;
  id: string;
  created: string;
  seen_at: string;
}

export interface OwnerDecision {
  id: string;
  created: string;
  name: string;
  decision: 'approved';
  /** The approval's content hash (parameters and text block) as the owner decided on it. */
  content_sha256: string;
  decided_at: string;
  /** `command`: `ai-employee approve`; `moved`: the owner moved the file from Pending_Approval/ to Approved/. */
  via: 'command' | 'moved';
}

/** One approval's key: its id and creation time (a fresh request of the same task is a new approval). */
export function approvalKey(id: string, created: string): string {
  return createHash('sha256').update(`${id}\n${created}`).digest('hex').slice(0, 32);
}

/** A sighting's key: the request (id, created) under one name. Why all three: a look-alike request under another
 * name, or another request under a case-folded name, must not overwrite the sighting of the real one. */
const sightingKey = (name: string, id: string, created: string) =>
  createHash('sha256')
    .update(`${foldName(name)}\n${id}\n${created}`)
    .digest('hex')
    .slice(0, 32);

export class OwnerEvidence {
  constructor(private readonly dir: string) {}

  /** Records the first sighting of a request under a name; a later one keeps that first time. */
  async sighted(sighting: Sighting): Promise<void> {
    const key = sightingKey(sighting.name, sighting.id, sighting.created);
    if (await this.read('sightings', key)) return;
    await this.write('sightings', key, sighting);
  }

  /** The sighting of this request (id, created) under this name in Pending_Approval/, if there was one. */
  sightingOf(name: string, id: string, created: string): Promise<Sighting | undefined> {
    return this.read<Sighting>('sightings', sightingKey(name, id, created));
  }

  /** Remembers a request this machine made itself (its own `request_approval`): only such a request may file a
   * task of this machine's own In_Progress/ folder. */
  async ownRequest(id: string, created: string): Promise<void> {
    await this.write('own-requests', approvalKey(id, created), { id, created });
  }

  async isOwnRequest(id: string, created: string): Promise<boolean> {
    return (await this.read('own-requests', approvalKey(id, created))) !== undefined;
  }

  async decided(decision: OwnerDecision): Promise<void> {
    await this.write('decisions', approvalKey(decision.id, decision.created), decision);
  }

  decisionOf(id: string, created: string): Promise<OwnerDecision | undefined> {
    return this.read<OwnerDecision>('decisions', approvalKey(id, created));
  }

  /** When this approval was first found in Approved/ with no decision of the owner's, if ever. */
  async suspiciousSince(id: string, created: string): Promise<string | undefined> {
    return (await this.read<{ reported_at: string }>('suspicious', approvalKey(id, created)))?.reported_at;
  }

  /** Remembers that a suspicious approval was reported; true the first time only (one alert per approval). */
  async reportOnce(id: string, created: string, at: Date): Promise<boolean> {
    const key = approvalKey(id, created);
    if (await this.read('suspicious', key)) return false;
    await this.write('suspicious', key, { id, created, reported_at: at.toISOString() });
    return true;
  }

  private async write(kind: string, key: string, value: unknown): Promise<void> {
    await mkdir(path.join(this.dir, kind), { recursive: true });
    await replaceFileDurable(path.join(this.dir, kind, `${key}.json`), JSON.stringify(value));
  }

  private async read<T>(kind: string, key: string): Promise<T | undefined> {
    try {
      return JSON.parse(await readFile(path.join(this.dir, kind, `${key}.json`), 'utf8')) as T;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }
}

/** The evidence store of a machine's state folder (AI_EMPLOYEE_STATE_DIR). */
export function ownerEvidenceIn(stateDir: string | undefined): OwnerEvidence {
  if (stateDir === undefined)
    throw new AppError(
      'invalid_input',
      'This machine has no state folder (AI_EMPLOYEE_STATE_DIR) to keep the owner’s decisions in; set it, outside the vault.',
    );
  return new OwnerEvidence(path.join(stateDir, 'owner-evidence'));
}

/** Records that an approval request stood in Pending_Approval/ on this machine (a file that is not one: nothing). */
export async function sightApproval(evidence: OwnerEvidence, name: string, fileText: string, now: Date): Promise<void> {
  let data: Record<string, unknown>;
  try {
    data = parseTaskText(fileText).data;
  } catch {
    return; // not readable as a request: nothing to sight (the executor refuses it if it is ever approved)
  }
  const { id, created } = data;
  if (data['type'] !== 'approval_request' || typeof id !== 'string' || typeof created !== 'string') return;
  await evidence.sighted({ name, id, created, seen_at: now.toISOString() });
}

/** Sights every request now in Pending_Approval/ (the executor's start and rescans; a test's owner before a move). */
export async function sightPendingApprovals(ctx: VaultContext): Promise<number> {
  const evidence = ownerEvidenceIn(ctx.stateDir);
  const dir = await folderAbs(ctx, 'Pending_Approval').catch(() => undefined);
  if (dir === undefined) return 0; // no such folder (a sync emptied it): nothing is pending
  let sighted = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!name.endsWith('.md') || name.startsWith('.')) continue;
    const text = await readFile(path.join(dir, name), 'utf8').catch(() => undefined);
    if (text === undefined) continue; // moved meanwhile
    await sightApproval(evidence, name, text, ctx.clock());
    sighted += 1;
  }
  return sighted;
}
