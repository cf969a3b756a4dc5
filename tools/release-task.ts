import { z } from 'zod';
import { defineTool } from './define.js';
import { claimedPathInput, taskViewShape } from './shapes.js';

export default defineTool({
  name: 'release_task',
  title: 'Release a task',
  description:
    'Gives a claimed task back to its queue for a later try, with the reason. After too many releases the task goes to Failed/ for a human.',
  requires: ['vault.claim'],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  input: {
    path: claimedPathInput,
    reason: z.string().min(1).max(2000).describe('Why it goes back, for the next try (and a human, after too many)'),
  },
  output: taskViewShape,
  async run({ path, reason }, { vault }) {
    return vault.release(path, reason);
  },
});
