import { z } from 'zod';
import { defineTool } from './define.js';

export default defineTool({
  name: 'vault_status',
  title: 'Vault status',
  description:
    "Counts the files in every vault folder and lists the approvals waiting for the owner, with their age. Shows this machine's role and whether it is draft-only.",
  requires: ['vault.read'],
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  input: {},
  output: {
    role: z.string(),
    draft_only: z.boolean(),
    folders: z.record(z.string(), z.number()),
    pending_approvals: z.array(
      z.object({
        path: z.string(),
        action: z.string().optional(),
        age_minutes: z.number(),
        expires: z.string().optional(),
      }),
    ),
  },
  async run(_args, { vault }) {
    return vault.status();
  },
});
