/**
 * What reached the stand-in, in arrival order, so tests can prove a call was made or never made.
 * The API key is never recorded (authenticate is logged with database and login only).
 */
export interface CallRecord {
  seq: number;
  transport: 'json2' | 'xmlrpc';
  /** XML-RPC service: `common` (version, authenticate) or `object` (execute_kw). */
  service?: 'common' | 'object';
  model?: string;
  method: string;
  ids?: number[];
  args?: unknown[];
  kwargs?: Record<string, unknown>;
  context?: Record<string, unknown>;
  /** `pending` until the stand-in has answered. */
  outcome: 'pending' | 'ok' | 'fault' | 'unauthorized' | 'bad_request' | 'error500' | 'dropped';
  /** The Odoo error message or fault string, when the call failed. */
  error?: string;
}
