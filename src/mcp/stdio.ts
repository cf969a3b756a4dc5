import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { AnyTool, ToolDeps } from '../../tools/index.js';
import { buildMcpServer } from './server.js';

/** Serves one client over stdin/stdout until stdin closes. stdout carries only JSON-RPC; logs go to stderr. */
export async function serveStdio(deps: ToolDeps, tools: readonly AnyTool[]): Promise<void> {
  const server = buildMcpServer(deps, tools);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.on('end', () => resolve());
  });
  await server.connect(transport);
  deps.logger.info('MCP server ready on stdio');
  await closed;
  await server.close().catch(() => undefined);
}
