import { createHash } from 'node:crypto';
import { invalidInput } from '../errors.js';
import { faultPoint } from '../fault-points.js';
import type { InvoiceLineInput, OdooClient, PartnerQuery } from '../odoo/types.js';
import { canonicalJson } from '../vault/approval-actions.js';
import { requestApproval } from '../vault/approvals.js';
import type { VaultContext } from '../vault/context.js';

export interface DraftInvoiceRequest {
  partner: PartnerQuery;
  lines: InvoiceLineInput[];
  invoice_date?: string;
  due_date?: string;
  ref?: string;
  currency?: string;
  /** The claimed task this invoice is for (its id becomes the idempotency key). */
  task?: { rel: string; id: string; stem: string };
}

export interface DraftInvoiceOutcome {
  invoice_id: number;
  created: boolean;
  state: string;
  partner: string;
  currency: string;
  amount_untaxed: number;
  amount_tax: number;
  amount_total: number;
  origin: string;
  approval: string;
}

/**
 * Creates a draft customer invoice exactly once and asks the owner to approve posting it (DESIGN §5).
 * The key in `invoice_origin` is the task id (or, without a task, a hash of the request), searched before
 * create: a retry, or a run after a crash between create and approval, finds the invoice instead of
 * making a second one. The approval request is idempotent too (same content, same file).
 */
export async function draftInvoiceWithApproval(
  ctx: VaultContext,
  odoo: OdooClient,
  req: DraftInvoiceRequest,
): Promise<DraftInvoiceOutcome> {
  ctx.policy.require('odoo.draft_invoice', 'Creating a draft invoice');
  ctx.policy.require('approval.request', 'Requesting approval to post an invoice');
  if (req.lines.length === 0) throw invalidInput('An invoice needs at least one line.');
  // Without a task the key is the request itself, plus today's date when it names no invoice date: a retry
  // the same day finds the same invoice, next month's identical invoice is a new one.
  const day = req.invoice_date ?? ctx.clock().toISOString().slice(0, 10);
  const origin = req.task
    ? req.task.id
    : `mcp:${createHash('sha256')
        .update(canonicalJson({ ...req, day }))
        .digest('hex')
        .slice(0, 20)}`;
  const { partner } = await odoo.findOrCreatePartner(req.partner);
  const { invoice, created } = await odoo.createDraftInvoice({
    partnerId: partner.id,
    lines: req.lines,
    invoice_date: req.invoice_date,
    invoice_date_due: req.due_date,
    ref: req.ref,
    currency: req.currency,
    origin,
  });
  await ctx.audit.record({
    action_type: 'odoo.draft_invoice',
    target: `account.move/${invoice.id}`,
    parameters: { origin, created, amount_total: invoice.amount_total },
    result: 'ok',
  });
  faultPoint('draft-invoice:after-create');
  const currency = invoice.currency?.name ?? req.currency ?? 'EUR';
  const approval = await requestApproval(ctx, {
    task: req.task?.rel,
    subject: req.task ? undefined : `invoice-${invoice.id}`,
    action: 'post_invoice',
    params: { invoice_id: invoice.id, amount: invoice.amount_total, currency, partner: partner.name },
    reason: `Draft invoice #${invoice.id} for ${partner.name}: ${invoice.amount_total} ${currency}. Approve to post it in Odoo.`,
  });
  return {
    invoice_id: invoice.id,
    created,
    state: invoice.state,
    partner: partner.name,
    currency,
    amount_untaxed: invoice.amount_untaxed,
    amount_tax: invoice.amount_tax,
    amount_total: invoice.amount_total,
    origin,
    approval: approval.path,
  };
}
