import { OdooError } from './errors.js';
import { getJson } from './http-get.js';
import type { OdooHealth, OdooProtocol } from './types.js';

/**
 * `ODOO_PROTOCOL=auto`: Odoo 19 answers `GET /json/version` with its version (use JSON-2); Odoo 18 and
 * older answer 404 (use XML-RPC). Anything else is an error rather than a guess.
 */
export async function probeProtocol(baseUrl: string, timeoutMs: number): Promise<OdooProtocol> {
  const { status, body } = await getJson(`${baseUrl}/json/version`, timeoutMs, { what: 'the Odoo protocol probe' });
  if (status === 404) return 'xmlrpc';
  const info = (body as { version_info?: unknown } | undefined)?.version_info;
  if (status === 200 && Array.isArray(info) && typeof info[0] === 'number') return info[0] >= 19 ? 'json2' : 'xmlrpc';
  throw new OdooError(
    'upstream',
    `Odoo's /json/version answered HTTP ${status} without a version; check ODOO_URL, or set ODOO_PROTOCOL to json2 or xmlrpc.`,
    { transport: 'http', httpStatus: status },
  );
}

/** `/web/health?db_server_status=1`: pass with the database reachable, or fail (HTTP 500) without. */
export async function checkHealth(baseUrl: string, timeoutMs: number): Promise<OdooHealth> {
  const { status, body } = await getJson(`${baseUrl}/web/health?db_server_status=1`, timeoutMs, {
    what: 'the Odoo health check',
  });
  const b = (body ?? {}) as { status?: unknown; db_server_status?: unknown };
  const verdict = b.status === 'pass' || b.status === 'fail' ? b.status : 'unknown';
  const db = typeof b.db_server_status === 'boolean' ? b.db_server_status : undefined;
  return {
    ok: status === 200 && verdict === 'pass' && db !== false,
    status: verdict,
    httpStatus: status,
    dbServerStatus: db,
  };
}
