import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { toAppError } from '../core/errors.js';
import type { Logger } from '../core/log.js';

/**
 * The one place where tool data becomes an MCP result (DESIGN §8): the same JSON as text and as
 * `structuredContent`; and where an error becomes an `isError` result with a code and a recovery hint.
 * Stack traces and causes go to the log, never to the model.
 */
export function toToolResult(data: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(data) }], structuredContent: data };
}

export function toToolError(err: unknown, logger: Logger, tool: string): CallToolResult {
  const appError = toAppError(err);
  if (appError.code === 'internal') logger.error({ err, tool }, 'tool failed unexpectedly');
  const error = {
    code: appError.code,
    message: appError.message,
    ...(appError.details ? { details: appError.details } : {}),
  };
  return { content: [{ type: 'text', text: JSON.stringify({ error }) }], isError: true };
}
