import { Writable } from 'node:stream';
import type { TestContext } from 'node:test';
import { pino, type Logger } from 'pino';
import { createOdooClient, type CreateOdooClientOptions } from '../../src/core/odoo/index.js';
import type { OdooClient, OdooProtocol } from '../../src/core/odoo/types.js';
import { Policy } from '../../src/core/policy/policy.js';
import { startOdooStandin, type RunningOdooStandin, type StandinOptions } from '../../src/sandbox/odoo/index.js';

/** Shared set-up for the Odoo client and stand-in tests. */
export const PROTOCOLS: readonly OdooProtocol[] = ['json2', 'xmlrpc'];

/** The local role's Odoo methods plus what the fault-row tests need to reach the stand-in. */
export const TEST_ODOO_METHODS = [
  'res.users.context_get',
  'res.partner.search_read',
  'res.partner.search',
  'res.partner.read',
  'res.partner.create',
  'res.partner.write',
  'res.partner.no_such_method',
  'product.product.search_read',
  'account.tax.search_read',
  'res.currency.search_read',
  'account.move.search',
  'account.move.search_read',
  'account.move.read',
  'account.move.create',
  'account.move.write',
  'account.move.action_post',
  'account.move._post',
  'account.move.button_draft',
  'account.move.button_cancel',
  'account.payment.register.create',
  'account.payment.register.action_create_payments',
  'no.such.model.search_read',
];

/** A real Policy allowing exactly `methods` (deny everything else). */
export function policyAllowing(methods: readonly string[], draftOnly = false): Policy {
  return new Policy(
    {
      role: 'local',
      capabilities: [],
      claim: { queues: [], types: [] },
      writable: [],
      odoo_methods: [...methods],
      guard_blocked_names: [],
      accept_from_peer: [],
    },
    { draftOnly },
  );
}

export async function standin(t: TestContext, options: StandinOptions = {}): Promise<RunningOdooStandin> {
  const s = await startOdooStandin({ today: () => '2026-03-15', ...options });
  t.after(() => s.close());
  return s;
}

export function clientFor(
  s: RunningOdooStandin,
  protocol: CreateOdooClientOptions['protocol'],
  overrides: Partial<CreateOdooClientOptions> = {},
): OdooClient {
  return createOdooClient({
    url: s.url,
    db: s.db,
    login: s.login,
    apiKey: s.apiKey,
    protocol,
    timeoutMs: 5_000,
    policy: policyAllowing(TEST_ODOO_METHODS),
    draftOnly: false,
    ...overrides,
  });
}

/** A pino logger at trace level whose output the test can read back. */
export function bufferLogger(): { logger: Logger; text(): string } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: pino({ level: 'trace' }, sink), text: () => chunks.join('') };
}

/** Resolves with the error a promise rejects with (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (err) {
    return err as Error & Record<string, unknown>;
  }
  throw new Error('expected the promise to reject');
}

export const twoLines = [
  { name: 'Consulting, March', quantity: 2, price_unit: 100, tax_ids: [1] },
  { name: 'Travel', quantity: 1, price_unit: 50.5 },
];
