import { checkModelAccess } from './access.js';
import { privateMethodError, StandinFault, typeError } from './faults.js';
import type { Env, MethodDef, Registry } from './models/types.js';
import type { Store } from './store.js';

/**
 * Runs one model method the way Odoo's RPC layer does, for both transports: model and method lookup
 * (private methods refused), argument binding (JSON-2's `inspect` bind, XML-RPC's plain Python call), model
 * access rights, and one transaction per call (rolled back when the method raises).
 */
export type Transport = 'json2' | 'xmlrpc';

export interface DispatchContext {
  registry: Registry;
  store: Store;
  today(): string;
}

export interface Invocation {
  model: string;
  method: string;
  ids: number[];
  positional: unknown[];
  named: Record<string, unknown>;
  context: Record<string, unknown>;
  uid: number;
}

/** Finds a public method, or raises what Odoo raises for an unknown model, a private or an unknown method. */
export function resolveMethod(registry: Registry, transport: Transport, model: string, method: string): MethodDef {
  const def = registry.get(model);
  if (!def) {
    throw new StandinFault(
      'unknown_model',
      transport === 'json2' ? `the model '${model}' does not exist` : `Object ${model} doesn't exist`,
    );
  }
  if (method.startsWith('_')) throw privateMethodError(model, method);
  const found = def.methods?.[method];
  if (!found) throw new StandinFault('unknown_method', `The method '${model}.${method}' does not exist`);
  return found;
}

/** Keyword arguments a method's `**kwargs` accepts and forwards; any other name is the callee's TypeError. */
function forwardOrRefuse(method: string, def: MethodDef, key: string): void {
  if (!def.forwards?.includes(key)) throw typeError(`${method}() got an unexpected keyword argument '${key}'`);
}

/** XML-RPC: `method(records, *args, **kwargs)` as Python binds it, with Python's TypeError messages (fault 1). */
export function bindCall(
  method: string,
  def: MethodDef,
  positional: readonly unknown[],
  named: Record<string, unknown>,
): Record<string, unknown> {
  const { params } = def;
  if (positional.length > params.length) {
    throw typeError(
      `${method}() takes ${params.length + 1} positional arguments but ${positional.length + 1} were given`,
    );
  }
  const bound: Record<string, unknown> = {};
  params.forEach((p, i) => {
    if (i < positional.length) bound[p.name] = positional[i];
  });
  for (const [key, value] of Object.entries(named)) {
    if (!params.some((p) => p.name === key)) forwardOrRefuse(method, def, key);
    else if (key in bound) throw typeError(`${method}() got multiple values for argument '${key}'`);
    bound[key] = value;
  }
  const missing = params.filter((p) => p.required && !(p.name in bound)).map((p) => `'${p.name}'`);
  if (missing.length > 0) {
    throw typeError(
      `${method}() missing ${missing.length} required positional argument${missing.length > 1 ? 's' : ''}: ${missing.join(' and ')}`,
    );
  }
  return bound;
}

/**
 * JSON-2: Odoo first runs `inspect.signature(func).bind(records, **kwargs)` and answers its TypeError as 422
 * with inspect's own wording ("missing a required argument: 'domain'"); only then calls the method. A method
 * with `**kwargs` (search_read) passes that check with any name, so an unknown one fails inside the call:
 * 500 `builtins.TypeError`, as observed on a real Odoo 19.0.
 */
export function bindNamed(method: string, def: MethodDef, named: Record<string, unknown>): Record<string, unknown> {
  const bound: Record<string, unknown> = {};
  for (const p of def.params) {
    if (p.name in named) bound[p.name] = named[p.name];
    else if (p.required) throw new StandinFault('unprocessable', `missing a required argument: '${p.name}'`);
  }
  const extra = Object.keys(named).filter((key) => !def.params.some((p) => p.name === key));
  if (extra[0] !== undefined && !def.forwards) {
    throw new StandinFault('unprocessable', `got an unexpected keyword argument '${extra[0]}'`);
  }
  for (const key of extra) {
    forwardOrRefuse(method, def, key);
    bound[key] = named[key];
  }
  return bound;
}

export function invoke(ctx: DispatchContext, def: MethodDef, call: Invocation, transport: Transport): unknown {
  const args =
    transport === 'json2'
      ? bindNamed(call.method, def, call.named)
      : bindCall(call.method, def, call.positional, call.named);
  const env: Env = { store: ctx.store, registry: ctx.registry, uid: call.uid, context: call.context, today: ctx.today };
  // Why after binding: Odoo checks access rights inside the method, so a bad call is refused as bad first.
  checkModelAccess(env, call.model, call.method);
  const before = def.readonly ? undefined : ctx.store.snapshot();
  try {
    return def.run(env, def.api === 'model' ? [] : call.ids, args);
  } catch (err) {
    if (before) ctx.store.restore(before);
    if (err instanceof StandinFault) throw err;
    throw new StandinFault('internal', (err as Error).message, (err as Error).name || 'Exception');
  }
}

/** Odoo accepts a single id where a list is expected (`browse(42)`). */
export function normaliseIds(value: unknown): number[] | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isInteger(v)))
    return value as number[];
  return undefined;
}
