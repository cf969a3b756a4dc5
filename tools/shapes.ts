import { z } from 'zod';

/** Output pieces several tools share. */
export const frontmatterShape = z.record(z.string(), z.unknown()).describe('The YAML frontmatter as an object');
export const taskViewShape = {
  path: z.string().describe('Vault-relative path of the file now'),
  frontmatter: frontmatterShape,
  body: z.string().describe('The markdown body'),
};
// Why no min/max of 1,024 here: the vault's own path check refuses empty and over-long paths with an
// invalid_input error that says what to fix; the generous cap only bounds the payload.
export const vaultPathInput = z
  .string()
  .max(4096)
  .describe('Vault-relative path with forward slashes, e.g. "Needs_Action/EMAIL_123.md"');
/** A task this role has claimed: release, complete and fail take it where claim_task put it. */
export const claimedPathInput = vaultPathInput.describe(
  'The claimed task, where claim_task put it: In_Progress/<role>/..., e.g. "In_Progress/cloud/EMAIL_123.md"',
);
