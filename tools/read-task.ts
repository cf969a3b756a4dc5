import { defineTool } from './define.js';
import { taskViewShape, vaultPathInput } from './shapes.js';

export default defineTool({
  name: 'read_task',
  title: 'Read a task',
  description: 'Reads one markdown file of the vault and returns its frontmatter and body.',
  requires: ['vault.read'],
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  input: {
    path: vaultPathInput.describe('Any vault file, e.g. "In_Progress/cloud/EMAIL_123.md" or "Company_Handbook.md"'),
  },
  output: taskViewShape,
  async run({ path }, { vault }) {
    return vault.readTask(path);
  },
});
