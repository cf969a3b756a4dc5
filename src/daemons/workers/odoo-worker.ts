import { draftInvoiceWithApproval } from '../../core/actions/draft-invoice.js';
import { toAppError } from '../../core/errors.js';
import type { OdooClient, PartnerQuery, InvoiceLineInput } from '../../core/odoo/types.js';
import { stemOf } from '../../core/vault/context.js';
import type { Vault } from '../../core/vault/vault.js';

export interface OdooWorkerReport {
  drafted: number;
  released: number;
  failed: number;
}

/** Backoff while Odoo is unreachable: 30 s, 1 min, 2 min ... capped at one hour. */
export function odooBackoffSeconds(failures: number): number {
  return Math.min(30 * 2 ** Math.max(0, failures - 1), 3600);
}

/**
 * The cloud Odoo worker (PM2 app `cloud-odoo-mcp`): claims `ODOO_DRAFT_INVOICE_*` tasks, creates the draft
 * invoice exactly once, writes the approval to post it and leaves the task awaiting approval. A task Odoo
 * rejects (bad partner, bad line) goes to Failed/ with Odoo's reason; Odoo being down releases the task with
 * backoff — never duplicated, never marked done.
 */
export async function runOdooWorkerOnce(vault: Vault, odoo: OdooClient): Promise<OdooWorkerReport> {
  const report: OdooWorkerReport = { drafted: 0, released: 0, failed: 0 };
  await vault.recover();
  for (;;) {
    let claimed;
    try {
      claimed = await vault.claim({ type: 'odoo_draft_invoice' });
    } catch (err) {
      if (toAppError(err).code === 'not_found') return report;
      throw err;
    }
    const fm = claimed.frontmatter;
    try {
      await draftInvoiceWithApproval(vault.ctx, odoo, {
        partner: fm['partner'] as PartnerQuery,
        lines: fm['lines'] as InvoiceLineInput[],
        invoice_date: fm['invoice_date'] as string | undefined,
        due_date: fm['due_date'] as string | undefined,
        ref: fm['ref'] as string | undefined,
        currency: fm['currency'] as string | undefined,
        task: { rel: claimed.path, id: String(fm['id']), stem: stemOf(claimed.path) },
      });
      report.drafted += 1;
    } catch (err) {
      const error = toAppError(err);
      if (error.code === 'upstream' || error.code === 'timeout') {
        const failures = Number(fm['odoo_failures'] ?? 0) + 1;
        await vault.release(claimed.path, `Odoo is unreachable (${error.message}); retrying later.`, {
          retryAfterSeconds: odooBackoffSeconds(failures),
          countAttempt: false,
          fields: { odoo_failures: failures },
        });
        report.released += 1;
        // Why stop the cycle: Odoo is down; the other tasks would fail the same way.
        return report;
      }
      await vault.fail(claimed.path, `Odoo refused the invoice: ${error.message}`);
      report.failed += 1;
    }
  }
}
