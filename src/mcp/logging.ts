import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, LoggingLevelSchema, type LoggingLevel } from '@modelcontextprotocol/sdk/types.js';
import { pino, type DestinationStream } from 'pino';
import { z } from 'zod';
import { REDACT_PATHS, type Logger } from '../core/log.js';
import { ProtocolError } from './protocol-error.js';

const SetLevelRequest = z.object({
  method: z.literal('logging/setLevel'),
  params: z.record(z.string(), z.unknown()).optional(),
});

/** MCP's levels, least severe first (RFC 5424 as the spec lists them). */
const MCP_LEVELS: readonly LoggingLevel[] = [
  'debug',
  'info',
  'notice',
  'warning',
  'error',
  'critical',
  'alert',
  'emergency',
];

/** pino's numeric level of a line as MCP's level. */
export function mcpLevelOf(pinoLevel: number): LoggingLevel {
  if (pinoLevel >= 60) return 'critical';
  if (pinoLevel >= 50) return 'error';
  if (pinoLevel >= 40) return 'warning';
  if (pinoLevel >= 30) return 'info';
  return 'debug';
}

/** Fields of a pino line a client never gets: process facts, and errors (their stack and cause are internals). */
const DROPPED = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'err', 'error', 'stack', 'cause']);

/**
 * Declares the `logging` capability on this session's server and returns a logger that writes what `base`
 * writes, and also sends each line at or above the level the client set with `logging/setLevel` to this
 * client as `notifications/message`. Nothing is sent before the client sets a level.
 *
 * Why per session: the HTTP transport builds one McpServer per session (and stdio has one), so the level lives
 * in this closure and one client's level never changes what another receives. Lines pass through pino's own
 * redaction (REDACT_PATHS) before they leave, and errors are reduced to "see the server log": a stack or an
 * absolute path is for the operator, not the model.
 */
export function sessionLogger(server: McpServer, base: Logger): Logger {
  let clientLevel: LoggingLevel | undefined;
  server.server.registerCapabilities({ logging: {} });
  // Why our own handler: the SDK's sends every line while no level is set; we send none until asked. Why a
  // loose schema: the SDK answers a request that fails its schema with -32603; an unknown level is -32602.
  server.server.setRequestHandler(SetLevelRequest, (request) => {
    const level = LoggingLevelSchema.safeParse(request.params?.['level']);
    if (!level.success)
      throw new ProtocolError(
        ErrorCode.InvalidParams,
        `invalid_input: "level" must be one of ${MCP_LEVELS.join(', ')}.`,
        { level: String(request.params?.['level']).slice(0, 40) },
      );
    clientLevel = level.data;
    return {};
  });

  const baseStream = (base as unknown as Record<symbol, DestinationStream | undefined>)[pino.symbols.streamSym];
  const tee: DestinationStream & { lastLevel?: number; [key: symbol]: unknown } = {
    // Why pino.metadata: pino then sets lastLevel before each write, so no line is parsed just to be dropped.
    [Symbol.for('pino.metadata')]: true,
    write(line: string) {
      const level = tee.lastLevel ?? 30;
      if (level >= base.levelVal) baseStream?.write(line);
      if (clientLevel === undefined || !server.isConnected()) return;
      const mcpLevel = mcpLevelOf(level);
      if (MCP_LEVELS.indexOf(mcpLevel) < MCP_LEVELS.indexOf(clientLevel)) return;
      void server.sendLoggingMessage(messageOf(line, mcpLevel)).catch(() => undefined);
    },
  };
  return pino({ level: 'trace', redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, tee).child(base.bindings());
}

/** The notification's params: the message and the line's own fields, without the ones in DROPPED. */
function messageOf(line: string, level: LoggingLevel): { level: LoggingLevel; logger: string; data: unknown } {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return { level, logger: 'ai-employee', data: { message: 'a log line that is not JSON' } };
  }
  const fields = Object.fromEntries(Object.entries(parsed).filter(([key]) => !DROPPED.has(key)));
  const hadError = parsed['err'] !== undefined || parsed['error'] !== undefined;
  const logger = [parsed['tool'], parsed['component'], parsed['name']].find((v) => typeof v === 'string') as
    string | undefined;
  return {
    level,
    logger: logger ?? 'ai-employee',
    data: {
      message: typeof parsed['msg'] === 'string' ? parsed['msg'] : '',
      ...fields,
      ...(hadError ? { error: 'details are in the server log' } : {}),
    },
  };
}
