import { defineTool } from './define.js';
import { executeApprovalTool } from './execute-approval.js';
import { executionShape } from './odoo-shapes.js';
import { vaultPathInput } from './shapes.js';

export default defineTool({
  name: 'publish_reply',
  title: 'Publish an approved reply',
  description:
    "Publishes the text of an approval as a public reply on X, Facebook or Instagram, only on the owner's decision: give the path of a SOCIAL_REPLY_* file the owner moved to Approved/. Publishes exactly the approval file's text block.",
  requires: ['social.reply', 'approval.execute'],
  needs: ['executor'],
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  input: { approval: vaultPathInput.describe('e.g. "Approved/SOCIAL_REPLY_TWEET_99.md"') },
  output: executionShape,
  async run({ approval }, deps, call) {
    return executeApprovalTool(deps, approval, 'publish_reply', call);
  },
});
