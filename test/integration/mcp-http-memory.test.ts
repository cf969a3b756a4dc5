import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LATEST_PROTOCOL_VERSION, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { seedEmailTask, tempVaultDir } from '../helpers/vault.js';

/**
 * Issue 12: 2,000 sessions opened (initialize only, never ended) used to take the server from ~80 MB to 250 MB
 * for good. Here the built server runs in a child process, configured as `serve --http` is (MCP_* variables
 * through loadConfig), with a 2-second idle time, so its memory is its own to measure: /proc/<pid>/smaps_rollup's
 * Pss and Private_* after a forced GC (`--expose-gc` and an IPC hook in the child; RSS alone would count
 * shared library pages). 2,000 abandoned sessions come and go while two live sessions keep working — an SDK
 * client (which also holds a GET stream open) and a raw one that only sends requests — and afterwards the
 * memory must be back within baseline + 25 MB.
 *
 * Why 25 MB: a session costs 30–45 KB (measured: 2,000 held sessions, +65 to +90 MB Pss), so keeping more
 * than about a third of them would fail; what may remain is the allocator's and V8's own reuse reserve and
 * fragmentation, which is not per session. The baseline is taken after a first small wave has expired, so lazily loaded code and
 * JIT output count in both numbers.
 *
 * MCP_HTTP_SOAK_IDLE_SECONDS=60 runs the same with a longer idle time, so that all 2,000 are held at the
 * peak (the numbers in docs/mcp-http.md); it then takes about two minutes.
 */

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DIST = path.join(REPO, 'dist');
const TOKEN = randomBytes(24).toString('hex');
const ABANDONED = 2000;
const BATCH = 25;
const IDLE_SECONDS = Number(process.env['MCP_HTTP_SOAK_IDLE_SECONDS'] ?? 2);
const BOUND_MB = 25;
const HEADERS = {
  'Content-Type': 'application/json',
  Accept: 'application/json, text/event-stream',
  Authorization: `Bearer ${TOKEN}`,
};

/** The child: what serveHttpCommand does (src/cli/serve.ts), plus a hook that forces a GC and reports sessions. */
const CHILD = `
const dist = process.argv[2];
const { loadConfig } = await import(new URL('src/config.js', dist));
const { toolDepsFromConfig } = await import(new URL('src/cli/context.js', dist));
const { serveHttp } = await import(new URL('src/mcp/http.js', dist));
const { ALL_TOOLS } = await import(new URL('tools/index.js', dist));
const config = loadConfig(process.env);
const deps = await toolDepsFromConfig(config, 'mcp-http');
const server = await serveHttp(deps, ALL_TOOLS, {
  host: config.mcp.host,
  port: 0,
  token: config.mcp.authToken,
  allowedOrigins: config.mcp.allowedOrigins,
  sessions: { idleMs: config.mcp.sessionIdleMs, max: config.mcp.maxSessions },
});
process.on('message', (op) => {
  if (op === 'gc') globalThis.gc();
  process.send(server.sessionStats());
});
process.on('disconnect', () => process.exit(0));
process.send({ url: server.url });
`;

interface Memory {
  rssMb: number;
  pssMb: number;
  privateMb: number;
}

let work: string;
let vault: string;
let child: ChildProcess;
let stderr = '';

before(async () => {
  assert.ok(existsSync(path.join(DIST, 'src', 'mcp', 'http.js')), 'dist/ exists (npm test builds first)');
  work = await mkdtemp(path.join(os.tmpdir(), 'mcp-http-memory-'));
  vault = await tempVaultDir('mcp-http-memory-vault-');
  await seedEmailTask(vault, 1);
  await writeFile(path.join(work, 'child.mjs'), CHILD);
});

after(async () => {
  child?.kill('SIGKILL');
  await rm(work, { recursive: true, force: true });
  await rm(vault, { recursive: true, force: true });
  await rm(`${vault}.state`, { recursive: true, force: true });
});

