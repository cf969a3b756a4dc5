import type { z } from 'zod';
import type { Logger } from '../src/core/log.js';
import type { Capability } from '../src/core/policy/capabilities.js';
import type { ExecutorDeps } from '../src/core/actions/executor.js';
import type { OdooClient } from '../src/core/odoo/types.js';
import type { VaultSync } from '../src/core/sync/types.js';
import type { Vault } from '../src/core/vault/vault.js';

/**
 * A tool is data (DESIGN §8): its name, what it needs, its hints, its input and output shapes and a `run`
 * that returns plain data. The MCP layer turns that into a result and errors into `isError` results; the
 * policy check happens in core, so a tool called any other way is held to the same rules.
 */
export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/** What a tool's `run` is given. Everything is passed in; tools hold no state of their own. */
export interface ToolDeps {
  vault: Vault;
  logger: Logger;
  /** Present when Odoo is configured (ODOO_URL and friends). */
  odoo?: OdooClient;
  /** Present on a role that executes approvals (local). */
  executor?: ExecutorDeps;
  /** Present when the vault syncs with a git remote (VAULT_REMOTE, or an existing origin). */
  sync?: VaultSync;
}

/**
 * What one call gives a tool beyond its arguments. `progress` sends notifications/progress when the client asked
 * for them (a progressToken in the request's `_meta`) and does nothing otherwise; the MCP layer keeps it rising.
 */
export interface ToolCall {
  progress(progress: number, total: number, message: string): Promise<void>;
}

/** Optional dependencies a tool cannot work without; a tool whose needs are missing is not listed. */
export type ToolNeed = 'odoo' | 'executor' | 'sync';

export interface ToolDefinition<I extends z.ZodRawShape = z.ZodRawShape, O extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  /** Capabilities the role must hold; a tool whose capabilities are missing is not listed at all. */
  requires: readonly Capability[];
  needs?: readonly ToolNeed[];
  annotations: ToolAnnotations;
  /**
   * The input object's fields. The MCP layer closes the object (an unknown key is refused, never dropped), so a
   * nested object must be a `z.strictObject` here; every field carries a description (tools/list shows it).
   */
  input: I;
  /**
   * A check that needs more than one field (which a plain object schema cannot express without hiding itself
   * from tools/list): runs before the schema, on the raw arguments, and throws invalid_input.
   */
  checkInput?(raw: Record<string, unknown>): void;
  output: O;
  run(args: z.infer<z.ZodObject<I>>, deps: ToolDeps, call: ToolCall): Promise<z.infer<z.ZodObject<O>>>;
}

export function defineTool<I extends z.ZodRawShape, O extends z.ZodRawShape>(
  tool: ToolDefinition<I, O>,
): ToolDefinition<I, O> {
  return tool;
}

/** Erases a tool's own types for the list that holds them all. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTool = ToolDefinition<any, any>;
