import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { silentLogger } from '../../src/core/log.js';
import { createOdooClient } from '../../src/core/odoo/index.js';
import type { OdooClient, OdooProtocol } from '../../src/core/odoo/types.js';
import { loadPolicy } from '../../src/core/policy/policy.js';
import { initVault } from '../../src/core/vault/init.js';
import { Vault } from '../../src/core/vault/vault.js';
import { buildMcpServer } from '../../src/mcp/server.js';
import { startOdooStandin, type RunningOdooStandin } from '../../src/sandbox/odoo/index.js';
import { ALL_TOOLS } from '../../tools/index.js';

/**
 * The three ways the bench makes a draft invoice, each against its own fresh stand-in:
 * - `direct`: the Odoo client in this process — findOrCreatePartner + createDraftInvoice;
 * - `mcp`: a real MCP Client joined in process (InMemoryTransport) to the cloud server's
 *   `odoo_create_draft_invoice`, which also writes the approval request and audit lines;
 * - `mcp-stdio`: the same tool through the built CLI (`node dist/src/cli.js serve`) over stdio.
 */
export type OdooPathName = 'direct' | 'mcp' | 'mcp-stdio';

export interface OdooRawRun {
  path: OdooPathName;
  transport: OdooProtocol;
  count: number;
  latenciesMs: number[];
  wallMs: number;
  /** Requests that reached the stand-in during the measured invoices, per invoice. */
  odooCallsPerInvoice: number;
  verified: boolean;
  problems: string[];
}

export const repoRoot = path.resolve(import.meta.dirname, '..', '..');
export const cliPath = path.join(repoRoot, 'dist/src/cli.js');

const LINES = (i: number) => [{ name: `Consulting, day ${i}`, quantity: 3, price_unit: 100 }];
const PARTNER = { name: 'Acme GmbH', email: 'billing@acme.example' };

/** Distinct requests: the MCP tool keys each by a hash of its content, the direct path by `origin`. */
export function invoiceRequest(i: number) {
  return { partner: PARTNER, lines: LINES(i), currency: 'EUR', ref: `BENCH-${i}` };
}

function clientFor(s: RunningOdooStandin, protocol: OdooProtocol, policy: Awaited<ReturnType<typeof cloudPolicy>>) {
  return createOdooClient({
    url: s.url,
    db: s.db,
    login: s.login,
    apiKey: s.apiKey,
    protocol,
    timeoutMs: 15_000,
    policy,
    draftOnly: policy.draftOnly,
  });
}

const cloudPolicy = () => loadPolicy('cloud', { draftOnly: true });

async function tempVault(label: string): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), `bench-odoo-${label}-`));
  await initVault(root);
  return root;
}

async function timed(count: number, warmup: number, one: (i: number) => Promise<void>) {
  for (let i = 0; i < warmup; i += 1) await one(-1 - i);
  const latenciesMs: number[] = [];
  const started = performance.now();
  for (let i = 0; i < count; i += 1) {
    const t0 = performance.now();
    await one(i);
    latenciesMs.push(performance.now() - t0);
  }
  return { latenciesMs, wallMs: performance.now() - started };
}

/** Checks the run did the work: `expected` draft invoices, distinct origins, nothing posted; approvals if any. */
async function verify(
  s: RunningOdooStandin,
  expected: number,
  vaultRoot: string | undefined,
): Promise<{ verified: boolean; problems: string[] }> {
  const problems: string[] = [];
  const moves = s.records('account.move').filter((r) => String(r['ref'] ?? '').startsWith('BENCH-'));
  if (moves.length !== expected) problems.push(`expected ${expected} invoices, the stand-in has ${moves.length}`);
  if (new Set(moves.map((m) => m['invoice_origin'])).size !== moves.length) problems.push('duplicate origins');
  if (moves.some((m) => m['state'] !== 'draft')) problems.push('an invoice is not a draft');
  if (s.calls.some((c) => c.method === 'action_post' || (c.model ?? '').startsWith('account.payment')))
    problems.push('a posting or payment call reached Odoo');
  if (s.calls.some((c) => c.outcome !== 'ok')) problems.push('a call to the stand-in failed');
  if (vaultRoot !== undefined) {
    const approvals = (await readdir(path.join(vaultRoot, 'Pending_Approval'))).filter((n) =>
      n.startsWith('ODOO_POST_INVOICE_'),
    );
    if (approvals.length !== expected) problems.push(`expected ${expected} approvals, found ${approvals.length}`);
  }
  return { verified: problems.length === 0, problems };
}

