import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerContext } from './context.js';
import { invoke, normaliseIds, resolveMethod } from './dispatch.js';
import { json2Error, StandinFault } from './faults.js';
import { readBody, sendJson } from './http-util.js';
import { isPlainObject } from './orm.js';

/**
 * `POST /json/2/<model>/<method>` as Odoo 19's WebJson2Controller answers it: bearer API key, named
 * arguments plus `ids` and `context` in a JSON object body, the bare result on success, and
 * `{name, message, arguments, context, debug}` with Odoo's status codes on failure.
 */
const ROUTE = /^\/json\/2\/([^/]+)\/([^/]+)$/;

function httpError(status: number, name: string, message: string) {
  return {
    status,
    body: { name, message, arguments: [message, status], context: {}, debug: '' },
  };
}

export async function handleJson2(ctx: ServerContext, req: IncomingMessage, res: ServerResponse, path: string) {
  const body = await readBody(req);
  const match = ROUTE.exec(path);
  if (!match || req.method !== 'POST') {
    const e = httpError(404, 'werkzeug.exceptions.NotFound', 'Did you mean POST /json/2/<model>/<method>?');
    sendJson(res, e.status, e.body);
    return;
  }
  const model = decodeURIComponent(match[1] ?? '');
  const method = decodeURIComponent(match[2] ?? '');
  const call = ctx.record({ transport: 'json2', model, method });
  if (!(await ctx.gate(req, res, call))) return;

  const auth = /^bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  const uid = auth?.[1] === undefined ? undefined : ctx.uidForKey(auth[1]);
  if (uid === undefined) {
    call.outcome = 'unauthorized';
    call.error = 'Invalid apikey';
    const e = httpError(401, 'werkzeug.exceptions.Unauthorized', 'Invalid apikey');
    sendJson(res, e.status, e.body, { 'WWW-Authenticate': 'bearer' });
    return;
  }
  const database = req.headers['x-odoo-database'];
  if (typeof database === 'string' && database !== ctx.db) {
    call.outcome = 'bad_request';
    const e = httpError(404, 'werkzeug.exceptions.NotFound', `database ${JSON.stringify(database)} not found`);
    sendJson(res, e.status, e.body);
    return;
  }

  let params: Record<string, unknown> = {};
  if (body.length > 0) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (err) {
      call.outcome = 'bad_request';
      const e = httpError(
        400,
        'werkzeug.exceptions.BadRequest',
        `could not parse the body as json: ${(err as Error).message}`,
      );
      sendJson(res, e.status, e.body);
      return;
    }
    if (!isPlainObject(parsed)) {
      call.outcome = 'bad_request';
      const e = httpError(400, 'werkzeug.exceptions.BadRequest', 'could not parse the body, expecting a json object');
      sendJson(res, e.status, e.body);
      return;
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
      throw new StandinFault('bad_arguments', `ids must be a list of integers, not ${JSON.stringify(rawIds)}`);
    call.ids = ids;
    const def = resolveMethod(ctx.registry, 'json2', model, method);
    if (def.api === 'model' && ids.length > 0) {
      throw new StandinFault('ids_on_model_method', `cannot call ${model}.${method} with ids`);
    }
    const value = invoke(ctx, def, { model, method, ids, positional: [], named: kwargs, context, uid });
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
