import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ListToolsRequestSchema,
  type CallToolResult,
  type ServerNotification,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { AppError, notFound, toAppError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { AnyTool, ToolCall, ToolDeps } from '../../tools/index.js';
import { parseToolInput, strictInputOf } from '../../tools/input.js';
import { toToolError, toToolResult } from './result.js';

/**
 * tools/list and tools/call, on the SDK's low-level server.
 *
 * Why not `McpServer.registerTool`: it validates arguments itself, before our handler runs, and answers a
 * violation with its own text (`MCP error -32602: Input validation error: ...`), while our clients are promised
 * `{"error": {"code": "invalid_input", ...}}`. It offers no hook between its validation and its error result, and
 * a permissive schema for its validator would also be the schema tools/list advertises. Owning the two handlers
 * keeps one strict schema for both: tools/list shows it (closed objects, enums, a description per field), and a
 * call is parsed with it here, so every refusal (a wrong argument, an unknown tool) is our error object. Resources
 * and prompts stay on McpServer.
 */
export function registerTools(server: Server, tools: readonly AnyTool[], deps: ToolDeps): void {
  // A role with no tool offers no tools capability at all (clients then do not ask).
  if (tools.length === 0) return;
  server.registerCapabilities({ tools: {} });
  const byName = new Map(tools.map((tool) => [tool.name, tool]));
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: tools.map(listEntryOf) }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const tool = byName.get(request.params.name);
    if (!tool) {
      // Why a tool result, not a protocol error: SDK 1.x clients expect one, and the model can read it.
      return toToolError(
        notFound(`Tool ${request.params.name} not found: this role does not offer it. tools/list says which it does.`),
        deps.logger,
        request.params.name,
      );
    }
    const call: ToolCall = {
      progress: progressReporter(extra._meta?.progressToken, extra.sendNotification, deps.logger),
    };
    return callTool(tool, request.params.arguments, deps, call);
  });
}

async function callTool(tool: AnyTool, raw: unknown, deps: ToolDeps, call: ToolCall): Promise<CallToolResult> {
  const log = deps.logger.child({ tool: tool.name });
  const audited = summarise(raw);
  try {
    const args = parseToolInput(tool, raw);
    const data = (await tool.run(args, deps, call)) as Record<string, unknown>;
    // The output schema is a promise to the client: a result that breaks it is our bug, reported as one.
    const output = z.object(tool.output).safeParse(data);
    if (!output.success) {
      log.error({ issues: output.error.issues }, 'tool result does not match its output schema');
      throw new AppError('internal', 'The tool produced a result that does not match its schema; it was logged.');
    }
    await deps.vault.audit.record({ action_type: `tool.${tool.name}`, parameters: audited, result: 'ok' });
    return toToolResult(data);
  } catch (err) {
    const error = toAppError(err);
    await deps.vault.audit
      .record({
        action_type: `tool.${tool.name}`,
        parameters: audited,
        result: error.code === 'policy_denied' ? 'denied' : 'error',
        error: error.message,
      })
      .catch((auditErr: unknown) => log.error({ err: auditErr }, 'audit write failed'));
    return toToolError(err, log, tool.name);
  }
}

// Why a cache: an HTTP server builds one MCP server per session, and the tool definitions never change.
const listEntries = new WeakMap<AnyTool, Tool>();

/**
 * A tool as tools/list shows it. The JSON Schemas are made as the SDK makes them (zod's converter, draft-07, the
 * input side of the input schema and the output side of the output schema), so a client sees what it saw before,
 * plus what strictness adds (`additionalProperties: false`).
 */
export function listEntryOf(tool: AnyTool): Tool {
  let entry = listEntries.get(tool);
  if (!entry) {
    entry = {
      name: tool.name,
      title: tool.title,
      description: tool.description,
      inputSchema: z.toJSONSchema(strictInputOf(tool), { target: 'draft-7', io: 'input' }) as Tool['inputSchema'],
      outputSchema: z.toJSONSchema(z.object(tool.output), { target: 'draft-7', io: 'output' }) as Tool['outputSchema'],
      annotations: { title: tool.title, ...tool.annotations },
    };
    listEntries.set(tool, entry);
  }
  return entry;
}

/**
 * notifications/progress for one call, when the client sent a progressToken; nothing otherwise. The spec wants
 * progress to rise with every notification: a value that does not is dropped rather than sent. A failed send
 * (the client went away) never fails the tool.
 */
function progressReporter(
  token: string | number | undefined,
  send: (notification: ServerNotification) => Promise<void>,
  logger: Logger,
): ToolCall['progress'] {
  let last = Number.NEGATIVE_INFINITY;
  return async (progress, total, message) => {
    if (token === undefined || !(progress > last)) return;
    last = progress;
    await send({ method: 'notifications/progress', params: { progressToken: token, progress, total, message } }).catch(
      (err: unknown) => logger.debug({ err }, 'progress notification not sent'),
    );
  };
}

/**
 * Tool arguments for the audit log, as the caller sent them (a refused call is logged too): long text (draft
 * bodies) and large values are cut to their length.
 */
function summarise(raw: unknown): Record<string, unknown> {
  if (raw === null || typeof raw !== 'object') return {};
  return Object.fromEntries(
    Object.entries(raw as Record<string, unknown>).map(([k, v]) => {
      if (typeof v === 'string') return [k, v.length > 200 ? `[${v.length} chars]` : v];
      if (v === null || typeof v !== 'object') return [k, v];
      const json = JSON.stringify(v);
      return [k, json.length > 200 ? `[${json.length} chars]` : v];
    }),
  );
}
