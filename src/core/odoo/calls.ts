import type { OdooCallArgs } from './types.js';

/** What the domain helpers need from the client: guarded calls, and the guards alone to fail early. */
export interface GuardedCalls {
  call<T = unknown>(model: string, method: string, args?: OdooCallArgs): Promise<T>;
  /** Runs the policy and draft-only checks without making a request. */
  guard(model: string, method: string): void;
}
