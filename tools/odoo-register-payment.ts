import { defineTool } from './define.js';
import { executeApprovalTool } from './execute-approval.js';
import { executionShape } from './odoo-shapes.js';
import { vaultPathInput } from './shapes.js';

export default defineTool({
  name: 'odoo_register_payment',
  title: 'Register an approved payment',
  description:
    "Registers a payment on a posted invoice through Odoo's payment wizard, only on the owner's approval: give the path of an ODOO_PAYMENT_* file in Approved/. A payment that fails is never retried: it needs a fresh approval.",
  requires: ['odoo.register_payment', 'approval.execute'],
  needs: ['executor', 'odoo'],
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  input: { approval: vaultPathInput.describe('e.g. "Approved/ODOO_PAYMENT_invoice-42.md"') },
  output: executionShape,
  async run({ approval }, deps, call) {
    return executeApprovalTool(deps, approval, 'register_payment', call);
  },
});
