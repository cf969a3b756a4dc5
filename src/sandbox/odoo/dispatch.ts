import { privateMethodError, StandinFault } from './faults.js';
import type { Env, MethodDef, ParamDef, Registry } from './models/types.js';
import type { Store } from './store.js';

/**
 * Runs one model method the way Odoo's RPC layer does, for both transports: model and method lookup
 * (private methods refused), Python-style argument binding, and one transaction per call (rolled back
 * when the method raises).
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

/** Binds arguments as Python would, with Python's TypeError messages. */
export function bindArguments(
  method: string,
  params: readonly ParamDef[],
  positional: readonly unknown[],
  named: Record<string, unknown>,
): Record<string, unknown> {
  const bad = (message: string) => new StandinFault('bad_arguments', `${method}() ${message}`);
  if (positional.length > params.length) {
    throw bad(`takes ${params.length + 1} positional arguments but ${positional.length + 1} were given`);
  }
  const bound: Record<string, unknown> = {};
  params.forEach((p, i) => {
    if (i < positional.length) bound[p.name] = positional[i];
  });
  for (const [key, value] of Object.entries(named)) {
    if (!params.some((p) => p.name === key)) throw bad(`got an unexpected keyword argument '${key}'`);
    if (key in bound) throw bad(`got multiple values for argument '${key}'`);
    bound[key] = value;
  }
  const missing = params.filter((p) => p.required && !(p.name in bound)).map((p) => `'${p.name}'`);
  if (missing.length > 0) {
    throw bad(
      `missing ${missing.length} required positional argument${missing.length > 1 ? 's' : ''}: ${missing.join(' and ')}`,
    );
  }
  return bound;
}

export function invoke(ctx: DispatchContext, def: MethodDef, call: Invocation): unknown {
  const args = bindArguments(call.method, def.params, call.positional, call.named);
  const env: Env = { store: ctx.store, registry: ctx.registry, uid: call.uid, context: call.context, today: ctx.today };
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
