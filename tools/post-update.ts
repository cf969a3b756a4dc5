import { z } from 'zod';
import { defineTool } from './define.js';

export default defineTool({
  name: 'post_update',
  title: 'Post an update',
  description:
    'Leaves a note for the owner in Updates/; the local machine merges it into Dashboard.md. Use it for anything the owner should know.',
  requires: ['vault.update'],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  input: {
    title: z.string().min(1).max(200).describe('A short headline for the owner, e.g. "3 replies await approval"'),
    body: z.string().max(20_000).describe('The note, in markdown'),
    level: z
      .enum(['info', 'alert'])
      .optional()
      .describe('"info" (default) for news; "alert" for something the owner must act on'),
  },
  output: { path: z.string() },
  async run(args, { vault }) {
    return vault.postUpdate(args);
  },
});
