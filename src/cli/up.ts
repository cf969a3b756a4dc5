import { existsSync } from 'node:fs';
import type { Config } from '../config.js';
import { initVault } from '../core/vault/init.js';
import { say } from './print.js';
import { serveHttpCommand } from './serve.js';

/**
 * `npm start`: with no credentials, serve the bundled vault over HTTP so that a newcomer can point an MCP
 * client at it at once. The role is chosen here on purpose (cloud, draft-only: the safe one), not by a default
 * in the config: `serve` itself still refuses to run without AGENT_ROLE.
 */
export async function upCommand(config: Config, options: { port?: number }): Promise<() => Promise<void>> {
  if (!existsSync(config.vaultPath)) await initVault(config.vaultPath);
  const role = config.role ?? 'cloud';
  const { server, token } = await serveHttpCommand(
    { ...config, draftOnly: role === 'cloud' ? true : config.draftOnly },
    {
      generateToken: true,
      role,
      port: options.port,
    },
  );
  const clientConfig = {
    mcpServers: { 'ai-employee': { type: 'http', url: server.url, headers: { Authorization: `Bearer ${token}` } } },
  };
  say(`ai-employee MCP server (role: ${role}${role === 'cloud' ? ', draft-only' : ''}) on vault ${config.vaultPath}`);
  say(`  URL:   ${server.url}`);
  say(`  Token: ${token}   (generated for this run; set MCP_AUTH_TOKEN to choose your own)`);
  say('');
  say('Paste into .mcp.json (Claude Code) or your MCP client configuration:');
  say(JSON.stringify(clientConfig, null, 2));
  say('');
  say('Press Ctrl-C to stop.');
  return () => server.close();
}
