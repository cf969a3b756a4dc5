import { parseTaskText } from '../vault/frontmatter.js';
import { sameBlob, type BlobRef, type ChangeSet, type PathChange } from './changes.js';
import { nameClashes } from './door.js';
import { baseName, isQueuePath, stemOfName } from './paths.js';

/**
 * How this side's changes and the remote's are put together (DESIGN §6), decided path by path. The result
 * is the remote's tree plus `overrides`: nothing of the remote is rewritten in history, and our commit on
 * top of it carries our side's changes, the refusals and the dropped claims.
 *
 * The rules, in order:
 * 1. Trust boundary: an incoming change to a path this role does not accept from its peer is refused, and so
 *    is an addition whose name folds onto another path (door.ts `nameClashes`); the path keeps our version
 *    (our own change, or the base). Our commit on top therefore restores it on the
 *    remote too: the peer sees our state win on its next pull, once, with no back-and-forth.
 * 2. Claim conflict: a queue file both sides deleted was claimed (moved) by both. The remote's claim got
 *    there first and wins; we drop our claimed copy and everything we derived from it (draft, approval
 *    request, a completion), i.e. those paths take the remote's version.
 * 3. A path only one side changed takes that side's change.
 * 4. Both changed it differently: nothing is silently overwritten. A deletion on either side wins at the
 *    path (a deletion is a move elsewhere: undoing it would put one task in two folders), otherwise the
 *    remote's version stays; in both cases both versions go to a sync_conflict file for the human.
 */

export interface ConflictCase {
  path: string;
  ours: BlobRef | null;
  theirs: BlobRef | null;
  base: BlobRef | null;
  /** Which version stays at `path`. */
  kept: 'ours' | 'theirs';
}

export interface ClaimConflict {
  /** The queue file both sides moved. */
  queuePath: string;
  taskId: string;
  /** Our files dropped because they came from our losing claim. */
  dropped: string[];
}

export interface RefusedChange {
  path: string;
  theirs: BlobRef | null;
}

export interface IntegrationPlan {
  /** Paths whose result differs from the remote's tree: the blob to put there, or null to delete. */
  overrides: Map<string, BlobRef | null>;
  refused: RefusedChange[];
  conflicts: ConflictCase[];
  claimConflicts: ClaimConflict[];
  /** Incoming changes taken as they are. */
  accepted: number;
}

export interface PlanInput {
  ours: ChangeSet;
  theirs: ChangeSet;
  /** True when this role takes the incoming change (the one door: `acceptsIncoming` in door.ts). */
  accepts: (change: PathChange) => boolean;
  /** True when the peer may claim from this queue; only there can the peer's claim beat ours. Default: any. */
  peerClaims?: (queue: string) => boolean;
  /** Reads a blob's text (for the task ids of claim conflicts). */
  read: (oid: string) => Promise<string>;
  /** Every path of our side's tree (HEAD), for the name-clash rule; empty when this side has no commit yet. */
  existing?: Iterable<string>;
}

export async function planIntegration(input: PlanInput): Promise<IntegrationPlan> {
  const { ours, theirs } = input;
  const plan: IntegrationPlan = { overrides: new Map(), refused: [], conflicts: [], claimConflicts: [], accepted: 0 };
  const dropped = await settleClaimConflicts(input, plan);
  const clashes = nameClashes(input.existing ?? [], theirs);

  for (const path of new Set([...ours.keys(), ...theirs.keys()])) {
    const o = ours.get(path);
    const t = theirs.get(path);
    if (t && (clashes.has(path) || !input.accepts(t))) {
      // Rule 1 comes first, whatever else applies: a refused change never enters, not even for a dropped claim
      // (whose path then returns to the base, as the claim rule wants, but never to the peer's version).
      plan.refused.push({ path, theirs: t.after });
      plan.overrides.set(path, dropped.has(path) && o ? o.before : o ? o.after : t.before);
      continue;
    }
    if (dropped.has(path)) {
      // Rule 2: the remote's version of a file we derived from a losing claim.
      if (!t && o) plan.overrides.set(path, o.before);
      continue;
    }
    if (!t) {
      if (o) plan.overrides.set(path, o.after);
      continue;
    }
    if (!o || sameBlob(o.after, t.after)) {
      plan.accepted += 1;
      continue;
    }
    plan.conflicts.push(bothChanged(o, t, plan));
  }
  return plan;
}

function bothChanged(o: PathChange, t: PathChange, plan: IntegrationPlan): ConflictCase {
  const base = o.before;
  if (o.after === null) {
    plan.overrides.set(o.path, null);
    return { path: o.path, ours: null, theirs: t.after, base, kept: 'ours' };
  }
  return { path: o.path, ours: o.after, theirs: t.after, base, kept: 'theirs' };
}

/** Rule 2. Returns the paths of our files that are dropped. */
async function settleClaimConflicts(input: PlanInput, plan: IntegrationPlan): Promise<Set<string>> {
  const dropped = new Set<string>();
  for (const [path, o] of input.ours) {
    const t = input.theirs.get(path);
    if (!isQueuePath(path) || !t || o.before === null || o.after !== null || t.after !== null) continue;
    // A task from a queue the peer never claims from is ours alone: its deletion there is no rival claim.
    if (input.peerClaims && !input.peerClaims(path.slice(0, path.lastIndexOf('/')))) continue;
    const taskId = idOf(await input.read(o.before.oid), 'id') ?? path;
    const stem = stemOfName(baseName(path));
    const mine: string[] = [];
    for (const [other, change] of input.ours) {
      if (other === path || change.after === null || other.startsWith('Logs/') || !other.includes(stem)) continue;
      if (await derivedFrom(await input.read(change.after.oid), taskId, baseName(path))) mine.push(other);
    }
    for (const rel of mine) dropped.add(rel);
    plan.claimConflicts.push({ queuePath: path, taskId, dropped: mine.sort() });
  }
  return dropped;
}

function idOf(text: string, key: string): string | undefined {
  try {
    const value = parseTaskText(text).data[key];
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** True when a file is the claimed task itself or was made from it (a draft, an approval request). */
function derivedFrom(text: string, taskId: string, name: string): boolean {
  let data: Record<string, unknown>;
  try {
    data = parseTaskText(text).data;
  } catch {
    return false;
  }
  if (data['id'] === taskId || data['task_id'] === taskId || data['source_task_id'] === taskId) return true;
  const refs = [data['task'], data['source_task']].filter((v): v is string => typeof v === 'string');
  return refs.some((ref) => ref.startsWith('In_Progress/') && ref.endsWith(`/${name}`));
}
