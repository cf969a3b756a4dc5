import { z } from 'zod';
import { invalidInput } from '../src/core/errors.js';
import type { AnyTool } from './define.js';

/**
 * Tool input, checked strictly: the object a tool declares is closed (an unknown key is refused, never dropped:
 * a misspelled `task` for `path` once claimed a different task), and a refusal is an invalid_input error whose
 * message names what the tool takes, so an agent can fix its call in one go.
 */

// Why a cache: an HTTP server builds one MCP server per session; the schemas are immutable data.
const strictSchemas = new WeakMap<AnyTool, z.ZodObject>();

/** The closed input object of a tool: what tools/list advertises and what a call is parsed with. */
export function strictInputOf(tool: AnyTool): z.ZodObject {
  let schema = strictSchemas.get(tool);
  if (!schema) {
    schema = z.strictObject(tool.input);
    strictSchemas.set(tool, schema);
  }
  return schema;
}

/** Parses a call's raw arguments; throws invalid_input naming every problem (at most a few) and the keys allowed. */
export function parseToolInput(tool: AnyTool, raw: unknown): Record<string, unknown> {
  const args = raw ?? {};
  if (typeof args !== 'object' || Array.isArray(args))
    throw invalidInput(`Input validation error: ${tool.name} takes an object of named arguments.`);
  tool.checkInput?.(args as Record<string, unknown>);
  const parsed = strictInputOf(tool).safeParse(args);
  if (!parsed.success) throw invalidInput(describeIssues(tool.name, strictInputOf(tool), parsed.error.issues));
  return parsed.data;
}

/**
 * One line an agent can act on: `Input validation error: <where>: <what>; ...`. The prefix is the SDK's own, so a
 * client that matched on it before still does; the rest names fields by path (`lines.0.qty`) and, for an unknown
 * key, every key that object takes (`?` marks an optional one).
 */
export function describeIssues(where: string, schema: z.ZodType, issues: readonly z.core.$ZodIssue[]): string {
  const parts = issues.slice(0, 5).map((issue) => describeIssue(where, schema, issue));
  const more = issues.length > 5 ? `; and ${issues.length - 5} more` : '';
  return `Input validation error: ${parts.join('; ')}${more}.`;
}

function describeIssue(where: string, schema: z.ZodType, issue: z.core.$ZodIssue): string {
  const at = [where, ...issue.path.map(String)].join('.');
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `"${k}"`).join(', ');
    const allowed = keysAt(schema, issue.path);
    const takes = allowed ? `; it takes ${allowed}` : '';
    return `${at} does not take ${keys}${takes}`;
  }
  // zod says "expected string, received undefined" for a missing key; an agent reads "required" faster.
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message))
    return `${at} is required (${issue.expected})`;
  if (issue.code === 'invalid_union') return `${at} matches none of the shapes it may take (see tools/list)`;
  return `${at}: ${issue.message}`;
}

/** `a, b?, c?` for the object schema at `path` inside `schema`, or undefined when it cannot be told. */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string | undefined {
  const target = schemaAt(schema, path);
  if (!(target instanceof z.ZodObject)) return undefined;
  const shape = target.shape as Record<string, z.ZodType>;
  const names = Object.entries(shape).map(([k, v]) => (v.safeParse(undefined).success ? `${k}?` : k));
  return `${names.join(', ')} ("?": optional)`;
}

function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = unwrap(schema);
  for (const segment of path) {
    if (current instanceof z.ZodObject) current = (current.shape as Record<string, z.ZodType>)[String(segment)];
    else if (current instanceof z.ZodArray) current = current.element as z.ZodType;
    else return undefined;
    current = current && unwrap(current);
  }
  return current;
}

/** Through optional, nullable, default and the like, to the schema that holds the shape. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let i = 0; i < 8; i++) {
    const inner = (current.def as { innerType?: z.ZodType }).innerType;
    if (!inner) return current;
    current = inner;
  }
  return current;
}
