import { defineTool } from './define.js';
import { executeApprovalTool } from './execute-approval.js';
import { executionShape } from './odoo-shapes.js';
import { vaultPathInput } from './shapes.js';

export default defineTool({
  name: 'odoo_post_invoice',
  title: 'Post an approved invoice',
  description:
    "Posts a draft invoice in Odoo, only on the owner's approval: give the path of an ODOO_POST_INVOICE_* file the owner moved to Approved/. Refused if expired, changed, already executed, not approved on this machine, or if the invoice is no longer a draft or its total differs from the approved amount.",
  requires: ['odoo.post_invoice', 'approval.execute'],
  needs: ['executor', 'odoo'],
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  input: { approval: vaultPathInput.describe('e.g. "Approved/ODOO_POST_INVOICE_ODOO_DRAFT_INVOICE_7.md"') },
  output: executionShape,
  async run({ approval }, deps, call) {
    return executeApprovalTool(deps, approval, 'post_invoice', call);
  },
});
