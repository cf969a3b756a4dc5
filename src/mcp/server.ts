import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { sessionLogger } from './logging.js';
import { registerPrompts } from './prompts.js';
import { registerVaultResource } from './resources.js';
import { registerTools } from './tools.js';
import type { AnyTool, ToolDeps } from '../../tools/index.js';

export const SERVER_NAME = 'ai-employee';
export const SERVER_VERSION = '0.1.0';

/** Tools whose every required capability the role holds. Fails closed: an unknown capability hides the tool. */
export function toolsForRole(tools: readonly AnyTool[], deps: ToolDeps): AnyTool[] {
  return tools.filter(
    (tool) =>
      tool.requires.every((cap) => deps.vault.policy.has(cap)) &&
      (tool.needs ?? []).every((need) => deps[need] !== undefined),
  );
}

/**
 * Builds one MCP server for one client session. Why one per session: the SDK must not share a server or
 * transport across clients (reference/mcp.md). State lives in the vault, so this is cheap.
 */
export function buildMcpServer(deps: ToolDeps, tools: readonly AnyTool[]): McpServer {
  const server = new McpServer(
    { name: SERVER_NAME, version: SERVER_VERSION },
    {
      instructions:
        'Tools for an AI employee working a shared Obsidian vault. Claim a task, draft, then request approval; only the owner approves. Read Company_Handbook.md first.',
      capabilities: { logging: {} },
    },
  );
  // Why before the tools: their loggers are children of this one, so their lines reach this client too.
  deps = { ...deps, logger: sessionLogger(server, deps.logger) };
  registerTools(server.server, toolsForRole(tools, deps), deps);
  registerVaultResource(server, deps);
  registerPrompts(server, deps);
  return server;
}
