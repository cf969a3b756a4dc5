import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerContext } from './context.js';
import { sendHtmlNotFound, sendJson } from './http-util.js';

/** The unauthenticated probes: `/json/version`, `/web/version` (404 on Odoo 18) and `/web/health`. */
export function handleVersion(ctx: ServerContext, res: ServerResponse): void {
  if (!ctx.jsonApi()) {
    sendHtmlNotFound(res);
    return;
  }
  const { version, versionInfo } = ctx.serverVersion();
  sendJson(res, 200, { version_info: versionInfo, version });
}

export function handleHealth(ctx: ServerContext, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://standin');
  const withDb = ['1', 'true'].includes(url.searchParams.get('db_server_status') ?? '');
  if (!withDb) {
    sendJson(res, 200, { status: 'pass' });
    return;
  }
  if (ctx.databaseUp()) sendJson(res, 200, { status: 'pass', db_server_status: true });
  else sendJson(res, 500, { status: 'fail', db_server_status: false });
}
