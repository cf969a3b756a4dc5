import { z } from 'zod';
import { defineTool } from './define.js';
import { vaultPathInput } from './shapes.js';

export default defineTool({
  name: 'write_draft',
  title: 'Write a draft',
  description:
    'Writes a draft (a reply, a post, a note) for a task you have claimed, as Needs_Action/<role>/DRAFT_<task>.md. Writing again replaces the draft, until you call request_approval: the request copies the draft text into itself (that text is what the owner reads and what is sent), and from then on write_draft on the task is refused. Nothing is sent: pass the draft to request_approval.',
  requires: ['vault.draft'],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  input: {
    task: vaultPathInput.describe('The claimed task, e.g. "In_Progress/cloud/EMAIL_123.md"'),
    body: z.string().min(1).max(100_000).describe('The draft text, in markdown'),
    kind: z
      .enum(['reply', 'email', 'email_reply', 'social_reply', 'note'])
      .optional()
      .describe(
        'What the draft is: "reply" (default), "email", "email_reply" (what the built-in draft worker writes for mail), "social_reply" or "note"',
      ),
    meta: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .optional()
      .describe(
        'Extra frontmatter fields: names to strings, numbers or booleans (not id, type, task, task_id, kind, created, created_by: the vault writes those)',
      ),
  },
  output: { path: z.string(), task: z.string(), kind: z.string() },
  async run(args, { vault }) {
    return vault.writeDraft(args);
  },
});