test(`2,000 abandoned sessions expire and the memory returns near its baseline; live sessions are served throughout`, async (t) => {
  child = fork(path.join(work, 'child.mjs'), [pathToFileURL(DIST).href + '/'], {
    execArgv: ['--expose-gc'],
    env: {
      PATH: process.env['PATH'],
      HOME: work,
      AGENT_ROLE: 'cloud',
      VAULT_PATH: vault,
      AI_EMPLOYEE_STATE_DIR: path.join(work, 'state'),
      MCP_AUTH_TOKEN: TOKEN,
      MCP_SESSION_IDLE_MINUTES: String(IDLE_SECONDS / 60),
      MCP_MAX_SESSIONS: '5000',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const ipc = ipcOf(child);
  const { url } = (await ipc.next()) as { url: string };
  const pid = child.pid!;

  // The two live sessions. The SDK client holds a GET stream; the raw one keeps itself alive by requests only.
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } },
  });
  const client = new Client({ name: 'live-sdk', version: '1.0.0' });
  await client.connect(transport);
  const raw = await initialize(url);
  await post(url, { jsonrpc: '2.0', method: 'notifications/initialized' }, raw);
  let liveCalls = 0;
  async function live(): Promise<void> {
    const list = await post(url, { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }, raw);
    assert.equal(list.status, 200, `the raw live session answered ${list.status} after ${liveCalls} calls`);
    const status = (await client.callTool({ name: 'vault_status', arguments: {} })) as CallToolResult;
    assert.equal(status.isError, undefined, JSON.stringify(status.content));
    liveCalls += 1;
  }

  // Baseline: after a first wave has come and gone.
  await openAbandoned(url, 100, live);
  await untilIdle(ipc, live);
  const baseline = await settledMemory(ipc, pid);

  const started = Date.now();
  const abandoned = await openAbandoned(url, ABANDONED, live);
  const openedMs = Date.now() - started;
  const peakSessions = ((await ipc.ask('gc')) as Stats).sessions;
  const peak = readMemory(pid);

  await untilIdle(ipc, live);
  let afterExpiry = await settledMemory(ipc, pid);
  // Why poll: V8 and the allocator hand freed pages back to the kernel a little after the GC, not in it.
  const deadline = Date.now() + 60_000;
  while (!within(afterExpiry, baseline) && Date.now() < deadline) {
    await live();
    await new Promise((resolve) => setTimeout(resolve, 250));
    afterExpiry = await settledMemory(ipc, pid);
  }

  const table = [
    ['', 'Rss MB', 'Pss MB', 'Private MB', 'sessions'],
    ['baseline', baseline.rssMb, baseline.pssMb, baseline.privateMb, 2],
    [`after ${ABANDONED}`, peak.rssMb, peak.pssMb, peak.privateMb, peakSessions],
    ['after expiry', afterExpiry.rssMb, afterExpiry.pssMb, afterExpiry.privateMb, 2],
  ];
  t.diagnostic(`idle ${IDLE_SECONDS} s; ${ABANDONED} sessions opened in ${openedMs} ms; live calls ${liveCalls}`);
  for (const row of table) t.diagnostic(row.join(' | '));

  assert.equal(((await ipc.ask('stats')) as Stats).sessions, 2, 'only the two live sessions remain');
  assert.ok(
    afterExpiry.pssMb <= baseline.pssMb + BOUND_MB,
    `Pss ${afterExpiry.pssMb} MB after expiry, baseline ${baseline.pssMb} MB (+${BOUND_MB} allowed)`,
  );
  assert.ok(
    afterExpiry.privateMb <= baseline.privateMb + BOUND_MB,
    `private ${afterExpiry.privateMb} MB after expiry, baseline ${baseline.privateMb} MB (+${BOUND_MB} allowed)`,
  );
  for (const id of [abandoned[0]!, abandoned[ABANDONED / 2]!, abandoned.at(-1)!]) {
    const stale = await post(url, { jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} }, id);
    assert.equal(stale.status, 404);
    assert.match(stale.text, /Session not found: .*initialize again/);
  }
  await live();
  await client.close();
  assert.equal(stderr, '', 'the server logged no warnings or errors');
});

interface Stats {
  sessions: number;
  busy: number;
}

function within(now: Memory, baseline: Memory): boolean {
  return now.pssMb <= baseline.pssMb + BOUND_MB && now.privateMb <= baseline.privateMb + BOUND_MB;
}

/** Opens `count` sessions that are never used again, a batch at a time; the live sessions call between batches. */
async function openAbandoned(url: string, count: number, live: () => Promise<void>): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += BATCH) {
    ids.push(...(await Promise.all(Array.from({ length: Math.min(BATCH, count - i) }, () => initialize(url)))));
    await live();
  }
  return ids;
}

/** Waits (with a deadline) until only the two live sessions are left, the live ones calling meanwhile. */
async function untilIdle(ipc: Ipc, live: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + (IDLE_SECONDS + 60) * 1000;
  for (;;) {
    const { sessions } = (await ipc.ask('stats')) as Stats;
    if (sessions === 2) return;
    if (Date.now() > deadline) assert.fail(`${sessions} sessions still held ${IDLE_SECONDS + 60} s on (${stderr})`);
    await live();
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function settledMemory(ipc: Ipc, pid: number): Promise<Memory> {
  await ipc.ask('gc');
  await ipc.ask('gc');
  return readMemory(pid);
}

async function initialize(url: string): Promise<string> {
  const res = await fetch(url, {
    method: 'POST',
    headers: HEADERS,
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: {
        protocolVersion: LATEST_PROTOCOL_VERSION,
        capabilities: {},
        clientInfo: { name: 'abandoned', version: '1.0.0' },
      },
    }),
  });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  const id = res.headers.get('mcp-session-id');
  assert.ok(id);
  return id;
}

async function post(url: string, body: unknown, sessionId: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { ...HEADERS, 'Mcp-Session-Id': sessionId, 'Mcp-Protocol-Version': LATEST_PROTOCOL_VERSION },
    body: JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

/** Pss shares each shared page among the processes mapping it; Private_* is this process's alone. */
function readMemory(pid: number): Memory {
  const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  const mb = (n: number) => Math.round((n / 1024) * 10) / 10;
  return {
    rssMb: mb(kb('Rss')),
    pssMb: mb(kb('Pss')),
    privateMb: mb(kb('Private_Clean') + kb('Private_Dirty')),
  };
}

interface Ipc {
  next(): Promise<unknown>;
  ask(op: 'gc' | 'stats'): Promise<unknown>;
}

/** One request at a time over the child's IPC channel; a child that exits fails the waiting call with its stderr. */
function ipcOf(proc: ChildProcess): Ipc {
  const queue: unknown[] = [];
  const waiting: { resolve(v: unknown): void; reject(e: Error): void }[] = [];
  proc.on('message', (m) => {
    const w = waiting.shift();
    if (w) w.resolve(m);
    else queue.push(m);
  });
  proc.on('exit', (code, signal) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`the server exited (${code ?? signal}): ${stderr}`));
  });
  const next = () =>
    new Promise<unknown>((resolve, reject) => {
      if (queue.length > 0) resolve(queue.shift());
      else waiting.push({ resolve, reject });
    });
  return {
    next,
    ask(op) {
      proc.send(op);
      return next();
    },
  };
}
