import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ListResourcesRequestSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { ToolDeps } from '../../tools/index.js';
import { invalidInput, toAppError } from '../core/errors.js';
import { resourceErrorOf } from './protocol-error.js';
import { completeVaultPath } from './resource-complete.js';
import { listVaultResources } from './resource-list.js';

export const VAULT_URI_TEMPLATE = 'vault://{+path}';

/**
 * `vault://{+path}`: any vault file, read-only, through the same path checks as the tools; `resources/list`
 * pages through the files an agent works on; `completion/complete` completes the `path` variable.
 */
export function registerVaultResource(server: McpServer, deps: ToolDeps): void {
  if (!deps.vault.policy.has('vault.read')) return;
  const log = deps.logger.child({ component: 'vault-resource' });
  server.registerResource(
    'vault-file',
    new ResourceTemplate(VAULT_URI_TEMPLATE, {
      list: undefined,
      complete: { path: (value) => completeVaultPath(deps.vault.ctx, value) },
    }),
    { title: 'Vault file', description: 'A file of the vault, read-only', mimeType: 'text/markdown' },
    async (uri, variables) => {
      const raw = variables['path'];
      const requested = Array.isArray(raw) ? raw.join('/') : String(raw ?? '');
      try {
        // Why decode: template values may arrive percent-encoded; validate the decoded text like any tool path.
        let decoded: string;
        try {
          decoded = decodeURIComponent(requested);
        } catch {
          throw invalidInput('The resource path is not valid percent-encoding; write "%" as %25.');
        }
        const { text } = await deps.vault.readRaw(decoded);
        return { contents: [{ uri: uri.href, mimeType: mimeTypeOf(decoded), text }] };
      } catch (err) {
        const appError = toAppError(err);
        // Why log here only: the cause may hold internals (a stack, an absolute path); the client gets the code.
        if (appError.code === 'internal') log.error({ err, uri: uri.href }, 'vault resource read failed');
        else log.debug({ uri: uri.href, code: appError.code }, 'vault resource read refused');
        throw resourceErrorOf(appError, uri.href);
      }
    },
  );
  // Why replace the SDK's resources/list handler: it neither passes the cursor to a template's list callback
  // nor returns a nextCursor (SDK 1.32), and a vault can hold thousands of files. The template above is our
  // only resource, so nothing else is left out.
  server.server.setRequestHandler(ListResourcesRequestSchema, async (request) => {
    try {
      const page = await listVaultResources(deps.vault.ctx, request.params?.cursor);
      log.debug({ count: page.resources.length, more: page.nextCursor !== undefined }, 'resources listed');
      return page;
    } catch (err) {
      if (err instanceof McpError) throw err; // a refusal already in the protocol's terms (a bad cursor)
      const appError = toAppError(err);
      if (appError.code === 'internal') log.error({ err }, 'resources/list failed');
      throw resourceErrorOf(appError, 'vault://');
    }
  });
}

/** Markdown for notes, JSON Lines for the audit logs, plain text for anything else a human dropped in. */
export function mimeTypeOf(rel: string): string {
  if (/\.md$/i.test(rel)) return 'text/markdown';
  if (/\.jsonl$/i.test(rel)) return 'application/jsonl';
  return 'text/plain';
}
