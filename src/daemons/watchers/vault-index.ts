import { readdir } from 'node:fs/promises';
import { folderAbs, type VaultContext } from '../../core/vault/context.js';
import { CLAIMING_PREFIX, TEMP_PREFIX } from '../../core/vault/layout.js';

/**
 * The stems (`EMAIL_<id>`) of every task file anywhere in the vault, for the exactly-once check.
 *
 * Why the order: a task moves forward — Needs_Action → (hidden take name) In_Progress/<role> → Done or
 * Failed — and each move is a rename(2) or a link-then-unlink, so at every instant the file exists in at least
 * one folder. Listing the folders in that same forward order, a file that keeps moving forward during the
 * scan is found: if it is not in folder i when we list it, it is already further on, and we list the later
 * folders later. A release moves a file back (In_Progress → its queue), so the queues are listed once more at
 * the end: a file released during the scan is found there. So any single move during the scan is caught,
 * and a task never needs two moves within the milliseconds of one scan (a claim and its release are seconds
 * apart at least, a release sets retry_after).
 */
const SCAN_ORDER = [
  'Needs_Action',
  'Needs_Action/cloud',
  'Needs_Action/local',
  'In_Progress/cloud',
  'In_Progress/local',
  'Plans',
  'Pending_Approval',
  'Approved',
  'Rejected',
  'Done',
  'Failed',
  'Needs_Action',
  'Needs_Action/cloud',
  'Needs_Action/local',
] as const;

/** The task stem a vault file name stands for, or undefined for temp files and non-tasks. */
export function stemOfFileName(name: string): string | undefined {
  if (name.startsWith(TEMP_PREFIX) || !name.toLowerCase().endsWith('.md')) return undefined;
  let plain = name;
  if (plain.startsWith(CLAIMING_PREFIX)) {
    // A take in flight: `.claiming-<time36>-<12 hex>-<name>` (claim.ts).
    const match = /^[0-9a-z]+-[0-9a-f]{12}-(.+)$/.exec(plain.slice(CLAIMING_PREFIX.length));
    if (!match?.[1]) return undefined;
    plain = match[1];
  }
  // `<stem>.md`, or `<stem>.<timestamp>.md` when Done/ already held that name; watcher stems never contain a dot.
  const stem = plain.slice(0, plain.indexOf('.'));
  return stem === '' ? undefined : stem;
}

export async function vaultStems(ctx: VaultContext): Promise<Set<string>> {
  const stems = new Set<string>();
  for (const folder of SCAN_ORDER) {
    let names: string[];
    try {
      names = await readdir(await folderAbs(ctx, folder));
    } catch {
      continue; // a folder a human removed: nothing of ours can be in it
    }
    for (const name of names) {
      const stem = stemOfFileName(name);
      if (stem !== undefined) stems.add(stem);
    }
  }
  return stems;
}
