import { pino, type Logger } from 'pino';
import { AppError, invalidInput, isAppError } from '../errors.js';
import type { Policy } from '../policy/policy.js';
import type { GuardedCalls } from './calls.js';
import { assertDraftOnlyAllows } from './draft-only-wall.js';
import * as invoices from './invoices.js';
import { createJson2Transport } from './json2-transport.js';
import { createdIds } from './normalise.js';
import { findOrCreatePartner } from './partners.js';
import { checkHealth, probeProtocol } from './protocol-probe.js';
import type { OdooCallArgs, OdooClient, OdooProtocol, OdooRecord, OdooTransport, OdooUserContext } from './types.js';
import { createXmlRpcTransport } from './xmlrpc-transport.js';

/** The only part of a Policy the client needs. */
export type OdooCallPolicy = Pick<Policy, 'requireOdooCall'>;

export interface CreateOdooClientOptions {
  url: string;
  db: string;
  login: string;
  apiKey: string;
  protocol: OdooProtocol | 'auto';
  timeoutMs?: number;
  policy: OdooCallPolicy;
  /** The hard-coded wall: refuse every posting, payment and reconciling call (DESIGN §4). */
  draftOnly: boolean;
  logger?: Logger;
}

const DEFAULT_TIMEOUT_MS = 15_000;

function checkOptions(o: CreateOdooClientOptions): string {
  let url: URL;
  try {
    url = new URL(o.url);
  } catch {
    throw invalidInput(`ODOO_URL "${o.url}" is not a URL; set it to the Odoo base URL, e.g. https://odoo.example.com.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidInput('ODOO_URL must start with http:// or https://.');
  }
  if (!o.db) throw invalidInput('ODOO_DB is not set; set it to the Odoo database name.');
  if (!o.login) throw invalidInput('ODOO_LOGIN is not set; set it to the login of the Odoo bot user.');
  if (!o.apiKey) throw invalidInput('ODOO_API_KEY is not set; create an API key for the bot user in Odoo.');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * Builds the Odoo client. Every model call passes two guards before any byte leaves the process: the
 * draft-only wall (when `draftOnly`) and the role policy's `model.method` allow-list. The transport is
 * chosen now, or by probing `/json/version` on first use when `protocol` is `auto`.
 */
export function createOdooClient(o: CreateOdooClientOptions): OdooClient {
  const baseUrl = checkOptions(o);
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const log = (o.logger ?? pino({ level: 'silent' })).child({ component: 'odoo' });
  const make = (protocol: OdooProtocol): OdooTransport =>
    protocol === 'json2'
      ? createJson2Transport({ baseUrl, db: o.db, apiKey: o.apiKey, timeoutMs })
      : createXmlRpcTransport({ baseUrl, db: o.db, login: o.login, apiKey: o.apiKey, timeoutMs });

  let transportPromise: Promise<OdooTransport> | undefined;
  const transport = (): Promise<OdooTransport> => {
    transportPromise ??= (async () => {
      if (o.protocol !== 'auto') return make(o.protocol);
      const protocol = await probeProtocol(baseUrl, timeoutMs);
      log.info({ protocol }, 'odoo protocol chosen by probe');
      return make(protocol);
    })().catch((err: unknown) => {
      transportPromise = undefined; // Why: a failed probe (Odoo still starting) is retried on the next call.
      throw err;
    });
    return transportPromise;
  };

  const guard = (model: string, method: string, kwargs?: Record<string, unknown>): void => {
    try {
      if (o.draftOnly) assertDraftOnlyAllows(model, method, kwargs);
      o.policy.requireOdooCall(model, method);
    } catch (err) {
      log.warn({ model, method, code: isAppError(err) ? err.code : 'internal' }, 'odoo call refused before sending');
      throw err;
    }
  };

  const call = async <T = unknown>(model: string, method: string, args: OdooCallArgs = {}): Promise<T> => {
    guard(model, method, args.kwargs);
    const t = await transport();
    const started = Date.now();
    try {
      const result = await t.call(model, method, args);
      log.debug({ model, method, protocol: t.protocol, ms: Date.now() - started }, 'odoo call');
      return result as T;
    } catch (err) {
      const e = err as Partial<AppError> & { httpStatus?: number; faultCode?: number };
      // Why: arguments are not logged (they carry customer data); the key is never in scope of a log call.
      log.warn(
        {
          model,
          method,
          protocol: t.protocol,
          ms: Date.now() - started,
          code: e.code,
          httpStatus: e.httpStatus,
          faultCode: e.faultCode,
        },
        'odoo call failed',
      );
      throw err;
    }
  };

  const calls: GuardedCalls = { call, guard: (model, method) => guard(model, method) };

  const contextGet = async (): Promise<OdooUserContext> => {
    const ctx = await call<Record<string, unknown>>('res.users', 'context_get');
    return {
      ...ctx,
      uid: Number(ctx['uid']),
      lang: typeof ctx['lang'] === 'string' ? ctx['lang'] : null,
      tz: typeof ctx['tz'] === 'string' ? ctx['tz'] : null,
    };
  };

  return {
    protocol: async () => (await transport()).protocol,
    call,
    version: async () => (await transport()).version(),
    health: () => checkHealth(baseUrl, timeoutMs),
    contextGet,
    uid: async () => (await contextGet()).uid,
    search: (model, domain, options = {}) =>
      call<number[]>(model, 'search', {
        kwargs: { domain, offset: options.offset, limit: options.limit, order: options.order },
        context: options.context,
      }),
    searchRead: <T extends OdooRecord = OdooRecord>(
      model: string,
      domain: unknown,
      options: Parameters<OdooClient['searchRead']>[2] = {},
    ) =>
      call<T[]>(model, 'search_read', {
        kwargs: { domain, fields: options.fields, offset: options.offset, limit: options.limit, order: options.order },
        context: options.context,
      }),
    read: <T extends OdooRecord = OdooRecord>(model: string, ids: number[], fields?: string[]) =>
      call<T[]>(model, 'read', { ids, kwargs: { fields } }),
    create: async (model, values, context) => {
      const [id] = createdIds(await call(model, 'create', { kwargs: { vals_list: [values] }, context }));
      if (id === undefined)
        throw new AppError('upstream', `Odoo did not return the new ${model} id; check Odoo before retrying.`);
      return id;
    },
    findOrCreatePartner: (query) => findOrCreatePartner(calls, query),
    findInvoiceByOrigin: (origin) => invoices.findInvoiceByOrigin(calls, origin),
    createDraftInvoice: (input) => invoices.createDraftInvoice(calls, input),
    getInvoice: (id) => invoices.getInvoice(calls, id),
    listInvoices: (filter) => invoices.listInvoices(calls, filter),
    postInvoice: (id) => invoices.postInvoice(calls, id),
    registerPayment: (invoiceId, payment) => invoices.registerPayment(calls, invoiceId, payment),
  };
}
