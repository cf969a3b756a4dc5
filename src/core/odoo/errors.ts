import { AppError, type ErrorCode } from '../errors.js';

/**
 * An error from Odoo or on the way to it. Keeps what Odoo said (HTTP status or XML-RPC faultCode, the
 * Python exception name, Odoo's message) so callers can branch on `code` and humans can read the rest.
 * Messages never carry the API key: every text from the wire passes through a scrubber first.
 */
export interface OdooErrorFacts {
  transport?: 'json2' | 'xmlrpc' | 'http';
  model?: string;
  method?: string;
  httpStatus?: number;
  faultCode?: number;
  odooName?: string;
  odooMessage?: string;
}

export class OdooError extends AppError {
  readonly httpStatus: number | undefined;
  readonly faultCode: number | undefined;
  readonly odooName: string | undefined;
  readonly odooMessage: string | undefined;
  readonly model: string | undefined;
  readonly method: string | undefined;

  constructor(code: ErrorCode, message: string, facts: OdooErrorFacts = {}, options?: { cause?: unknown }) {
    const details = Object.fromEntries(Object.entries(facts).filter(([, v]) => v !== undefined));
    super(code, message, details, options);
    this.name = 'OdooError';
    this.httpStatus = facts.httpStatus;
    this.faultCode = facts.faultCode;
    this.odooName = facts.odooName;
    this.odooMessage = facts.odooMessage;
    this.model = facts.model;
    this.method = facts.method;
  }
}

export type Scrub = (text: string) => string;

/** Replaces every occurrence of the secret; a defence in depth, since Odoo should never echo it. */
export function scrubber(secret: string): Scrub {
  return (text) => (secret.length >= 4 ? text.split(secret).join('[redacted]') : text);
}

export interface CallTarget {
  model?: string;
  method?: string;
  /** What was attempted, when not a model method ("the version probe"). */
  what?: string;
}

export const describe = (t: CallTarget) => t.what ?? `${t.model}.${t.method}`;

const AUTH_HINT = 'check ODOO_DB, ODOO_LOGIN and ODOO_API_KEY (Odoo API keys expire; make a new one if needed)';

export function credentialsRejected(target: CallTarget, facts: OdooErrorFacts): OdooError {
  return new OdooError('policy_denied', `Odoo refused the credentials for ${describe(target)}: ${AUTH_HINT}.`, {
    ...facts,
    model: target.model,
    method: target.method,
  });
}

/** JSON-2's 401 "User not authenticated": the key never reached Odoo, though this client always sends it. */
export function keyNotReceived(target: CallTarget, facts: OdooErrorFacts): OdooError {
  return new OdooError(
    'policy_denied',
    `Odoo received no API key with ${describe(target)}: a proxy between here and Odoo may drop the Authorization header; check it, then ODOO_API_KEY.`,
    { ...facts, model: target.model, method: target.method },
  );
}

export function timeoutError(target: CallTarget, timeoutMs: number, transport: OdooErrorFacts['transport']): OdooError {
  return new OdooError(
    'timeout',
    `Odoo did not answer ${describe(target)} within ${timeoutMs} ms; it may still have applied the call, so check before repeating it (raise ODOO_TIMEOUT_MS if Odoo is just slow).`,
    { transport, model: target.model, method: target.method },
  );
}

export function unreachable(
  target: CallTarget,
  reason: string,
  transport: OdooErrorFacts['transport'],
  cause: unknown,
) {
  return new OdooError(
    'upstream',
    `Could not complete ${describe(target)} with Odoo (${reason}); check ODOO_URL and that Odoo is running, then try again.`,
    { transport, model: target.model, method: target.method },
    { cause },
  );
}

/** The code for what Odoo said, given the HTTP-like category of the failure. */
export function odooFailure(code: ErrorCode, target: CallTarget, facts: OdooErrorFacts): OdooError {
  const said = facts.odooMessage ? `: ${facts.odooMessage}` : '';
  const where = describe(target);
  const message =
    code === 'invalid_input'
      ? `Odoo refused ${where}${said}`
      : code === 'not_found'
        ? `Odoo could not find what ${where} needs${said}`
        : code === 'policy_denied'
          ? `Odoo denied ${where}${said}`
          : `Odoo failed on ${where}${said}. Try again later; if it persists, check the Odoo server log.`;
  return new OdooError(code, message, { ...facts, model: target.model, method: target.method });
}
