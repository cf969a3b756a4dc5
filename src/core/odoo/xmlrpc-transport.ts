import xmlrpc from 'xmlrpc';
import { credentialsRejected, OdooError, scrubber, timeoutError, unreachable, type CallTarget } from './errors.js';
import { toExecuteKw } from './xmlrpc-args.js';
import { faultToError, isNoneResultFault } from './xmlrpc-faults.js';
import type { OdooCallArgs, OdooTransport, OdooVersion } from './types.js';

/**
 * Odoo's XML-RPC API (deprecated in 19, removal announced for 22): `common.authenticate` once for the uid,
 * then `object.execute_kw` per call. The `xmlrpc` package has no timeout, so each call gets an
 * AbortSignal and a timer, and settles exactly once whichever fires first.
 */
export interface XmlRpcOptions {
  baseUrl: string;
  db: string;
  login: string;
  apiKey: string;
  timeoutMs: number;
}

interface XmlRpcFailure extends Error {
  faultCode?: number;
  faultString?: string;
  code?: string | number;
  res?: { statusCode?: number };
}

export function createXmlRpcTransport(o: XmlRpcOptions): OdooTransport {
  const scrub = scrubber(o.apiKey);
  const base = new URL(o.baseUrl);
  const secure = base.protocol === 'https:';
  const basePath = base.pathname.replace(/\/+$/, '');
  // Why: one authenticate per client, shared by concurrent first calls; forgotten on failure so a fixed
  // key or a restarted Odoo is picked up on the next call.
  let uidPromise: Promise<number> | undefined;

  function methodCall(path: string, name: string, params: unknown[], target: CallTarget): Promise<unknown> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const controller = new AbortController();
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
      };
      const timer = setTimeout(() => {
        settle(() => reject(timeoutError(target, o.timeoutMs, 'xmlrpc')));
        controller.abort();
      }, o.timeoutMs);
      const options = {
        host: base.hostname,
        port: Number(base.port) || (secure ? 443 : 80),
        path: `${basePath}${path}`,
        headers: { 'User-Agent': 'ai-employee' },
        // Why: http.request honours `signal`; it is passed through by the xmlrpc package, which lacks a timeout.
        signal: controller.signal,
      } as Exclude<Parameters<typeof xmlrpc.createClient>[0], string>;
      const client = secure ? xmlrpc.createSecureClient(options) : xmlrpc.createClient(options);
      client.methodCall(name, params, (error: object | null, value: unknown) => {
        if (!error) return settle(() => resolve(value));
        const err = error as XmlRpcFailure;
        settle(() => {
          if (typeof err.faultCode === 'number') {
            if (isNoneResultFault(err.faultCode, err.faultString ?? '')) return resolve(null);
            return reject(faultToError(err.faultCode, err.faultString ?? '', target, scrub));
          }
          const status = err.res?.statusCode;
          if (status !== undefined && status !== 200) {
            return reject(
              new OdooError(
                status === 404 ? 'not_found' : 'upstream',
                status === 404
                  ? `Odoo has no XML-RPC endpoint at ${path}; set ODOO_PROTOCOL=json2 for Odoo 19 and later.`
                  : `Odoo failed on ${target.what ?? `${target.model}.${target.method}`} (HTTP ${status}); try again later.`,
                { transport: 'xmlrpc', model: target.model, method: target.method, httpStatus: status },
              ),
            );
          }
          const reason = typeof err.code === 'string' ? err.code : scrub(err.message || 'bad XML-RPC answer');
          // Why: the package's error carries the request (whose XML body holds the key); keep only a scrubbed copy.
          reject(unreachable(target, reason, 'xmlrpc', new Error(scrub(err.message))));
        });
      });
    });
  }

  async function authenticate(): Promise<number> {
    const target = { what: 'authenticating with Odoo' };
    const uid = await methodCall('/xmlrpc/2/common', 'authenticate', [o.db, o.login, o.apiKey, {}], target);
    if (typeof uid !== 'number' || uid <= 0) throw credentialsRejected(target, { transport: 'xmlrpc' });
    return uid;
  }

  function currentUid(): Promise<number> {
    uidPromise ??= authenticate().catch((err: unknown) => {
      uidPromise = undefined;
      throw err;
    });
    return uidPromise;
  }

  return {
    protocol: 'xmlrpc',

    async call(model: string, method: string, call: OdooCallArgs): Promise<unknown> {
      const uid = await currentUid();
      const { args, kwargs } = toExecuteKw(method, call);
      try {
        return await methodCall('/xmlrpc/2/object', 'execute_kw', [o.db, uid, o.apiKey, model, method, args, kwargs], {
          model,
          method,
        });
      } catch (err) {
        // Why: a key revoked since authenticate shows up as fault 3; authenticate afresh next time.
        if (err instanceof OdooError && err.faultCode === 3) uidPromise = undefined;
        throw err;
      }
    },

    async version(): Promise<OdooVersion> {
      const v = (await methodCall('/xmlrpc/2/common', 'version', [], { what: 'the Odoo version probe' })) as {
        server_version?: unknown;
        server_version_info?: unknown;
      };
      const info = Array.isArray(v?.server_version_info) ? v.server_version_info : [];
      return { version: String(v?.server_version ?? ''), versionInfo: info, major: Number(info[0] ?? NaN) };
    },
  };
}
