import type { OdooCallArgs } from './types.js';

/**
 * Maps a JSON-2 style call (named arguments plus ids) to XML-RPC's `execute_kw(..., args, kwargs)`.
 * Record ids go first in `args`. `create` must get its values positionally: Odoo's create wrapper reads
 * `args[0]` to decide between an int and a list result, and fails with IndexError when they come as a
 * keyword. Every other argument stays named, which Odoo binds by name.
 */
export function toExecuteKw(method: string, call: OdooCallArgs): { args: unknown[]; kwargs: Record<string, unknown> } {
  const kwargs = dropUndefined(call.kwargs ?? {}) as Record<string, unknown>;
  const args: unknown[] = [];
  if (call.ids !== undefined) args.push(call.ids);
  if (method === 'create' && 'vals_list' in kwargs) {
    args.push(kwargs['vals_list']);
    delete kwargs['vals_list'];
  }
  if (call.context !== undefined) kwargs['context'] = dropUndefined(call.context);
  return { args, kwargs };
}

/**
 * Removes undefined object members (the xmlrpc package would send an empty `<value/>`, which Python reads
 * as an empty string) and turns undefined array items into null, as JSON.stringify does.
 */
export function dropUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : dropUndefined(v)));
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, dropUndefined(v)]),
    );
  }
  return value;
}
