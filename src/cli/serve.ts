import { ALL_TOOLS } from '../../tools/index.js';
import type { Config } from '../config.js';
import { AppError } from '../core/errors.js';
import type { RunningHttpServer } from '../mcp/http.js';
import { serveStdio } from '../mcp/stdio.js';
import { toolDepsFromConfig } from './context.js';

export async function serveStdioCommand(config: Config): Promise<void> {
  const deps = await toolDepsFromConfig(config, 'mcp-stdio');
  await deps.vault.recover();
  await serveStdio(deps, ALL_TOOLS);
}

export interface HttpCommandOptions {
  host?: string;
  port?: number;
}

export async function serveHttpCommand(
  config: Config,
  options: HttpCommandOptions = {},
): Promise<{ server: RunningHttpServer }> {
  const token = config.mcp.authToken;
  if (token === undefined) {
    throw new AppError(
      'invalid_input',
      'MCP_AUTH_TOKEN is not set; set it to a long random string (e.g. `openssl rand -hex 32`) before serving over HTTP.',
    );
  }
  const deps = await toolDepsFromConfig(config, 'mcp-http');
  await deps.vault.recover();
  await deps.vault.audit.prune();
  // Why a dynamic import: the HTTP transport pulls in modules stdio never needs (measured ~55 ms of startup).
  const { serveHttp } = await import('../mcp/http.js');
  const server = await serveHttp(deps, ALL_TOOLS, {
    host: options.host ?? config.mcp.host,
    port: options.port ?? config.mcp.port,
    token,
    allowedOrigins: config.mcp.allowedOrigins,
    sessions: { idleMs: config.mcp.sessionIdleMs, max: config.mcp.maxSessions },
  });
  return { server };
}
