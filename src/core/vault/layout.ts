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

/** The queue a claimed file goes back to, when its frontmatter does not say (a crash before it was written). */
export function homeQueueFor(fileName: string, role: Role): string {
  if (role === 'local') return 'Needs_Action/local';
  if (fileName.startsWith('ODOO_') || fileName.startsWith('DRAFT_')) return 'Needs_Action/cloud';
  return 'Needs_Action';
}
