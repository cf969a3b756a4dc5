import { defineTool } from './define.js';
import { executeApprovalTool } from './execute-approval.js';
import { executionShape } from './odoo-shapes.js';
import { vaultPathInput } from './shapes.js';

export default defineTool({
  name: 'send_email',
  title: 'Send an approved email',
  description:
    "Sends the text of an approval as a reply in the original Gmail thread, only on the owner's decision: give the path of an EMAIL_SEND_* file the owner moved to Approved/. Sends exactly the approval file's text block. Refused if expired, changed since the owner decided, already sent, or not approved by the owner on this machine.",
  requires: ['mail.send', 'approval.execute'],
  needs: ['executor'],
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  input: { approval: vaultPathInput.describe('e.g. "Approved/EMAIL_SEND_EMAIL_18c2f.md"') },
  output: executionShape,
  async run({ approval }, deps, call) {
    return executeApprovalTool(deps, approval, 'send_email', call);
  },
});
