import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallRecord } from './call-log.js';
import type { ServerContext } from './context.js';
import { invoke, normaliseIds, resolveMethod } from './dispatch.js';
import { pythonTraceback, StandinFault, xmlrpcFault } from './faults.js';
import { readBody, send } from './http-util.js';
import { isPlainObject } from './orm.js';
import {
  CannotMarshalError,
  parseMethodCall,
  serialiseFault,
  serialiseResponse,
  type MethodCall,
} from './xmlrpc-wire.js';

/**
 * `/xmlrpc/2/common` and `/xmlrpc/2/object` as Odoo answers them: always HTTP 200 `text/xml`, results
 * marshalled the Python way, errors as faults with Odoo's codes (1 traceback, 2 user error, 3 access
 * denied, 4 access error).
 */
function reply(res: ServerResponse, xml: string): void {
  send(res, 200, 'text/xml; charset=utf-8', xml);
}

function fail(res: ServerResponse, call: CallRecord | undefined, faultCode: number, faultString: string): void {
  if (call) {
    call.outcome = 'fault';
    call.error = faultString;
  }
  reply(res, serialiseFault(faultCode, faultString));
}

/** Marshals a result; None becomes Odoo's fault 1, after the call's writes are already committed. */
function replyValue(res: ServerResponse, call: CallRecord, value: unknown): void {
  try {
    const xml = serialiseResponse(value);
    call.outcome = 'ok';
    reply(res, xml);
  } catch (err) {
    if (!(err instanceof CannotMarshalError)) throw err;
    fail(res, call, 1, pythonTraceback('TypeError', err.message));
  }
}

function databaseFault(db: unknown): string {
  return pythonTraceback(
    'psycopg2.OperationalError',
    `connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: FATAL:  database "${String(db)}" does not exist`,
  );
}

export async function handleXmlRpc(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  service: 'common' | 'object',
): Promise<void> {
  const body = await readBody(req);
  let parsed: MethodCall;
  try {
    parsed = parseMethodCall(body);
  } catch (err) {
    const call = ctx.record({ transport: 'xmlrpc', service, method: '(unparsable)' });
    call.outcome = 'bad_request';
    fail(res, call, 1, pythonTraceback('xml.parsers.expat.ExpatError', (err as Error).message));
    return;
  }
  if (service === 'common') await handleCommon(ctx, req, res, parsed);
  else await handleObject(ctx, req, res, parsed);
}

async function handleCommon(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  { methodName, params }: MethodCall,
) {
  const isLogin = methodName === 'authenticate' || methodName === 'login';
  // Why: the third parameter is the password or API key; it must never reach the call log.
  const call = ctx.record({
    transport: 'xmlrpc',
    service: 'common',
    method: methodName,
    ...(isLogin ? { args: params.slice(0, 2) } : {}),
  });
  if (!(await ctx.gate(req, res, call))) return;
  if (methodName === 'version') {
    const { version, versionInfo } = ctx.serverVersion();
    replyValue(res, call, {
      server_version: version,
      server_version_info: versionInfo,
      server_serie: version,
      protocol_version: 1,
    });
    return;
  }
  if (isLogin) {
    const [db, login, key] = params;
    if (db !== ctx.db) return fail(res, call, 1, databaseFault(db));
    const uid = typeof key === 'string' ? ctx.uidForKey(key) : undefined;
    const user = uid === undefined ? undefined : ctx.store.get('res.users', uid);
    // Why: bad credentials are not a fault in Odoo: authenticate answers False.
    replyValue(res, call, user && user['login'] === login ? uid : false);
    return;
  }
  fail(res, call, 1, pythonTraceback('NameError', `Method not available ${methodName}`));
}

async function handleObject(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  { methodName, params }: MethodCall,
) {
  const [db, uid, password, model, method, ...rest] = params;
  let args: unknown[];
  let kwargs: Record<string, unknown>;
  if (methodName === 'execute_kw') {
    args = Array.isArray(rest[0]) ? rest[0] : [];
    kwargs = isPlainObject(rest[1]) ? { ...rest[1] } : {};
  } else {
    args = rest;
    kwargs = {};
  }
  const { context: rawContext, ...named } = kwargs;
  const context = isPlainObject(rawContext) ? rawContext : {};
  const call = ctx.record({
    transport: 'xmlrpc',
    service: 'object',
    model: String(model),
    method: String(method),
    args,
    kwargs: named,
    context,
  });
  if (!(await ctx.gate(req, res, call))) return;
  if (methodName !== 'execute_kw' && methodName !== 'execute') {
    return fail(res, call, 1, pythonTraceback('NameError', `Method not available ${methodName}`));
  }
  if (db !== ctx.db) return fail(res, call, 1, databaseFault(db));
  const keyUid = typeof password === 'string' ? ctx.uidForKey(password) : undefined;
  if (keyUid === undefined || keyUid !== uid) return fail(res, call, 3, 'Access Denied');

  try {
    const def = resolveMethod(ctx.registry, 'xmlrpc', String(model), String(method));
    let ids: number[] = [];
    let positional = args;
    if (def.api === 'records') {
      // Why: Odoo's call_kw takes args[0] as the ids of a record method; without it, IndexError.
      if (args.length === 0) throw new StandinFault('internal', 'list index out of range', 'IndexError');
      ids = normaliseIds(args[0]) ?? [];
      positional = args.slice(1);
      call.ids = ids;
    }
    // Why: Odoo's create wrapper reads args[0] to choose int or list result, so vals must be positional.
    if (method === 'create' && positional.length === 0) {
      throw new StandinFault('internal', 'tuple index out of range', 'IndexError');
    }
    const value = invoke(
      ctx,
      def,
      { model: String(model), method: String(method), ids, positional, named, context, uid: keyUid },
      'xmlrpc',
    );
    if (!def.readonly) ctx.persist();
    const result = method === 'create' && Array.isArray(value) && isPlainObject(positional[0]) ? value[0] : value;
    replyValue(res, call, result);
  } catch (err) {
    const fault = err instanceof StandinFault ? err : new StandinFault('internal', (err as Error).message);
    const { faultCode, faultString } = xmlrpcFault(fault);
    fail(res, call, faultCode, faultString);
  }
}
