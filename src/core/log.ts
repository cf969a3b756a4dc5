import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Paths pino blanks wherever they appear: tokens and keys must never reach a log line,
 * whether they sit at the top of the object or inside `parameters` of an audit entry.
 */
export const REDACT_PATHS = [
  'token',
  'apiKey',
  'api_key',
  'password',
  'authorization',
  'secret',
  'refresh_token',
  'access_token',
  '*.token',
  '*.apiKey',
  '*.api_key',
  '*.password',
  '*.authorization',
  '*.Authorization',
  '*.secret',
  '*.refresh_token',
  '*.access_token',
  'headers.authorization',
  'req.headers.authorization',
];

/**
 * A pino logger writing JSON to stderr. Why stderr: in stdio mode stdout carries only MCP JSON-RPC.
 * Callers make a child per daemon or tool (`logger.child({ component: 'claim' })`).
 */
export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  return pino(
    {
      name: options.name ?? 'ai-employee',
      level: options.level ?? process.env['LOG_LEVEL'] ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    pino.destination({ fd: 2, sync: true }),
  );
}

/** A logger that drops everything: for tests and benches that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
