import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { AnyTool, ToolDeps } from '../../tools/index.js';
import { bearerMatches, loopbackHosts, originAllowed } from './http-guards.js';
import { buildMcpServer } from './server.js';

export interface HttpServeOptions {
  host: string;
  port: number;
  token: string;
  allowedOrigins: readonly string[];
}

export interface RunningHttpServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * Streamable HTTP on one endpoint, `/mcp`. A new McpServer and transport per session; sessions are looked
 * up by `Mcp-Session-Id` (missing → 400, unknown → 404). Binds 127.0.0.1 unless told otherwise.
 */
export async function serveHttp(
  deps: ToolDeps,
  tools: readonly AnyTool[],
  options: HttpServeOptions,
): Promise<RunningHttpServer> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const log = deps.logger.child({ component: 'mcp-http' });
  let allowedHosts: string[] = [];

  const httpServer: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log.error({ err }, 'request failed');
      if (!res.headersSent) sendJsonRpcError(res, 500, -32603, 'Internal error; it was logged.');
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/mcp') return sendJsonRpcError(res, 404, -32000, 'Not found: the MCP endpoint is /mcp.');
    if (!originAllowed(req, options.allowedOrigins))
      return sendJsonRpcError(res, 403, -32000, 'Forbidden: this Origin is not allowed.');
    if (allowedHosts.length > 0 && !allowedHosts.includes(req.headers.host ?? '')) {
      return sendJsonRpcError(res, 403, -32000, 'Forbidden: unexpected Host header.');
    }
    if (!bearerMatches(req, options.token)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      return sendJsonRpcError(res, 401, -32001, 'Unauthorized: send "Authorization: Bearer <MCP_AUTH_TOKEN>".');
    }
    const sessionId = header(req, 'mcp-session-id');
    const body = req.method === 'POST' ? await readJson(req, res) : undefined;
    if (body === INVALID) return;

    if (sessionId === undefined) {
      if (req.method !== 'POST' || !isInitializeRequest(body)) {
        return sendJsonRpcError(res, 400, -32000, 'Bad request: no Mcp-Session-Id; start with an initialize request.');
      }
      const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => {
          sessions.set(id, transport);
        },
        onsessionclosed: (id) => {
          sessions.delete(id);
        },
      });
      transport.onclose = () => {
        if (transport.sessionId) sessions.delete(transport.sessionId);
      };
      await buildMcpServer(deps, tools).connect(transport);
      await transport.handleRequest(req, res, body);
      return;
    }
    const transport = sessions.get(sessionId);
    if (!transport)
      return sendJsonRpcError(
        res,
        404,
        -32001,
        'Session not found: it ended or the server restarted; initialize again.',
      );
    await transport.handleRequest(req, res, body);
  }

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host, () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  if (['127.0.0.1', 'localhost', '::1'].includes(options.host)) allowedHosts = loopbackHosts(port);
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${hostForUrl}:${port}/mcp`,
    port,
    async close() {
      await Promise.all([...sessions.values()].map((t) => t.close().catch(() => undefined)));
      sessions.clear();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}

const INVALID = Symbol('invalid body');

async function readJson(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      sendJsonRpcError(res, 413, -32000, 'Request body too large (over 4 MiB).');
      return INVALID;
    }
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    sendJsonRpcError(res, 400, -32700, 'Parse error: the body is not JSON.');
    return INVALID;
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sendJsonRpcError(res: ServerResponse, status: number, code: number, message: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}
