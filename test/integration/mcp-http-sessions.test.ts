import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { after, afterEach, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/core/log.js';
import type { Vault } from '../../src/core/vault/vault.js';
import { serveHttp, type HttpServeOptions, type RunningHttpServer } from '../../src/mcp/http.js';
import type { SessionClock } from '../../src/mcp/http-sessions.js';
import { ALL_TOOLS } from '../../tools/index.js';
import { STACK_FRAME } from '../helpers/mcp-client.js';
import { openTestVault, tempVaultDir } from '../helpers/vault.js';

/**
 * Bounded HTTP sessions (issue 12) on the real Streamable HTTP server, in process: idle expiry through a
 * fake clock whose sweep the test runs by hand (no sleeping), the session cap with 503 + Retry-After, and
 * what counts as activity. The memory effect is shown against a child process in mcp-http-memory.test.ts.
 */

const TOKEN = randomBytes(24).toString('hex');
const MINUTE = 60_000;
const IDLE = 30 * MINUTE;
const MCP_HEADERS = {
  'Content-Type': 'application/json',
  Accept: 'application/json, text/event-stream',
  Authorization: `Bearer ${TOKEN}`,
};
const SESSION_NOT_FOUND = /^Session not found: .*initialize again\.$/;

interface FakeClock extends SessionClock {
  advance(ms: number): void;
  /** Runs the server's periodic sweep, as its timer would. */
  tick(): void;
}

function fakeClock(): FakeClock {
  let now = Date.UTC(2026, 0, 5, 9);
  const timers = new Set<() => void>();
  return {
    now: () => now,
    every(_ms, fn) {
      timers.add(fn);
      return () => timers.delete(fn);
    },
    advance(ms) {
      now += ms;
    },
    tick() {
      for (const fn of timers) fn();
    },
  };
}

/** Polls a condition with a deadline: used only to let a response's `close` reach the server. */
async function until(what: string, condition: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('HTTP sessions end when idle and are capped in number', () => {
  let root: string;
  let vault: Vault;
  let server: RunningHttpServer | undefined;
  let clock: FakeClock;
  const clients: Client[] = [];

  before(async () => {
    root = await tempVaultDir('mcp-http-sessions-');
    vault = await openTestVault(root, 'cloud');
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
    await server?.close();
    server = undefined;
  });

  after(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(`${root}.state`, { recursive: true, force: true });
  });

  async function start(sessions: HttpServeOptions['sessions'] = {}): Promise<RunningHttpServer> {
    clock = fakeClock();
    server = await serveHttp({ vault, logger: silentLogger() }, ALL_TOOLS, {
      host: '127.0.0.1',
      port: 0,
      token: TOKEN,
      allowedOrigins: [],
      sessions,
      clock,
    });
    return server;
  }

  /** Every request's response has closed on the server, so the idle clocks start from "now". */
  const settled = () => until('no request in flight', () => server?.sessionStats().busy === 0);

  let nextId = 1;
  async function initialize(): Promise<Response> {
    return fetch(server!.url, {
      method: 'POST',
      headers: MCP_HEADERS,
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: nextId++,
        method: 'initialize',
        params: {
          protocolVersion: LATEST_PROTOCOL_VERSION,
          capabilities: {},
          clientInfo: { name: 'sessions-test', version: '1.0.0' },
        },
      }),
    });
  }

  async function open(): Promise<string> {
    const res = await initialize();
    assert.equal(res.status, 200, await res.clone().text());
    await res.body?.cancel();
    const id = res.headers.get('mcp-session-id');
    assert.ok(id, 'the server gave a session id');
    return id;
  }

  function inSession(id: string, init: RequestInit & { method: string }): Promise<Response> {
    return fetch(server!.url, {
      ...init,
      headers: { ...MCP_HEADERS, 'Mcp-Session-Id': id, 'Mcp-Protocol-Version': LATEST_PROTOCOL_VERSION },
    });
  }

  /** tools/list in a session: the HTTP status, and the tool count when it answered. */
  async function listTools(id: string): Promise<{ status: number; tools?: number; error?: string }> {
    const res = await inSession(id, {
      method: 'POST',
      body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method: 'tools/list', params: {} }),
    });
    const text = await res.text();
    assert.doesNotMatch(text, STACK_FRAME);
    if (res.status !== 200) return { status: res.status, error: (JSON.parse(text) as JsonRpcError).error.message };
    const data = text.split('\n').find((line) => line.startsWith('data: '));
    const message = JSON.parse(data ? data.slice(6) : text) as { result: { tools: unknown[] } };
    return { status: res.status, tools: message.result.tools.length };
  }

  test('an idle session ends on the sweep; its id then answers 404 "initialize again"', async () => {
    await start();
    const id = await open();
    await settled();
    clock.advance(IDLE - 1);
    clock.tick();
    assert.equal(server!.sessionStats().sessions, 1, 'one millisecond short of the idle time it stays');
    clock.advance(1);
    clock.tick();
    assert.equal(server!.sessionStats().sessions, 0, 'the sweep ended it without any request arriving');
    const stale = await listTools(id);
    assert.equal(stale.status, 404);
    assert.match(stale.error ?? '', SESSION_NOT_FOUND);
  });

  test('a session idle past its time is refused even before the sweep runs', async () => {
    await start();
    const id = await open();
    await settled();
    clock.advance(IDLE);
    const stale = await listTools(id);
    assert.equal(stale.status, 404);
    assert.match(stale.error ?? '', SESSION_NOT_FOUND);
    assert.equal(server!.sessionStats().sessions, 0);
  });

  test('each request restarts the idle clock', async () => {
    await start();
    const id = await open();
    await settled();
    for (let i = 0; i < 4; i++) {
      clock.advance(IDLE - MINUTE);
      clock.tick();
      assert.ok((await listTools(id)).tools! > 0, `call ${i + 1}, ${((i + 1) * (IDLE - MINUTE)) / MINUTE} min in`);
      await settled();
    }
  });

  test('an open GET stream keeps its session however long it stays open; the idle time counts from its close', async () => {
    await start();
    const id = await open();
    await settled();
    const stream = new AbortController();
    const res = await inSession(id, {
      method: 'GET',
      headers: { Accept: 'text/event-stream' },
      signal: stream.signal,
    });
    assert.equal(res.status, 200);
    assert.equal(server!.sessionStats().busy, 1, 'the open stream counts as activity');
    clock.advance(10 * IDLE);
    clock.tick();
    assert.equal(server!.sessionStats().sessions, 1, 'not expired under an open stream');
    assert.ok((await listTools(id)).tools! > 0);

    stream.abort();
    await settled();
    clock.advance(IDLE - 1);
    clock.tick();
    assert.equal(server!.sessionStats().sessions, 1, 'idle time counts from the stream closing');
    clock.advance(1);
    clock.tick();
    assert.equal(server!.sessionStats().sessions, 0);
  });

  test('the 65th session gets 503 with Retry-After and a JSON-RPC error; existing sessions are still served', async () => {
    await start(); // the default cap, 64
    const ids: string[] = [];
    for (let i = 0; i < 64; i++) {
      ids.push(await open());
      await settled();
      clock.advance(1000); // distinct ages: ids[0] is the oldest
    }
    clock.advance(10 * MINUTE - 64_000); // the oldest has been idle 10 minutes

    const refused = await initialize();
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get('retry-after'), String(20 * 60), 'seconds until the oldest idle session expires');
    assert.equal(refused.headers.get('mcp-session-id'), null);
    const body = (await refused.json()) as JsonRpcError;
    assert.equal(body.jsonrpc, '2.0');
    assert.equal(body.id, nextId - 1, 'answers the initialize request by its id');
    assert.equal(body.error.code, -32000);
    assert.match(body.error.message, /Too many sessions.*64.*DELETE.*Mcp-Session-Id.*1200 s/);
    assert.doesNotMatch(body.error.message, STACK_FRAME);

    assert.ok((await listTools(ids[0]!)).tools! > 0, 'the oldest session is still served');
    assert.ok((await listTools(ids[63]!)).tools! > 0, 'the newest session is still served');
    assert.equal(server!.sessionStats().sessions, 64);
  });

  test('after a session is DELETEd a new one is accepted, and the cap holds again', async () => {
    await start({ max: 3 });
    const ids = [await open(), await open(), await open()];
    assert.equal((await initialize()).status, 503);

    const ended = await inSession(ids[1]!, { method: 'DELETE' });
    assert.equal(ended.status, 200);
    await ended.body?.cancel();
    assert.equal(server!.sessionStats().sessions, 2);
    assert.equal((await listTools(ids[1]!)).status, 404, 'the ended session is gone');

    const fresh = await open();
    assert.ok((await listTools(fresh)).tools! > 0);
    assert.equal((await initialize()).status, 503, 'three again: the next is refused');
  });

  test('after a session expires a new one is accepted without waiting for the sweep', async () => {
    await start({ max: 2 });
    const older = await open();
    await settled();
    clock.advance(5 * MINUTE);
    const newer = await open();
    await settled();
    clock.advance(IDLE - 5 * MINUTE - 1000);
    const refused = await initialize();
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get('retry-after'), '1', 'one second left for the oldest');
    await refused.body?.cancel();

    clock.advance(1000);
    const fresh = await open(); // no tick: the expired session is ended when room is asked for
    assert.equal((await listTools(older)).status, 404);
    assert.ok((await listTools(newer)).tools! > 0);
    assert.ok((await listTools(fresh)).tools! > 0);
  });

  test('Retry-After is a whole idle time when every session holds an open stream', async () => {
    await start({ max: 1, idleMs: 90_500 });
    const id = await open();
    await settled();
    const stream = new AbortController();
    const res = await inSession(id, { method: 'GET', headers: { Accept: 'text/event-stream' }, signal: stream.signal });
    assert.equal(res.status, 200);
    const refused = await initialize();
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get('retry-after'), '91', 'rounded up, never 0');
    await refused.body?.cancel();
    stream.abort();
  });

  test('concurrent initializes cannot overshoot the cap', async () => {
    await start({ max: 5 });
    for (let i = 0; i < 3; i++) await open();
    const results = await Promise.all(Array.from({ length: 6 }, () => initialize()));
    await Promise.all(results.map((r) => r.body?.cancel()));
    assert.deepEqual(
      results.map((r) => r.status).sort(),
      [200, 200, 503, 503, 503, 503],
      'two slots were left, so two of six are accepted',
    );
    assert.equal(server!.sessionStats().sessions, 5);
  });

  test('an SDK client that is refused sees the 503 and the advice; after a DELETE it connects', async () => {
    await start({ max: 1 });
    const first = await connectClient();
    const second = new Client({ name: 'second', version: '1.0.0' });
    await assert.rejects(
      second.connect(transportFor()),
      (err: Error & { code?: number }) => err.code === 503 && /Too many sessions.*DELETE/.test(err.message),
    );
    await first.transport.terminateSession();
    const third = await connectClient();
    assert.ok((await third.client.listTools()).tools.length > 0);
  });

  test('closing the server ends every session', async () => {
    const running = await start();
    await open();
    await open();
    assert.equal(running.sessionStats().sessions, 2);
    await running.close();
    server = undefined;
    assert.equal(running.sessionStats().sessions, 0);
  });

  function transportFor(): StreamableHTTPClientTransport {
    return new StreamableHTTPClientTransport(new URL(server!.url), {
      requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } },
    });
  }

  async function connectClient(): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
    const transport = transportFor();
    const client = new Client({ name: 'sessions-test', version: '1.0.0' });
    await client.connect(transport);
    clients.push(client);
    return { client, transport };
  }
});

