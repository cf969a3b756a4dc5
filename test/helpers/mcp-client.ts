import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { silentLogger } from '../../src/core/log.js';
import type { Policy } from '../../src/core/policy/policy.js';
import type { Role } from '../../src/core/roles.js';
import { Vault } from '../../src/core/vault/vault.js';
import { buildMcpServer } from '../../src/mcp/server.js';
import { ALL_TOOLS, type AnyTool, type ToolDeps } from '../../tools/index.js';
import { openTestVault } from './vault.js';

export interface InProcessConnection {
  client: Client;
  vault: Vault;
  /** Calls a tool and returns its result (errors are `isError` results, not rejections). */
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** Defaults to true for cloud, false for local (as the config does). */
  draftOnly?: boolean;
  /** Use this policy instead of loading `policies/<role>.json` (e.g. a hand-made one for a denial test). */
  policy?: Policy;
  tools?: readonly AnyTool[];
  /** Optional dependencies beyond the vault and logger (e.g. `odoo`, `executor`), passed to every tool. */
  deps?: Record<string, unknown>;
  /** The zone naive timestamps in task files are read in (default: the machine's). */
  timeZone?: string;
}

/**
 * Builds the real MCP server for a role over a vault at `root` and joins a real SDK `Client` to it through
 * an in-memory transport pair: everything but the wire is the production code path.
 */
export async function connectInProcess(
  root: string,
  role: Role,
  options: ConnectOptions = {},
): Promise<InProcessConnection> {
  const vault = options.policy
    ? await Vault.open({ root, policy: options.policy, logger: silentLogger(), processName: 'test' })
    : await openTestVault(root, role, { draftOnly: options.draftOnly ?? role === 'cloud', timeZone: options.timeZone });
  const deps = { vault, logger: silentLogger(), ...options.deps } as ToolDeps;
  const server = buildMcpServer(deps, options.tools ?? ALL_TOOLS);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'test-client', version: '1.0.0' });
  await client.connect(clientSide);
  return {
    client,
    vault,
    call: async (name, args = {}) => (await client.callTool({ name, arguments: args })) as CallToolResult,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

/** A stack frame as V8 prints it (`    at fn (file.js:1:2)`): it must never reach a client. */
export const STACK_FRAME = /(^|\n)\s*at \S[^\n]*:\d+:\d+|\.(?:js|ts|mjs|cjs):\d+:\d+/;

/** The text of a result's first content block. */
export function textOf(result: CallToolResult): string {
  const first = result.content[0];
  assert.ok(first && first.type === 'text', 'the result starts with a text block');
  return first.text;
}

/**
 * Asserts an `isError` result from the project's error path and returns its `{code, message}`. No stack
 * frame may reach the model.
 */
export function toolErrorOf(result: CallToolResult): { code: string; message: string } {
  assert.equal(result.isError, true, `expected an error, got ${JSON.stringify(result.structuredContent)}`);
  const text = textOf(result);
  assert.doesNotMatch(text, STACK_FRAME, 'no stack frame reaches the model');
  const parsed = JSON.parse(text) as { error?: { code: string; message: string } };
  assert.ok(parsed.error, `an error object in ${text}`);
  return parsed.error;
}
