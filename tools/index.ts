import claimTask from './claim-task.js';
import completeTask from './complete-task.js';
import type { AnyTool } from './define.js';
import failTask from './fail-task.js';
import listTasks from './list-tasks.js';
import odooCreateDraftInvoice from './odoo-create-draft-invoice.js';
import odooGetInvoice from './odoo-get-invoice.js';
import odooHealth from './odoo-health.js';
import odooListInvoices from './odoo-list-invoices.js';
import odooPostInvoice from './odoo-post-invoice.js';
import odooRegisterPayment from './odoo-register-payment.js';
import postUpdate from './post-update.js';
import publishReply from './publish-reply.js';
import readTask from './read-task.js';
import releaseTask from './release-task.js';
import requestApproval from './request-approval.js';
import sendEmail from './send-email.js';
import syncVault from './sync-vault.js';
import vaultStatus from './vault-status.js';
import writeDraft from './write-draft.js';

/** Every MCP tool. The server lists only those whose `requires` the role's policy grants. */
export const ALL_TOOLS: readonly AnyTool[] = [
  listTasks,
  readTask,
  vaultStatus,
  claimTask,
  releaseTask,
  completeTask,
  failTask,
  writeDraft,
  requestApproval,
  postUpdate,
  syncVault,
  odooHealth,
  odooGetInvoice,
  odooListInvoices,
  odooCreateDraftInvoice,
  odooPostInvoice,
  odooRegisterPayment,
  sendEmail,
  publishReply,
];

export type { AnyTool, ToolCall, ToolDeps } from './define.js';
