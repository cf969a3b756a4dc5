import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { silentLogger } from '../../src/core/log.js';
import { serveHttp, type RunningHttpServer } from '../../src/mcp/http.js';
import { ALL_TOOLS } from '../../tools/index.js';
import { STACK_FRAME } from '../helpers/mcp-client.js';
import { openTestVault, seedEmailTask, tempVaultDir } from '../helpers/vault.js';

/**
 * The real Streamable HTTP server on 127.0.0.1, an ephemeral port and a test token; the SDK's own HTTP
 * client for the protocol, and raw requests for the guards in front of it.
 */

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const TOKEN = randomBytes(24).toString('hex');
const ALLOWED_ORIGIN = 'http://localhost:6274';

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: LATEST_PROTOCOL_VERSION,
    capabilities: {},
    clientInfo: { name: 'raw-test', version: '1.0.0' },
  },
};
const TOOLS_LIST = { jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} };
const MCP_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };

describe('MCP over Streamable HTTP', () => {
  let root: string;
  let server: RunningHttpServer;
  const clients: Client[] = [];

  before(async () => {
    root = await tempVaultDir('mcp-http-');
    await seedEmailTask(root, 1);
    await seedEmailTask(root, 2);
    const vault = await openTestVault(root, 'cloud');
    server = await serveHttp({ vault, logger: silentLogger() }, ALL_TOOLS, {
      host: '127.0.0.1',
      port: 0,
      token: TOKEN,
      allowedOrigins: [ALLOWED_ORIGIN],
    });
  });

  after(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  async function connect(): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
    const transport = new StreamableHTTPClientTransport(new URL(server.url), {
      requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } },
    });
    const client = new Client({ name: 'http-test', version: '1.0.0' });
    await client.connect(transport);
    clients.push(client);
    return { client, transport };
  }

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(server.url, {
      method: 'POST',
      headers: { ...MCP_HEADERS, Authorization: `Bearer ${TOKEN}`, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  async function jsonError(res: Response): Promise<{ code: number; message: string }> {
    const text = await res.text();
    assert.doesNotMatch(text, STACK_FRAME);
    return (JSON.parse(text) as { error: { code: number; message: string } }).error;
  }

  test('binds to loopback on an ephemeral port', () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    assert.ok(server.port > 0);
  });

  test('initialize, list tools, claim a task and write a draft through the SDK client', async () => {
    const { client, transport } = await connect();
    assert.ok(transport.sessionId, 'the server gave a session id');
    assert.equal(client.getServerVersion()?.name, 'ai-employee');
    const names = (await client.listTools()).tools.map((t) => t.name);
    for (const name of ['list_tasks', 'claim_task', 'write_draft', 'request_approval']) assert.ok(names.includes(name));

    const claimed = (await client.callTool({
      name: 'claim_task',
      arguments: { path: 'Needs_Action/EMAIL_1.md' },
    })) as CallToolResult;
    assert.equal(claimed.isError, undefined, JSON.stringify(claimed.content));
    assert.equal((claimed.structuredContent as { path: string }).path, 'In_Progress/cloud/EMAIL_1.md');

    const draft = (await client.callTool({
      name: 'write_draft',
      arguments: { task: 'In_Progress/cloud/EMAIL_1.md', body: 'Thanks, we will reply tomorrow.' },
    })) as CallToolResult;
    assert.equal(draft.isError, undefined, JSON.stringify(draft.content));
    assert.equal((draft.structuredContent as { path: string }).path, 'Needs_Action/cloud/DRAFT_EMAIL_1.md');

    const resource = await client.readResource({ uri: 'vault://Needs_Action/cloud/DRAFT_EMAIL_1.md' });
    assert.match((resource.contents[0] as { text: string }).text, /reply tomorrow/);

    const refused = (await client.callTool({
      name: 'read_task',
      arguments: { path: '../etc/passwd' },
    })) as CallToolResult;
    assert.equal(refused.isError, true);
    assert.match((refused.content[0] as { text: string }).text, /invalid_input/);
  });

  test('two clients at once get separate sessions, and both work', async () => {
    const [a, b] = await Promise.all([connect(), connect()]);
    assert.ok(a.transport.sessionId && b.transport.sessionId);
    assert.notEqual(a.transport.sessionId, b.transport.sessionId);
    const [ra, rb] = await Promise.all([
      a.client.callTool({ name: 'claim_task', arguments: { path: 'Needs_Action/EMAIL_2.md' } }),
      b.client.callTool({ name: 'claim_task', arguments: { path: 'Needs_Action/EMAIL_2.md' } }),
    ]);
    const results = [ra, rb] as CallToolResult[];
    assert.equal(results.filter((r) => !r.isError).length, 1, 'exactly one of the two claims wins');
    assert.match((results.find((r) => r.isError)?.content[0] as { text: string }).text, /already claimed/);

    // Ending one session leaves the other usable, and its id is then unknown to the server.
    const endedId = a.transport.sessionId;
    await a.transport.terminateSession();
    await a.client.close();
    assert.equal((await b.client.callTool({ name: 'vault_status', arguments: {} })).isError, undefined);
    const res = await post(TOOLS_LIST, { 'Mcp-Session-Id': endedId, 'Mcp-Protocol-Version': LATEST_PROTOCOL_VERSION });
    assert.equal(res.status, 404);
  });

  test('no token: 401 with WWW-Authenticate', async () => {
    const res = await fetch(server.url, { method: 'POST', headers: MCP_HEADERS, body: JSON.stringify(INITIALIZE) });
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
    assert.match((await jsonError(res)).message, /Unauthorized/);
  });

  test('wrong, malformed or differently long tokens: 401', async () => {
    for (const authorization of [
      `Bearer ${TOKEN.slice(0, -1)}x`,
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(1)}`,
      `Basic ${Buffer.from(`user:${TOKEN}`).toString('base64')}`,
      TOKEN,
      'Bearer ',
    ]) {
      const res = await post(INITIALIZE, { Authorization: authorization });
      assert.equal(res.status, 401, authorization);
      assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
      await res.body?.cancel();
    }
  });

  test('a token is needed on every request of a session, not only the first', async () => {
    const init = await post(INITIALIZE);
    assert.equal(init.status, 200);
    const sessionId = init.headers.get('mcp-session-id');
    assert.ok(sessionId);
    await init.body?.cancel();
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { ...MCP_HEADERS, 'Mcp-Session-Id': sessionId, 'Mcp-Protocol-Version': LATEST_PROTOCOL_VERSION },
      body: JSON.stringify(TOOLS_LIST),
    });
    assert.equal(res.status, 401);
    await res.body?.cancel();
  });

  test('a foreign Origin: 403, even with the right token', async () => {
    for (const origin of ['https://evil.example', 'null', `${ALLOWED_ORIGIN}.evil.example`, 'http://localhost:1']) {
      const res = await post(INITIALIZE, { Origin: origin });
      assert.equal(res.status, 403, origin);
      assert.match((await jsonError(res)).message, /Origin/);
    }
  });

  test('an allowed Origin passes', async () => {
    const res = await post(INITIALIZE, { Origin: ALLOWED_ORIGIN });
    assert.equal(res.status, 200);
    assert.ok(res.headers.get('mcp-session-id'));
    await res.body?.cancel();
  });

  test('a request that is not initialize, without Mcp-Session-Id: 400', async () => {
    const res = await post(TOOLS_LIST);
    assert.equal(res.status, 400);
    assert.match((await jsonError(res)).message, /Mcp-Session-Id/);
  });

  test('GET and DELETE without Mcp-Session-Id: 400', async () => {
    for (const method of ['GET', 'DELETE']) {
      const res = await fetch(server.url, { method, headers: { ...MCP_HEADERS, Authorization: `Bearer ${TOKEN}` } });
      assert.equal(res.status, 400, method);
      await res.body?.cancel();
    }
  });

  test('a body over 4 MiB: 413', async () => {
    const res = await post(JSON.stringify({ ...INITIALIZE, padding: 'x'.repeat(4 * 1024 * 1024) }));
    assert.equal(res.status, 413);
    await res.body?.cancel();
  });

  test('an unknown session id: 404', async () => {
    const res = await post(TOOLS_LIST, {
      'Mcp-Session-Id': '00000000-0000-4000-8000-000000000000',
      'Mcp-Protocol-Version': LATEST_PROTOCOL_VERSION,
    });
    assert.equal(res.status, 404);
    assert.match((await jsonError(res)).message, /Session not found/);
  });

  test('a wrong path: 404', async () => {
    for (const p of ['/', '/mcp/', '/MCP', '/mcp/../admin', '/sse']) {
      const res = await fetch(new URL(p, server.url), {
        method: 'POST',
        headers: { ...MCP_HEADERS, Authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify(INITIALIZE),
      });
      assert.equal(res.status, 404, p);
      await res.body?.cancel();
    }
  });

  test('a body that is not JSON: 400', async () => {
    const res = await post('{"jsonrpc": "2.0", "method": ');
    assert.equal(res.status, 400);
    assert.match((await jsonError(res)).message, /not JSON/);
  });

  test('a Host header that is not loopback: 403 (DNS rebinding)', async () => {
    for (const host of [`evil.example:${server.port}`, 'evil.example', `127.0.0.1.evil.example:${server.port}`]) {
      const { status, body } = await rawPost(server.port, host, JSON.stringify(INITIALIZE));
      assert.equal(status, 403, host);
      assert.match(body, /Host/);
    }
    const ok = await rawPost(server.port, `localhost:${server.port}`, JSON.stringify(INITIALIZE));
    assert.equal(ok.status, 200, 'localhost:<port> is a loopback name');
  });
});

/** A POST with a Host header of our choosing (fetch does not let one set Host). */
function rawPost(port: number, host: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/mcp',
        method: 'POST',
        headers: { ...MCP_HEADERS, Host: host, Authorization: `Bearer ${TOKEN}` },
        timeout: 5_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

describe('the CLI refuses to serve HTTP without a token', () => {
  test('serve --http without MCP_AUTH_TOKEN exits 1 with one line on stderr and no stack trace', async () => {
    const cli = path.join(REPO, 'dist', 'src', 'cli.js');
    assert.ok(existsSync(cli), 'dist/src/cli.js exists (npm test builds first; else run npm run -s build)');
    const vault = await mkdtemp(path.join(os.tmpdir(), 'mcp-http-cli-'));
    const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], HOME: os.tmpdir(), AGENT_ROLE: 'cloud' };
    try {
      const { code, stdout, stderr } = await runCli(cli, ['serve', '--http', '--vault', vault, '--port', '0'], env);
      assert.equal(code, 1);
      assert.equal(stdout, '');
      const lines = stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, stderr);
      assert.match(lines[0] ?? '', /MCP_AUTH_TOKEN is not set/);
      assert.doesNotMatch(stderr, STACK_FRAME);
    } finally {
      await rm(vault, { recursive: true, force: true });
    }
  });
});

function runCli(
  cli: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    // Why a timer: a CLI that wrongly starts serving would never exit; fail instead of hanging the suite.
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
