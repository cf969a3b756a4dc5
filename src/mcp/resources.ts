import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ToolDeps } from '../../tools/index.js';
import { toAppError } from '../core/errors.js';

/** `vault://{+path}`: any vault file, read-only, through the same path checks as the tools. */
export function registerVaultResource(server: McpServer, deps: ToolDeps): void {
  if (!deps.vault.policy.has('vault.read')) return;
  server.registerResource(
    'vault-file',
    new ResourceTemplate('vault://{+path}', { list: undefined }),
    { title: 'Vault file', description: 'A markdown file of the vault, read-only', mimeType: 'text/markdown' },
    async (uri, variables) => {
      const raw = variables['path'];
      const requested = Array.isArray(raw) ? raw.join('/') : String(raw ?? '');
      // Why decode: template values may arrive percent-encoded; validate the decoded text like any tool path.
      let decoded: string;
      try {
        decoded = decodeURIComponent(requested);
      } catch {
        throw new Error('invalid_input: The resource path is not valid percent-encoding; write "%" as %25.');
      }
      try {
        const { text } = await deps.vault.readRaw(decoded);
        return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text }] };
      } catch (err) {
        // Why no cause: the message is what the client sees; the cause may hold internals.
        // eslint-disable-next-line preserve-caught-error
        throw new Error(`${toAppError(err).code}: ${toAppError(err).message}`);
      }
    },
  );
}
