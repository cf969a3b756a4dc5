import { z } from 'zod';

/** Output pieces several tools share. */
export const frontmatterShape = z.record(z.string(), z.unknown()).describe('The YAML frontmatter as an object');
export const taskViewShape = {
  path: z.string().describe('Vault-relative path of the file now'),
  frontmatter: frontmatterShape,
  body: z.string().describe('The markdown body'),
};
export const vaultPathInput = z
  .string()
  .min(1)
  .max(1024)
  .describe('Vault-relative path with forward slashes, e.g. "Needs_Action/EMAIL_123.md"');