/** Direct client calls: what the tool costs without MCP, the vault, the approval file or the audit log. */
export async function runDirect(protocol: OdooProtocol, count: number, warmup: number): Promise<OdooRawRun> {
  const s = await startOdooStandin();
  try {
    const odoo: OdooClient = clientFor(s, protocol, await cloudPolicy());
    const one = async (i: number) => {
      const req = invoiceRequest(i);
      const { partner } = await odoo.findOrCreatePartner(req.partner);
      await odoo.createDraftInvoice({
        partnerId: partner.id,
        lines: req.lines,
        ref: req.ref,
        currency: req.currency,
        origin: `bench:${i}`,
      });
    };
    let callsBefore = 0;
    const { latenciesMs, wallMs } = await timed(count, warmup, async (i) => {
      if (i === 0) callsBefore = s.calls.length;
      await one(i);
    });
    const odooCallsPerInvoice = (s.calls.length - callsBefore) / count;
    return {
      path: 'direct',
      transport: protocol,
      count,
      latenciesMs,
      wallMs,
      odooCallsPerInvoice,
      ...(await verify(s, count + warmup, undefined)),
    };
  } finally {
    await s.close();
  }
}

function assertOk(result: CallToolResult): CallToolResult {
  if (result.isError) {
    const text = result.content.map((c) => (c.type === 'text' ? c.text : `[${c.type}]`)).join(' ');
    throw new Error(`odoo_create_draft_invoice failed: ${text}`);
  }
  return result;
}

/** Times N tool calls over a connected MCP client, against the stand-in `s`. */
async function runOverClient(
  pathName: OdooPathName,
  protocol: OdooProtocol,
  s: RunningOdooStandin,
  client: Client,
  root: string,
  count: number,
  warmup: number,
): Promise<OdooRawRun> {
  let callsBefore = 0;
  const { latenciesMs, wallMs } = await timed(count, warmup, async (i) => {
    if (i === 0) callsBefore = s.calls.length;
    assertOk(
      (await client.callTool({ name: 'odoo_create_draft_invoice', arguments: invoiceRequest(i) })) as CallToolResult,
    );
  });
  const odooCallsPerInvoice = (s.calls.length - callsBefore) / count;
  return {
    path: pathName,
    transport: protocol,
    count,
    latenciesMs,
    wallMs,
    odooCallsPerInvoice,
    ...(await verify(s, count + warmup, root)),
  };
}

/** The cloud MCP server in this process, a real SDK Client over InMemoryTransport. */
export async function runMcpInProcess(
  protocol: OdooProtocol,
  count: number,
  warmup: number,
  keep: boolean,
): Promise<OdooRawRun> {
  const s = await startOdooStandin();
  const root = await tempVault(`mcp-${protocol}`);
  try {
    const policy = await cloudPolicy();
    const vault = await Vault.open({ root, policy, logger: silentLogger(), processName: 'bench' });
    const server = buildMcpServer({ vault, logger: silentLogger(), odoo: clientFor(s, protocol, policy) }, ALL_TOOLS);
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 'odoo-bench', version: '0.1.0' });
    await client.connect(clientSide);
    try {
      return await runOverClient('mcp', protocol, s, client, root, count, warmup);
    } finally {
      await client.close();
      await server.close();
    }
  } finally {
    await s.close();
    if (!keep) await rm(root, { recursive: true, force: true });
  }
}

/** The built server as a child process (`serve`, AGENT_ROLE=cloud, ODOO_* of the stand-in) over stdio. */
export async function runMcpStdio(
  protocol: OdooProtocol,
  count: number,
  warmup: number,
  keep: boolean,
): Promise<OdooRawRun> {
  const s = await startOdooStandin();
  const root = await tempVault(`stdio-${protocol}`);
  const state = await mkdtemp(path.join(os.tmpdir(), 'bench-odoo-state-'));
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [cliPath, 'serve', '--vault', root],
    env: {
      ...getDefaultEnvironment(),
      AGENT_ROLE: 'cloud',
      LOG_LEVEL: 'warn',
      AI_EMPLOYEE_STATE_DIR: state,
      ODOO_URL: s.url,
      ODOO_DB: s.db,
      ODOO_LOGIN: s.login,
      ODOO_API_KEY: s.apiKey,
      ODOO_PROTOCOL: protocol,
    },
    cwd: repoRoot,
    stderr: 'pipe',
  });
  let tail = '';
  // Why drain: an unread stderr pipe fills and then blocks the server.
  transport.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-4096);
  });
  const client = new Client({ name: 'odoo-bench', version: '0.1.0' });
  try {
    await client.connect(transport);
    return await runOverClient('mcp-stdio', protocol, s, client, root, count, warmup);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- server stderr (tail) ---\n${tail}`, { cause: err });
  } finally {
    await client.close();
    await s.close();
    if (!keep) {
      await rm(root, { recursive: true, force: true });
      await rm(state, { recursive: true, force: true });
    }
  }
}
