import { foldName, type Policy } from '../policy/policy.js';
import type { ChangeSet, PathChange } from './changes.js';
import { isStatePath } from './paths.js';

/** Git modes of a plain file. Why only these: a symlink (120000) or a submodule (160000) from the peer could
 * point a vault path anywhere on this machine, and nothing in the protocol needs one. */
const PLAIN_FILE_MODES: ReadonlySet<string> = new Set(['100644', '100755']);

/**
 * The one door (DESIGN §6 trust rules): the only decision on whether an incoming change from the other machine
 * may enter this work tree. Every way the remote's content reaches it — the first join, every integration, a
 * claim-conflict settlement — asks this function; a refused change keeps this side's version at the path.
 *
 * Taken only when all hold:
 * - the path is vault state, and this role's policy accepts it from its peer (folded for case and Unicode form,
 *   as macOS and Windows fold names);
 * - it arrives as a plain file, or as a deletion;
 * - on the machine that executes approvals, it is not an in-place rewrite of an approval request that already
 *   stands in Pending_Approval/: a request is written once by its requester, and a rewrite could change what
 *   the owner is reading while he decides. A withdrawal (deletion) and a new request are taken.
 */
export function acceptsIncoming(policy: Policy, change: PathChange): boolean {
  if (!isStatePath(change.path) || !policy.acceptsFromPeer(change.path)) return false;
  if (change.after !== null && !PLAIN_FILE_MODES.has(change.after.mode)) return false;
  if (
    policy.has('approval.execute') &&
    change.before !== null &&
    change.after !== null &&
    foldName(change.path).startsWith('pending_approval/')
  )
    return false;
  return true;
}

/**
 * The incoming additions that would share their name, folded for case and Unicode form, with another path of
 * the result: a path this side already has, or another incoming addition. macOS and Windows hold one file for
 * such a pair, so checking the second out there rewrites the first in place (an approval request the owner is
 * reading, under a name never seen at the door); Linux holds both, and the owner would see two. Either way no
 * addition of a pair is taken, on every machine alike. Deletions and rewrites of a path are not additions, and
 * a path the peer deletes in the same change no longer counts (a rename by case loses nothing).
 */
export function nameClashes(existing: Iterable<string>, theirs: ChangeSet): Set<string> {
  const byFold = new Map<string, Set<string>>();
  const note = (rel: string) => {
    const key = foldName(rel);
    const group = byFold.get(key) ?? new Set<string>();
    group.add(rel);
    byFold.set(key, group);
  };
  for (const rel of existing) if (theirs.get(rel)?.after !== null) note(rel);
  const added = [...theirs.values()].filter((c) => c.before === null && c.after !== null).map((c) => c.path);
  for (const rel of added) note(rel);
  return new Set(added.filter((rel) => (byFold.get(foldName(rel))?.size ?? 0) > 1));
}
