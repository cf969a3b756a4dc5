/**
 * Odoo's exceptions as the stand-in raises them, and how each wire format reports them. One table, so the
 * JSON-2 status and the XML-RPC faultCode of a case can never drift apart (reference/odoo.md, "Observed on
 * a real Odoo 19.0 server").
 */
export type FaultKind =
  | 'user' // odoo.exceptions.UserError
  | 'validation' // odoo.exceptions.ValidationError
  | 'missing' // odoo.exceptions.MissingError
  | 'access' // odoo.exceptions.AccessError (also private methods)
  | 'access_denied' // odoo.exceptions.AccessDenied (bad uid or key)
  | 'unknown_model'
  | 'unknown_method'
  | 'unprocessable' // JSON-2 only: werkzeug UnprocessableEntity (ids on a model method, inspect's bind refused)
  | 'type_error' // a Python TypeError raised by the call itself (an argument the method does not take)
  | 'value' // ValueError from the ORM (bad domain, bad selection value)
  | 'internal'; // anything else (KeyError, IndexError, ...)

export class StandinFault extends Error {
  readonly kind: FaultKind;
  /** Python class of the exception, e.g. `KeyError` for `internal`. */
  readonly pythonName: string | undefined;
  /** What Python prints after `Name: ` in a traceback, when it is not the message (a KeyError prints the repr). */
  readonly pythonText: string | undefined;

  constructor(kind: FaultKind, message: string, pythonName?: string, pythonText?: string) {
    super(message);
    this.name = 'StandinFault';
    this.kind = kind;
    this.pythonName = pythonName;
    this.pythonText = pythonText;
  }
}

export const userError = (message: string) => new StandinFault('user', message);
export const validationError = (message: string) => new StandinFault('validation', message);
export const valueError = (message: string) => new StandinFault('value', message, 'ValueError');
export const typeError = (message: string) => new StandinFault('type_error', message, 'TypeError');

/** `KeyError('x')`: its message (args joined) is `x`, its traceback line `KeyError: 'x'`. */
export const keyError = (key: string) => new StandinFault('internal', key, 'KeyError', `'${key}'`);

/** Python's repr of a recordset, as Odoo prints it in MissingError: `account.move(42,)`, `account.move(1, 2)`. */
export function recordsetRepr(model: string, ids: readonly number[]): string {
  return ids.length === 1 ? `${model}(${ids[0]},)` : `${model}(${ids.join(', ')})`;
}

export function missingError(model: string, ids: readonly number[], uid: number): StandinFault {
  return new StandinFault(
    'missing',
    `Record does not exist or has been deleted.\n(Record: ${recordsetRepr(model, ids)}, User: ${uid})`,
  );
}

export function privateMethodError(model: string, method: string): StandinFault {
  return new StandinFault('access', `Private methods (such as '${model}.${method}') cannot be called remotely.`);
}

const ODOO_EXCEPTION: Partial<Record<FaultKind, string>> = {
  user: 'odoo.exceptions.UserError',
  validation: 'odoo.exceptions.ValidationError',
  missing: 'odoo.exceptions.MissingError',
  access: 'odoo.exceptions.AccessError',
  access_denied: 'odoo.exceptions.AccessDenied',
};

/**
 * A Python traceback whose last line is `<exception>: <text>`, as `traceback.format_exception` writes it:
 * Odoo sends one as an XML-RPC fault 1 and in every JSON-2 error body's `debug`. Builtins print unqualified.
 */
export function pythonTraceback(exception: string, text: string, entry: 'xmlrpc' | 'json2' = 'xmlrpc'): string {
  const frames =
    entry === 'xmlrpc'
      ? [
          '  File "/usr/lib/python3/dist-packages/odoo/addons/base/controllers/rpc.py", line 166, in xmlrpc_2',
          '    response = self._xmlrpc(service)',
          '  File "/usr/lib/python3/dist-packages/odoo/service/model.py", line 62, in execute_kw',
          '    return call_kw(model, method, args, kwargs)',
        ]
      : [
          '  File "/usr/lib/python3/dist-packages/odoo/http.py", line 2262, in _serve_db',
          '    return service_model.retrying(serve_func, env=self.env)',
          '  File "/usr/lib/python3/dist-packages/odoo/addons/rpc/controllers/json2.py", line 131, in web_json_2_rpc',
          '    result = func(records, **kwargs)',
        ];
  const shown = exception.replace(/^builtins\./, '');
  return ['Traceback (most recent call last):', ...frames, `${shown}: ${text}`, ''].join('\n');
}

export interface Json2ErrorBody {
  name: string;
  message: string;
  arguments: unknown[];
  context: Record<string, unknown>;
  debug: string;
}

/** JSON-2: status and body as `Json2RpcDispatcher.handle_error` builds them (`http.serialize_exception`). */
export function json2Error(fault: StandinFault): { status: number; body: Json2ErrorBody } {
  const build = (status: number, name: string, args: unknown[] = [fault.message], text = fault.message) => ({
    status,
    body: { name, message: fault.message, arguments: args, context: {}, debug: pythonTraceback(name, text, 'json2') },
  });
  switch (fault.kind) {
    case 'user':
    case 'validation':
      return build(422, ODOO_EXCEPTION[fault.kind] ?? '');
    case 'missing':
      return build(404, 'odoo.exceptions.MissingError');
    case 'access':
    case 'access_denied':
      return build(403, ODOO_EXCEPTION[fault.kind] ?? '');
    case 'unknown_model':
    case 'unknown_method':
      return build(404, 'werkzeug.exceptions.NotFound', [fault.message, 404], `404 Not Found: ${fault.message}`);
    case 'unprocessable':
      return build(
        422,
        'werkzeug.exceptions.UnprocessableEntity',
        [fault.message, 422],
        `422 Unprocessable Entity: ${fault.message}`,
      );
    default:
      // Why 500: anything not a UserError or an HTTP error is `builtins.<Name>` (real Odoo: KeyError, TypeError).
      return build(500, `builtins.${fault.pythonName ?? 'Exception'}`, [fault.message], fault.pythonText);
  }
}

/** XML-RPC: faultCode and faultString as Odoo's `xmlrpc_handle_exception_int` builds them. */
export function xmlrpcFault(fault: StandinFault): { faultCode: number; faultString: string } {
  switch (fault.kind) {
    case 'user':
    case 'validation':
    case 'missing':
    case 'unknown_model':
      return { faultCode: 2, faultString: fault.message };
    case 'access_denied':
      return { faultCode: 3, faultString: 'Access Denied' };
    case 'access':
      return { faultCode: 4, faultString: fault.message };
    case 'unknown_method':
      return { faultCode: 1, faultString: pythonTraceback('AttributeError', fault.message) };
    case 'unprocessable':
    case 'type_error':
      return { faultCode: 1, faultString: pythonTraceback('TypeError', fault.message) };
    default:
      return {
        faultCode: 1,
        faultString: pythonTraceback(fault.pythonName ?? 'Exception', fault.pythonText ?? fault.message),
      };
  }
}
