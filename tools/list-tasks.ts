import { z } from 'zod';
import { VAULT_FOLDERS } from '../src/core/vault/layout.js';
import { defineTool } from './define.js';

export default defineTool({
  name: 'list_tasks',
  title: 'List tasks',
  description:
    'Lists task files in one vault folder (e.g. "Needs_Action", "Pending_Approval", "In_Progress/cloud") or in all of them, oldest name first. Each entry has its path, id, type, status and priority as this project reads them; "normalise" lists what claiming will rewrite into the shape this project uses (a file from another tool: no id, a naive date, priority P1 ...), and "invalid" says why a file cannot be read at all (it goes to Failed/ when claimed).',
  requires: ['vault.read'],
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  input: {
    // Why not an enum of VAULT_FOLDERS: a folder is a vault path, refused by the vault's own path check with a
    // reason (hostile-paths.test.ts holds every path tool to that); the description lists the folders.
    folder: z
      .string()
      .max(4096)
      .optional()
      .describe(`One vault folder: ${VAULT_FOLDERS.map((f) => `"${f}"`).join(', ')}; omit for every folder`),
    type: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .describe('Only tasks of this type, e.g. "email" or "odoo_draft_invoice"'),
    limit: z.number().int().min(1).max(1000).optional().describe('At most this many (default 100)'),
  },
  output: {
    tasks: z.array(
      z.object({
        path: z.string(),
        id: z.string().optional(),
        type: z.string().optional(),
        status: z.string().optional(),
        priority: z.string().optional(),
        created: z.string().optional(),
        invalid: z.string().optional(),
        normalise: z.array(z.string()).optional(),
      }),
    ),
  },
  async run(args, { vault }) {
    return { tasks: await vault.listTasks(args) };
  },
});