interface JsonRpcError {
  jsonrpc: string;
  id: number | string | null;
  error: { code: number; message: string };
}

describe('session settings from the environment', () => {
  test('MCP_SESSION_IDLE_MINUTES and MCP_MAX_SESSIONS default to 30 and 64', () => {
    const config = loadConfig({});
    assert.equal(config.mcp.sessionIdleMs, 30 * MINUTE);
    assert.equal(config.mcp.maxSessions, 64);
  });

  test('they are read, and a fraction of a minute is allowed', () => {
    const config = loadConfig({ MCP_SESSION_IDLE_MINUTES: '0.5', MCP_MAX_SESSIONS: '200' });
    assert.equal(config.mcp.sessionIdleMs, 30_000);
    assert.equal(config.mcp.maxSessions, 200);
  });

  test('a bad value stops the start and names the variable', () => {
    for (const env of [
      { MCP_SESSION_IDLE_MINUTES: '0' },
      { MCP_SESSION_IDLE_MINUTES: 'soon' },
      { MCP_MAX_SESSIONS: '0' },
      { MCP_MAX_SESSIONS: '1.5' },
    ]) {
      const name = Object.keys(env)[0]!;
      assert.throws(() => loadConfig(env), new RegExp(`Environment variable ${name} is invalid`), JSON.stringify(env));
    }
  });
});
