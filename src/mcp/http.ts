import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { AnyTool, ToolDeps } from '../../tools/index.js';
import { bearerMatches, loopbackHosts, originAllowed } from './http-guards.js';
import {
  DEFAULT_SESSION_LIMITS,
  SessionTable,
  systemClock,
  type SessionClock,
  type SessionLimits,
} from './http-sessions.js';
import { buildMcpServer } from './server.js';

export interface HttpServeOptions {
  host: string;
  port: number;
  token: string;
  allowedOrigins: readonly string[];
  /** Idle expiry and the session cap; defaults 30 min and 64 (MCP_SESSION_IDLE_MINUTES, MCP_MAX_SESSIONS). */
  sessions?: Partial<SessionLimits>;
  /** Tests pass a fake clock to expire sessions without waiting. */
  clock?: SessionClock;
}

export interface RunningHttpServer {
  url: string;
  port: number;
  /** Sessions held right now, and how many are busy (a request in flight or a stream open): for tests and status. */
  sessionStats(): { sessions: number; busy: number };
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * Streamable HTTP on one endpoint, `/mcp`. A new McpServer and transport per session; sessions are looked
 * up by `Mcp-Session-Id` (missing → 400, unknown or expired → 404), end when idle and are capped in number
 * (over the cap: 503 with Retry-After; docs/mcp-http.md). Binds 127.0.0.1 unless told otherwise.
 */
export async function serveHttp(
  deps: ToolDeps,
  tools: readonly AnyTool[],
  options: HttpServeOptions,
): Promise<RunningHttpServer> {
  const log = deps.logger.child({ component: 'mcp-http' });
  const sessions = new SessionTable(
    { ...DEFAULT_SESSION_LIMITS, ...options.sessions },
    options.clock ?? systemClock,
    (err, sessionId) => log.warn({ err, sessionId }, 'closing a session failed'),
  );
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
      return startSession(req, res, body);
    }
    const session = sessions.get(sessionId);
    if (!session)
      return sendJsonRpcError(
        res,
        404,
        -32001,
        'Session not found: it ended (closed by the client, or idle too long) or the server restarted; initialize again.',
      );
    res.once('close', sessions.begin(session));
    await session.transport.handleRequest(req, res, body);
  }

  async function startSession(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    const admission = sessions.admit();
    if (!admission.ok) {
      log.warn({ sessions: sessions.size }, 'session limit reached; initialize refused');
      res.setHeader('Retry-After', String(admission.retryAfterSeconds));
      return sendJsonRpcError(
        res,
        503,
        -32000,
        `Too many sessions: this server holds its limit of ${sessions.limits.max} (MCP_MAX_SESSIONS). End sessions you no longer use (HTTP DELETE with their Mcp-Session-Id), or initialize again after ${admission.retryAfterSeconds} s, when the oldest idle session expires.`,
        requestId(body),
      );
    }
    // Why our own id, registered before any await: the slot is taken at once, so concurrent initializes
    // cannot all pass the cap check.
    const id = randomUUID();
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => id,
      onsessionclosed: () => sessions.forget(id, transport),
    });
    transport.onclose = () => sessions.forget(id, transport);
    const server = buildMcpServer(deps, tools);
    const session = sessions.add(id, transport, server);
    res.once('close', sessions.begin(session));
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res, body);
    } finally {
      // An initialize the SDK refused leaves no session behind.
      if (transport.sessionId !== id) {
        sessions.forget(id, transport);
        await server.close().catch(() => undefined);
      }
    }
  }

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host, () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  if (['127.0.0.1', 'localhost', '::1'].includes(options.host)) allowedHosts = loopbackHosts(port);
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  sessions.start();
  return {
    url: `http://${hostForUrl}:${port}/mcp`,
    port,
    sessionStats: () => sessions.stats(),
    async close() {
      await sessions.closeAll();
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

/** The JSON-RPC id of a request, so a refusal answers the request the client is waiting on. */
function requestId(body: unknown): string | number | null {
  const id = (body as { id?: unknown }).id;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sendJsonRpcError(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  id: string | number | null = null,
): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id }));
}
