import { z } from 'zod';
import { defineTool } from './define.js';
import { taskViewShape, vaultPathInput } from './shapes.js';

export default defineTool({
  name: 'claim_task',
  title: 'Claim a task',
  description:
    'Claims a task by moving it into In_Progress/<role>/, so no other agent works on it. Give "path" to claim that file, or omit it to claim the highest-priority, oldest task this role may take (optionally of one "type"). Returns the new path and the whole task. The claim also writes the task into the shape this project uses (id, created with a zone, status, priority; other keys kept; the changes listed under "normalised"). If another agent was first, the error says it is already claimed: pick another. A file that cannot be read at all is moved to Failed/ and the error says why; a task for another role is left where it is and the error says which role takes it.',
  requires: ['vault.claim'],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  input: {
    path: vaultPathInput
      .optional()
      .describe(
        'The queued task to claim, e.g. "Needs_Action/EMAIL_123.md"; omit to claim the best one this role may take',
      ),
    type: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .describe('When no path is given: only claim a task of this type, e.g. "email" or "odoo_draft_invoice"'),
  },
  output: { ...taskViewShape, attempts: z.number().int().describe('How often this task was released before') },
  async run(args, { vault }) {
    return vault.claim(args);
  },
});
