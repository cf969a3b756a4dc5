import type { ApprovalAction } from '../vault/approval-actions.js';
import type { ApprovalDoc } from './approval-file.js';

/**
 * What an approved file does, for one action. The mail, social and Odoo actions each provide one; the
 * executor runs every safety check before `execute` is called. `execute` re-checks the live system where the
 * action needs it (an invoice still a draft, its total still the approved amount) and throws an AppError to
 * refuse. It returns plain facts for the Done/ file (an invoice number, a message id).
 */
export interface ActionHandler {
  action: ApprovalAction;
  execute(approval: ApprovalDoc): Promise<Record<string, string | number | boolean | null>>;
}
