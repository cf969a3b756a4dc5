import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  EmptyResultSchema,
  LoggingMessageNotificationSchema,
  type LoggingMessageNotification,
  type McpError,
} from '@modelcontextprotocol/sdk/types.js';
import { pino } from 'pino';
import { silentLogger } from '../../src/core/log.js';
import { serveHttp } from '../../src/mcp/http.js';
import { sessionLogger } from '../../src/mcp/logging.js';
import { ALL_TOOLS } from '../../tools/index.js';
import { connectInProcess, STACK_FRAME, toolErrorOf, type InProcessConnection } from '../helpers/mcp-client.js';
import { openTestVault, tempVaultDir } from '../helpers/vault.js';

/**
 * The `logging` capability through real SDK clients: nothing is sent until the client sets a level; then the
 * server's log lines at or above it arrive as notifications/message, to that session only, redacted, with no
 * stack or error internals; the server's own log (stderr) still gets every line at its own level.
 */

type Message = LoggingMessageNotification['params'];

function collect(client: Client): Message[] {
  const messages: Message[] = [];
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
    messages.push(n.params);
  });
  return messages;
}

/** A file over 2 GiB (sparse: no disk used). Node refuses to read it whole: an unexpected error in a real tool. */
async function plantHugeFile(root: string): Promise<string> {
  const rel = 'Plans/HUGE.md';
  await writeFile(path.join(root, rel), '');
  await truncate(path.join(root, rel), 3 * 1024 ** 3);
  return rel;
}

describe('sessionLogger on a server of its own', () => {
  let client: Client;
  let server: McpServer;
  let messages: Message[];
  let logger: ReturnType<typeof sessionLogger>;
  const baseLines: string[] = [];

  before(async () => {
    server = new McpServer({ name: 'log-test', version: '1.0.0' });
    const base = pino(
      { level: 'info', name: 'ai-employee' },
      new Writable({
        write(chunk: Buffer, _enc, done) {
          baseLines.push(chunk.toString('utf8'));
          done();
        },
      }),
    );
    logger = sessionLogger(server, base);
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    client = new Client({ name: 'log-client', version: '1.0.0' });
    messages = collect(client);
    await client.connect(clientSide);
  });
  after(() => client.close());

  /** A ping answered after the log call: whatever the line sent has arrived by then (one ordered channel). */
  const settle = () => client.ping();

  test('the server declares logging', () => {
    assert.deepEqual(client.getServerCapabilities()?.logging, {});
  });

  test('nothing is sent before the client sets a level', async () => {
    logger.error('before any level');
    await settle();
    assert.deepEqual(messages, []);
    assert.ok(
      baseLines.some((l) => l.includes('before any level')),
      'the server log still has it',
    );
  });

  test('at the level set: lines at or above it arrive, lower ones do not', async () => {
    messages.length = 0;
    assert.deepEqual(await client.setLoggingLevel('warning'), {});
    logger.debug('a debug line');
    logger.info('an info line');
    logger.warn({ folder: 'Needs_Action' }, 'a warning line');
    logger.child({ tool: 'claim_task' }).error('an error line');
    logger.fatal('a fatal line');
    await settle();
    assert.deepEqual(
      messages.map((m) => [m.level, m.logger, (m.data as { message: string }).message]),
      [
        ['warning', 'ai-employee', 'a warning line'],
        ['error', 'claim_task', 'an error line'],
        ['critical', 'ai-employee', 'a fatal line'],
      ],
    );
    assert.equal((messages[0]?.data as { folder?: string }).folder, 'Needs_Action', 'the line keeps its fields');
  });

  test('a lower level later lets more through; the server log keeps its own level', async () => {
    messages.length = 0;
    baseLines.length = 0;
    await client.setLoggingLevel('debug');
    logger.debug('now a debug line');
    await settle();
    assert.deepEqual(
      messages.map((m) => m.level),
      ['debug'],
    );
    assert.deepEqual(baseLines, [], 'the server log is at info: no debug line there');
  });

  test('secrets are redacted and errors reach the client without a stack or a message', async () => {
    messages.length = 0;
    const token = `fake-token-${randomBytes(8).toString('hex')}`;
    const err = new Error(`ENOENT: no such file, open '/srv/secret/path' with ${token}`);
    logger
      .child({ tool: 'sync_vault' })
      .error({ err, token, parameters: { api_key: token, authorization: `Bearer ${token}` } }, 'sync failed');
    await settle();
    assert.equal(messages.length, 1);
    const text = JSON.stringify(messages[0]);
    assert.doesNotMatch(text, new RegExp(token), 'no secret reaches the client');
    assert.doesNotMatch(text, STACK_FRAME, 'no stack frame reaches the client');
    assert.doesNotMatch(text, /\/srv\/secret/, 'no error internals reach the client');
    assert.match(text, /details are in the server log/);
    assert.ok(
      baseLines.some((l) => l.includes('"token":"[redacted]"') && l.includes('"api_key":"[redacted]"')),
      'the server log redacts the same fields',
    );
  });

  test('an unknown level is refused as invalid params', async () => {
    await assert.rejects(
      client.request({ method: 'logging/setLevel', params: { level: 'loud' } }, EmptyResultSchema),
      (e: McpError) => {
        assert.equal(e.code, -32602);
        assert.match(e.message, /"level" must be one of debug, info/);
        return true;
      },
    );
    await assert.rejects(
      client.request({ method: 'logging/setLevel', params: {} }, EmptyResultSchema),
      (e: McpError) => e.code === -32602,
    );
  });
});

