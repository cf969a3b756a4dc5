import type { ErrorCode } from '../errors.js';
import { describe, odooFailure, OdooError, type CallTarget, type OdooErrorFacts } from './errors.js';

/**
 * What a Python exception raised inside Odoo means for the caller, the same over both transports (JSON-2
 * answers it as 500 `builtins.<Name>`, XML-RPC as fault 1 with a traceback). A real Odoo 19.0 answers an
 * unknown field in the values with KeyError and an unknown keyword argument with TypeError: the request
 * itself is wrong and fails the same way on every retry, so these are `invalid_input`, not `upstream` (which
 * the workers retry with backoff, reporting Odoo as unreachable).
 */
const UNKNOWN_DATABASE = /database "([^"]*)" does not exist/;

/** `'bogus'` (a traceback's repr) or `bogus` (JSON-2's message) → `bogus`. */
const unquote = (text: string) => text.replace(/^'(.*)'$/, '$1');

export function pythonFailure(
  target: CallTarget,
  exception: string | undefined,
  message: string,
  facts: OdooErrorFacts,
): OdooError {
  const name = exception?.replace(/^builtins\./, '');
  const where = describe(target);
  const full = { ...facts, odooName: facts.odooName ?? exception, odooMessage: message };
  if (name === 'KeyError') {
    return new OdooError(
      'invalid_input',
      `Odoo refused ${where}: it has no field or key '${unquote(message)}' (KeyError); check the field names sent against this Odoo's models.`,
      { ...full, model: target.model, method: target.method },
    );
  }
  if (name === 'TypeError') {
    return new OdooError(
      'invalid_input',
      `Odoo refused ${where}: ${message} (TypeError); check the arguments sent for this Odoo version.`,
      { ...full, model: target.model, method: target.method },
    );
  }
  const db = UNKNOWN_DATABASE.exec(message)?.[1];
  if (db !== undefined) return unknownDatabase(target, db, full);
  const code: ErrorCode = name === 'AttributeError' && message.endsWith('does not exist') ? 'not_found' : 'upstream';
  return odooFailure(code, target, full);
}

/**
 * ODOO_DB names no database on this server: a deployment mistake, not the call's. `upstream`, so a worker
 * keeps its tasks and retries once the setting is fixed, instead of failing each task.
 */
export function unknownDatabase(target: CallTarget, db: string, facts: OdooErrorFacts): OdooError {
  return new OdooError(
    'upstream',
    `Odoo has no database "${db}" for ${describe(target)}: check ODOO_DB (and that ODOO_URL is the right server).`,
    { ...facts, model: target.model, method: target.method },
  );
}
