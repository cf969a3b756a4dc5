import { z } from 'zod';
import { defineTool } from './define.js';
import { claimedPathInput, taskViewShape } from './shapes.js';

export default defineTool({
  name: 'fail_task',
  title: 'Fail a task',
  description:
    'Moves a claimed task to Failed/ with the reason, for a human to look at. Use it when the task cannot be done as asked. Refused while the task has an open approval request (the owner rejects it instead).',
  requires: ['vault.claim'],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  input: {
    path: claimedPathInput,
    reason: z.string().min(1).max(2000).describe('Why it cannot be done, in plain words for the human who looks at it'),
  },
  output: taskViewShape,
  async run({ path, reason }, { vault }) {
    return vault.fail(path, reason);
  },
});
