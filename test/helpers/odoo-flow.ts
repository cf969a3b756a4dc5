import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mkdtemp } from 'node:fs/promises';
import { ExecutionLedger } from '../../src/core/actions/ledger.js';
import { postInvoiceHandler, registerPaymentHandler } from '../../src/core/actions/odoo-actions.js';
import type { ExecutorDeps } from '../../src/core/actions/executor.js';
import { createOdooClient } from '../../src/core/odoo/index.js';
import type { OdooClient } from '../../src/core/odoo/types.js';
import { newTaskText } from '../../src/core/vault/frontmatter.js';
import type { Vault } from '../../src/core/vault/vault.js';
import type { RunningOdooStandin } from '../../src/sandbox/odoo/index.js';

/** A real Odoo client for a vault's role, against the stand-in. */
export function odooClientFor(
  standin: RunningOdooStandin,
  vault: Vault,
  protocol: 'json2' | 'xmlrpc' = 'json2',
): OdooClient {
  return createOdooClient({
    url: standin.url,
    db: standin.db,
    login: standin.login,
    apiKey: standin.apiKey,
    protocol,
    policy: vault.policy,
    draftOnly: vault.policy.draftOnly,
  });
}

/** The local executor's dependencies with the Odoo handlers, its ledger in a fresh state folder. */
export async function localExecutorDeps(
  vault: Vault,
  odoo: OdooClient,
  clock: () => Date = () => new Date(),
): Promise<ExecutorDeps> {
  const state = await mkdtemp(path.join(os.tmpdir(), 'state-'));
  return {
    ctx: vault.ctx,
    ledger: new ExecutionLedger(path.join(state, 'executions')),
    handlers: [postInvoiceHandler(odoo), registerPaymentHandler(odoo, clock)],
  };
}

/** Writes an ODOO_DRAFT_INVOICE task as an agent or a human would, into cloud's queue. */
export async function seedInvoiceTask(
  root: string,
  n: number,
  lines = [{ name: 'Consulting', quantity: 3, price_unit: 100 }],
): Promise<string> {
  const rel = `Needs_Action/cloud/ODOO_DRAFT_INVOICE_${n}.md`;
  await writeFile(
    path.join(root, rel),
    newTaskText(
      {
        id: `invoice-req:${n}`,
        type: 'odoo_draft_invoice',
        created: '2026-11-26T09:00:00Z',
        partner: { name: 'Acme GmbH', email: 'billing@acme.example' },
        lines,
        currency: 'EUR',
      },
      `Invoice Acme for consulting (${n}).`,
    ),
  );
  return rel;
}
