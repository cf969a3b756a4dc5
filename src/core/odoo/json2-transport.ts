import { credentialsRejected, keyNotReceived, odooFailure, OdooError, scrubber, type CallTarget } from './errors.js';
import { fetchFailure, getJson } from './http-get.js';
import type { ErrorCode } from '../errors.js';
import { pythonFailure } from './python-errors.js';
import type { OdooCallArgs, OdooTransport, OdooVersion } from './types.js';

/**
 * Odoo 19's JSON-2 API: `POST /json/2/<model>/<method>` with a bearer API key and named arguments.
 * Each call is its own transaction on the Odoo side; there is no session to lose.
 */
export interface Json2Options {
  baseUrl: string;
  db: string;
  apiKey: string;
  timeoutMs: number;
}

function codeForStatus(status: number): ErrorCode {
  if (status === 400 || status === 422) return 'invalid_input';
  if (status === 403) return 'policy_denied';
  if (status === 404) return 'not_found';
  return 'upstream';
}

function noJson2Route(target: CallTarget, db: string, httpStatus: number): OdooError {
  return new OdooError(
    'upstream',
    `Odoo answered ${target.model}.${target.method} with an HTML 404 page, not JSON-2: ODOO_DB "${db}" is not a database on this server, or ODOO_URL is not an Odoo 19 server; check ODOO_DB and ODOO_URL (ODOO_PROTOCOL=xmlrpc for Odoo 18 and older).`,
    { transport: 'json2', model: target.model, method: target.method, httpStatus },
  );
}

export function createJson2Transport(o: Json2Options): OdooTransport {
  const scrub = scrubber(o.apiKey);
  return {
    protocol: 'json2',

    async call(model: string, method: string, args: OdooCallArgs): Promise<unknown> {
      const target: CallTarget = { model, method };
      const body: Record<string, unknown> = { ...args.kwargs };
      if (args.ids !== undefined) body['ids'] = args.ids;
      if (args.context !== undefined) body['context'] = args.context;
      const url = `${o.baseUrl}/json/2/${encodeURIComponent(model)}/${encodeURIComponent(method)}`;
      let res: Response;
      let text: string;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: {
            Authorization: `bearer ${o.apiKey}`,
            'Content-Type': 'application/json',
            Accept: 'application/json',
            'X-Odoo-Database': o.db,
          },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(o.timeoutMs),
        });
        text = await res.text();
      } catch (err) {
        throw fetchFailure(err, target, o.timeoutMs, 'json2');
      }
      let parsed: unknown;
      let isJson = true;
      try {
        parsed = text === '' ? null : JSON.parse(text);
      } catch {
        isJson = false;
      }
      if (res.ok) {
        if (!isJson) {
          throw new OdooError(
            'upstream',
            `Odoo answered ${model}.${method} with something that is not JSON; check ODOO_URL.`,
            {
              transport: 'json2',
              model,
              method,
              httpStatus: res.status,
            },
          );
        }
        return parsed;
      }
      const err = isJson && typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
      const facts = {
        transport: 'json2' as const,
        httpStatus: res.status,
        odooName: typeof err['name'] === 'string' ? err['name'] : undefined,
        odooMessage: typeof err['message'] === 'string' ? scrub(err['message']) : undefined,
      };
      if (res.status === 401) {
        if (facts.odooMessage?.startsWith('User not authenticated')) throw keyNotReceived(target, facts);
        throw credentialsRejected(target, facts);
      }
      // Why: a JSON-2 404 always has a JSON body (unknown model, method, record); werkzeug's HTML 404 page means
      // Odoo found no JSON-2 route at all: an unknown X-Odoo-Database (observed), or not an Odoo 19 server.
      if (res.status === 404 && facts.odooName === undefined) throw noJson2Route(target, o.db, res.status);
      // Why: 500 `builtins.KeyError`/`TypeError` are the request's own fault (a field or argument Odoo does not
      // know); python-errors.ts reads them as XML-RPC's fault 1 is read.
      if (res.status === 500 && facts.odooName?.startsWith('builtins.')) {
        throw pythonFailure(target, facts.odooName, facts.odooMessage ?? '', facts);
      }
      throw odooFailure(codeForStatus(res.status), target, facts);
    },

    async version(): Promise<OdooVersion> {
      const { status, body } = await getJson(`${o.baseUrl}/json/version`, o.timeoutMs, {
        what: 'the Odoo version probe',
      });
      const v = body as { version?: unknown; version_info?: unknown } | undefined;
      if (status !== 200 || typeof v?.version !== 'string' || !Array.isArray(v.version_info)) {
        throw new OdooError(
          'upstream',
          `Odoo's /json/version answered HTTP ${status}; check ODOO_URL and ODOO_PROTOCOL.`,
          {
            transport: 'json2',
            httpStatus: status,
          },
        );
      }
      return { version: v.version, versionInfo: v.version_info, major: Number(v.version_info[0]) };
    },
  };
}
