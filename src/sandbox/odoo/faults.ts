/**
 * Odoo's exceptions as the stand-in raises them, and how each wire format reports them. One table, so the
 * JSON-2 status and the XML-RPC faultCode of a case can never drift apart (reference/odoo.md, "Errors").
 */
export type FaultKind =
  | 'user' // odoo.exceptions.UserError
  | 'validation' // odoo.exceptions.ValidationError
  | 'missing' // odoo.exceptions.MissingError
  | 'access' // odoo.exceptions.AccessError (also private methods)
  | 'access_denied' // odoo.exceptions.AccessDenied (bad uid or key)
  | 'unknown_model'
  | 'unknown_method'
  | 'bad_arguments' // Python TypeError while binding the call's arguments
  | 'ids_on_model_method' // JSON-2 only
  | 'value' // ValueError from the ORM (unknown field, bad selection value)
  | 'internal'; // anything else (IndexError, ...)

export class StandinFault extends Error {
  readonly kind: FaultKind;
  /** Python class of the exception, e.g. `IndexError` for `internal`. */
  readonly pythonName: string | undefined;

  constructor(kind: FaultKind, message: string, pythonName?: string) {
    super(message);
    this.name = 'StandinFault';
    this.kind = kind;
    this.pythonName = pythonName;
  }
}

export const userError = (message: string) => new StandinFault('user', message);
export const validationError = (message: string) => new StandinFault('validation', message);
export const valueError = (message: string) => new StandinFault('value', message, 'ValueError');

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

/** A Python traceback whose last line is `<exception>: <message>`, as Odoo puts in XML-RPC faults. */
export function pythonTraceback(exception: string, message: string, entry: 'xmlrpc' | 'json2' = 'xmlrpc'): string {
  const frames =
    entry === 'xmlrpc'
      ? [
          '  File "/usr/lib/python3/dist-packages/odoo/addons/base/controllers/rpc.py", line 166, in xmlrpc_2',
          '    response = self._xmlrpc(service)',
          '  File "/usr/lib/python3/dist-packages/odoo/service/model.py", line 62, in execute_kw',
          '    return call_kw(model, method, args, kwargs)',
        ]
      : [
          '  File "/usr/lib/python3/dist-packages/odoo/addons/rpc/controllers/json2.py", line 131, in web_json_2_rpc',
          '    result = func(records, **kwargs)',
        ];
  return ['Traceback (most recent call last):', ...frames, `${exception}: ${message}`, ''].join('\n');
}

export interface Json2ErrorBody {
  name: string;
  message: string;
  arguments: unknown[];
  context: Record<string, unknown>;
  debug: string;
}

/** JSON-2: status and body as `Json2RpcDispatcher.handle_error` builds them. */
export function json2Error(fault: StandinFault): { status: number; body: Json2ErrorBody } {
  const build = (status: number, name: string, args: unknown[] = [fault.message]) => ({
    status,
    body: {
      name,
      message: fault.message,
      arguments: args,
      context: {},
      debug: pythonTraceback(name, fault.message, 'json2'),
    },
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
      return build(404, 'werkzeug.exceptions.NotFound', [fault.message, 404]);
    case 'bad_arguments':
    case 'ids_on_model_method':
      return build(422, 'werkzeug.exceptions.UnprocessableEntity', [fault.message, 422]);
    default:
      return build(500, `builtins.${fault.pythonName ?? 'Exception'}`);
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
    case 'bad_arguments':
    case 'ids_on_model_method':
      return { faultCode: 1, faultString: pythonTraceback('TypeError', fault.message) };
    default:
      return { faultCode: 1, faultString: pythonTraceback(fault.pythonName ?? 'Exception', fault.message) };
  }
}