describe('log lines of tool runs reach the session that set a level, and only it', () => {
  let root: string;
  let huge: string;
  const conns: InProcessConnection[] = [];
  before(async () => {
    root = await tempVaultDir('log-tools-');
    huge = await plantHugeFile(root);
  });
  after(() => Promise.all(conns.map((c) => c.close())));

  test('an unexpected error in read_task arrives as an error line naming the tool, without internals', async () => {
    const a = await connectInProcess(root, 'cloud');
    const b = await connectInProcess(root, 'cloud');
    const c = await connectInProcess(root, 'cloud');
    conns.push(a, b, c);
    const [ma, mb, mc] = [collect(a.client), collect(b.client), collect(c.client)];
    await a.client.setLoggingLevel('error');
    await c.client.setLoggingLevel('critical');
    for (const conn of [a, b, c]) {
      const error = toolErrorOf(await conn.call('read_task', { path: huge }));
      assert.equal(error.code, 'internal');
      await conn.client.ping();
    }
    assert.equal(ma.length, 1, JSON.stringify(ma));
    assert.equal(ma[0]?.level, 'error');
    assert.equal(ma[0]?.logger, 'read_task');
    assert.doesNotMatch(JSON.stringify(ma[0]), STACK_FRAME);
    assert.doesNotMatch(
      JSON.stringify(ma[0]),
      /2 GiB|ERR_FS_FILE_TOO_LARGE|HUGE/i,
      'the cause stays in the server log',
    );
    assert.deepEqual(mb, [], 'a session that set no level gets nothing');
    assert.deepEqual(mc, [], 'a session at critical gets no error line');
  });

  test('a vault:// read that fails unexpectedly: -32603 to the caller, an error line to the log', async () => {
    const a = await connectInProcess(root, 'cloud');
    conns.push(a);
    const messages = collect(a.client);
    await a.client.setLoggingLevel('debug');
    await assert.rejects(a.client.readResource({ uri: `vault://${huge}` }), (e: McpError) => {
      assert.equal(e.code, -32603);
      assert.match(e.message, /internal: An unexpected error occurred; it was logged/);
      assert.doesNotMatch(e.message, /GiB|ERR_FS/);
      return true;
    });
    await a.client.ping();
    assert.deepEqual(
      messages.map((m) => [m.level, m.logger]),
      [['error', 'vault-resource']],
    );
  });
});

describe('over Streamable HTTP, per session', () => {
  test('the session that set a level gets the line on its stream; the other session gets none', async () => {
    const root = await tempVaultDir('log-http-');
    const huge = await plantHugeFile(root);
    const token = randomBytes(24).toString('hex');
    const vault = await openTestVault(root, 'cloud');
    const server = await serveHttp({ vault, logger: silentLogger() }, ALL_TOOLS, {
      host: '127.0.0.1',
      port: 0,
      token,
      allowedOrigins: [],
    });
    const clients: Client[] = [];
    try {
      const connect = async () => {
        const client = new Client({ name: 'log-http', version: '1.0.0' });
        const messages = collect(client);
        await client.connect(
          new StreamableHTTPClientTransport(new URL(server.url), {
            requestInit: { headers: { Authorization: `Bearer ${token}` } },
          }),
        );
        clients.push(client);
        return { client, messages };
      };
      const a = await connect();
      const b = await connect();
      await a.client.setLoggingLevel('error');
      // Why poll: a line not tied to a request goes on the session's GET stream, which the SDK client opens
      // on its own after initialize; a line logged before it is open is not replayed.
      const deadline = Date.now() + 15_000;
      while (a.messages.length === 0 && Date.now() < deadline) {
        await a.client.callTool({ name: 'read_task', arguments: { path: huge } });
        await b.client.callTool({ name: 'read_task', arguments: { path: huge } });
        await a.client.ping();
      }
      assert.ok(a.messages.length > 0, 'the session that set a level got the line');
      assert.equal(a.messages[0]?.logger, 'read_task');
      assert.deepEqual(b.messages, [], 'the other session got none');
    } finally {
      await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
      await server.close();
    }
  });
});

const cli = path.join(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..'), 'dist/src/cli.js');

test(
  'the built stdio server sends its lines after setLevel, and stdout stays JSON-RPC',
  { skip: !existsSync(cli) && 'run `npm run build` first (npm test does)' },
  async () => {
    const root = await tempVaultDir('log-stdio-');
    const huge = await plantHugeFile(root);
    const client = new Client({ name: 'log-stdio', version: '1.0.0' });
    const messages = collect(client);
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [cli, 'serve', '--vault', root],
        env: { PATH: process.env['PATH'] ?? '', AGENT_ROLE: 'cloud', LOG_LEVEL: 'warn' },
        stderr: 'pipe',
      }),
    );
    try {
      await client.setLoggingLevel('error');
      await client.callTool({ name: 'read_task', arguments: { path: huge } });
      await client.ping();
      assert.deepEqual(
        messages.map((m) => [m.level, m.logger]),
        [['error', 'read_task']],
      );
    } finally {
      await client.close();
    }
  },
);
