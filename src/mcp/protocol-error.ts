import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { AppError } from '../core/errors.js';

/** The spec's code for a resource that does not exist (MCP resources, "Error Handling"); the SDK 1.x has no name for it. */
export const RESOURCE_NOT_FOUND = -32002;

/**
 * A JSON-RPC error the client can act on. Why a subclass: McpError's own message already reads "MCP error <code>: …"
 * and the client prefixes that again; this keeps the wire message to our `<code>: <reason>`. The SDK's
 * protocol layer sends any thrown error's numeric `code`, `message` and `data` as the JSON-RPC error.
 */
export class ProtocolError extends McpError {
  constructor(code: number, message: string, data: Record<string, unknown>) {
    super(code, message, data);
    this.message = message;
  }
}

/** Our error codes as JSON-RPC codes: a missing file is -32002, a path we refuse is -32602 (invalid params). */
export function resourceErrorOf(err: AppError, uri: string): ProtocolError {
  const data = { uri, code: err.code };
  const message = `${err.code}: ${err.message}`;
  if (err.code === 'not_found') return new ProtocolError(RESOURCE_NOT_FOUND, message, data);
  if (err.code === 'invalid_input' || err.code === 'policy_denied')
    return new ProtocolError(ErrorCode.InvalidParams, message, data);
  return new ProtocolError(ErrorCode.InternalError, message, data);
}
