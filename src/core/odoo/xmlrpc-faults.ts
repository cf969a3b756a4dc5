import type { ErrorCode } from '../errors.js';
import { credentialsRejected, odooFailure, type CallTarget, type OdooError, type Scrub } from './errors.js';
import { pythonFailure } from './python-errors.js';

/**
 * Odoo's XML-RPC faults mapped to the same codes the JSON-2 statuses get, so callers see one shape:
 * 1 traceback (read by its last line, as python-errors.ts reads JSON-2's 500s), 2 user error
 * (invalid_input; not_found for an unknown model or a missing record), 3 access denied, 4 access error.
 */
export const NONE_RESULT_FAULT = 'cannot marshal None unless allow_none is enabled';

/** True for the fault Odoo sends when a method returned None: the call itself succeeded. */
export function isNoneResultFault(faultCode: number, faultString: string): boolean {
  return faultCode === 1 && faultString.trimEnd().endsWith(NONE_RESULT_FAULT);
}

/** The last line of a Python traceback, split into exception name and message. */
function lastException(traceback: string): { name: string | undefined; message: string } {
  const lines = traceback.trimEnd().split('\n');
  const last = lines[lines.length - 1] ?? '';
  const m = /^([A-Za-z_][\w.]*): (.*)$/.exec(last);
  return m ? { name: m[1], message: m[2] ?? '' } : { name: undefined, message: last };
}

export function faultToError(faultCode: number, faultString: string, target: CallTarget, scrub: Scrub): OdooError {
  const base = { transport: 'xmlrpc' as const, faultCode };
  const text = scrub(faultString);
  switch (faultCode) {
    case 3:
      return credentialsRejected(target, { ...base, odooName: 'odoo.exceptions.AccessDenied', odooMessage: text });
    case 4:
      return odooFailure('policy_denied', target, {
        ...base,
        odooName: 'odoo.exceptions.AccessError',
        odooMessage: text,
      });
    case 2: {
      const missing = text.startsWith('Record does not exist or has been deleted');
      const unknownModel = /^Object \S+ doesn't exist$/.test(text);
      const code: ErrorCode = missing || unknownModel ? 'not_found' : 'invalid_input';
      const odooName = missing ? 'odoo.exceptions.MissingError' : undefined;
      return odooFailure(code, target, { ...base, odooName, odooMessage: text });
    }
    default: {
      const { name, message } = lastException(text);
      return pythonFailure(target, name, message, base);
    }
  }
}
