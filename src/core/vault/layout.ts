import type { Role } from '../roles.js';

/** Every folder of the vault protocol (DESIGN §3). `init` creates them; `status` counts them. */
export const VAULT_FOLDERS = [
  'Inbox',
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
  'Updates',
  'Logs',
] as const;
export type VaultFolder = (typeof VAULT_FOLDERS)[number];

export const DASHBOARD_FILE = 'Dashboard.md';
export const HANDBOOK_FILE = 'Company_Handbook.md';

export const inProgressFolder = (role: Role) => `In_Progress/${role}` as const;
export const roleQueueFolder = (role: Role) => `Needs_Action/${role}` as const;

/** Prefix of a temp file we write before linking it into place; never a task, never synced. */
export const TEMP_PREFIX = '.tmp-';
/** Prefix of a file taken by a claimer but not yet named as claimed (see claim.ts). */
export const CLAIMING_PREFIX = '.claiming-';

/** The folders a task is claimed from, and the only ones a release or a recovery ever sends a file back to. */
export const QUEUE_FOLDERS: readonly string[] = VAULT_FOLDERS.filter((f) => f.split('/')[0] === 'Needs_Action');

/**
 * Where a claimed file goes back to: its `claimed_from`, which must be a queue folder, else its home queue.
 * Why refuse anything else: `claimed_from` is a frontmatter field, and a synced file can carry any value;
 * `claimed_from: Approved` would turn a release into an approval. Returns undefined when the field names a
 * folder that is not a queue: the caller files the task in Failed/ instead.
 */
export function returnQueueFor(claimedFrom: unknown, fileName: string, role: Role): string | undefined {
  if (claimedFrom === undefined || claimedFrom === null || claimedFrom === '') return homeQueueFor(fileName, role);
  return typeof claimedFrom === 'string' && QUEUE_FOLDERS.includes(claimedFrom) ? claimedFrom : undefined;
}

/** The queue a claimed file goes back to, when its frontmatter does not say (a crash before it was written). */
export function homeQueueFor(fileName: string, role: Role): string {
  if (role === 'local') return 'Needs_Action/local';
  if (fileName.startsWith('ODOO_') || fileName.startsWith('DRAFT_')) return 'Needs_Action/cloud';
  return 'Needs_Action';
}
