import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallRecord } from './call-log.js';
import type { ServerContext } from './context.js';
import { invoke, normaliseIds, resolveMethod } from './dispatch.js';
import { json2Error, StandinFault } from './faults.js';
import { readBody, sendHtmlNotFound, sendJson } from './http-util.js';
import {
  BEARER_CHALLENGE,
  bearerToken,
  INVALID_APIKEY,
  isJsonMimetype,
  NOT_AUTHENTICATED,
  sendHtmlUnsupportedMediaType,
  sendWerkzeugJson,
} from './json2-http.js';
import { isPlainObject } from './orm.js';

/**
 * `/json/2/...` as a real Odoo 19.0 answers it, in Odoo's order: the database (an unknown X-Odoo-Database is
 * werkzeug's HTML 404), the route (`POST /json/2/<model>/<method>`, else the catch-all), the Content-Type (not
 * `application/json`: HTML 415), the bearer key (401), the JSON body (400), then the method: the bare result
 * on success, `{name, message, arguments, context, debug}` with Odoo's status codes on failure.
 */
const ROUTE = /^\/json\/2\/([^/]+)\/([^/]+)$/;

/** Refused before a method runs: records the outcome, and tells the caller to stop. */
function refuse(call: CallRecord | undefined, outcome: CallRecord['outcome'], error?: string): void {
  if (!call) return;
  call.outcome = outcome;
  if (error !== undefined) call.error = error;
}

export async function handleJson2(ctx: ServerContext, req: IncomingMessage, res: ServerResponse, path: string) {
  const body = await readBody(req);
  const match = req.method === 'POST' ? ROUTE.exec(path) : null;
  const model = decodeURIComponent(match?.[1] ?? '');
  const method = decodeURIComponent(match?.[2] ?? '');
  const call = match ? ctx.record({ transport: 'json2', model, method }) : undefined;
  if (call && !(await ctx.gate(req, res, call))) return;

  const database = req.headers['x-odoo-database'];
  if (typeof database === 'string' && database !== ctx.db) {
    // Why HTML: with no such database Odoo has no JSON-2 route to dispatch to, so werkzeug answers itself.
    refuse(call, 'bad_request', `unknown database ${JSON.stringify(database)}`);
    return sendHtmlNotFound(res);
  }
  if (!isJsonMimetype(req.headers['content-type'])) {
    refuse(call, 'bad_request', 'not application/json');
    return sendHtmlUnsupportedMediaType(res);
  }
  if (!call) {
    // Odoo's catch-all route under /json/2 (auth public): a JSON 404 that names the right shape.
    return sendWerkzeugJson(res, 404, 'Did you mean POST /json/2/<model>/<method>?');
  }

  const token = bearerToken(req.headers.authorization);
  const uid = token === undefined ? undefined : ctx.uidForKey(token);
  if (uid === undefined) {
    const message = token === undefined ? NOT_AUTHENTICATED : INVALID_APIKEY;
    refuse(call, 'unauthorized', message);
    return sendWerkzeugJson(res, 401, message, BEARER_CHALLENGE);
  }

  let params: Record<string, unknown> = {};
  // Why only a non-empty body is parsed: Odoo reads the JSON only when there is a Content-Length.
  if (body.length > 0) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (err) {
      const message = `could not parse the body as json: ${(err as Error).message}`;
      refuse(call, 'bad_request', message);
      return sendWerkzeugJson(res, 400, message);
    }
    if (!isPlainObject(parsed)) {
      const message = 'could not parse the body, expecting a json object';
      refuse(call, 'bad_request', message);
      return sendWerkzeugJson(res, 400, message);
    }
    params = parsed;
  }
  const { ids: rawIds, context: rawContext, ...kwargs } = params;
  const context = isPlainObject(rawContext) ? rawContext : {};
  call.kwargs = kwargs;
  call.context = context;

  try {
    const ids = rawIds === undefined ? [] : normaliseIds(rawIds);
    if (ids === undefined)
      throw new StandinFault('unprocessable', `ids must be a list of integers, not ${JSON.stringify(rawIds)}`);
    call.ids = ids;
    const def = resolveMethod(ctx.registry, 'json2', model, method);
    if (def.api === 'model' && ids.length > 0) {
      throw new StandinFault('unprocessable', `cannot call ${model}.${method} with ids`);
    }
    const value = invoke(ctx, def, { model, method, ids, positional: [], named: kwargs, context, uid }, 'json2');
    if (!def.readonly) ctx.persist();
    call.outcome = 'ok';
    sendJson(res, 200, value === undefined ? null : value);
  } catch (err) {
    const fault = err instanceof StandinFault ? err : new StandinFault('internal', (err as Error).message);
    call.outcome = 'fault';
    call.error = fault.message;
    const { status, body: errorBody } = json2Error(fault);
    sendJson(res, status, errorBody);
  }
}
