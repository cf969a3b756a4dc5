import type { OdooClient } from '../src/core/odoo/types.js';

type Watch = Partial<Record<keyof OdooClient, () => Promise<void>>>;

/**
 * The same Odoo client, with `before` run ahead of the named calls (to report progress from a call that core
 * makes). Only the caller's own calls are seen: the client's calls to itself go to the client, unwatched.
 */
export function watchOdoo(odoo: OdooClient, before: Watch): OdooClient {
  return new Proxy(odoo, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      const hook = before[prop as keyof OdooClient];
      const fn = value as (...args: unknown[]) => unknown;
      if (!hook) return fn.bind(target);
      return async (...args: unknown[]) => {
        await hook();
        return fn.apply(target, args);
      };
    },
  });
}
