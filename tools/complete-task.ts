import { z } from 'zod';
import { defineTool } from './define.js';
import { claimedPathInput, taskViewShape } from './shapes.js';

export default defineTool({
  name: 'complete_task',
  title: 'Complete a task',
  description:
    'Files a claimed task in Done/ with its outcome (and an optional note appended to its body). Refused while the task has an open approval request: the executor files it once the owner has decided.',
  requires: ['vault.claim'],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  input: {
    path: claimedPathInput,
    outcome: z.string().min(1).max(200).describe('A short outcome, e.g. "replied" or "no action needed"'),
    note: z.string().max(10_000).optional().describe("A note appended to the task's body in Done/, e.g. what was done"),
  },
  output: taskViewShape,
  async run({ path, outcome, note }, { vault }) {
    return vault.complete(path, outcome, note);
  },
});
