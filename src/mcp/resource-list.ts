import { lstat, open } from 'node:fs/promises';
import path from 'node:path';
import { ErrorCode, type ListResourcesResult, type Resource } from '@modelcontextprotocol/sdk/types.js';
import { absOf, type VaultContext } from '../core/vault/context.js';
import { parseTaskText } from '../core/vault/frontmatter.js';
import { HANDBOOK_FILE, inProgressFolder } from '../core/vault/layout.js';
import { listFiles } from '../core/vault/reading.js';
import { ProtocolError } from './protocol-error.js';

export const PAGE_SIZE = 50;
/** Enough for any frontmatter we write; a longer one simply gets no title. */
const HEAD_BYTES = 16 * 1024;
const MAX_TEXT = 160;
// Why: frontmatter text is a stranger's; a newline or a control character must not shape what the agent reads.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/**
 * The files an agent works on, in the order it needs them: the handbook (the rules), the queues it may claim
 * from, its own claims, then the approval folders (what waits for the owner and what he decided). History
 * (`Done/`, `Failed/`, `Logs/`) is left out: it only grows, and `list_tasks {"folder": "Done"}` reads it.
 */
export function resourceGroups(ctx: VaultContext): string[] {
  return [
    '', // the vault root: the handbook only
    ...ctx.policy.claimQueues,
    inProgressFolder(ctx.role),
    'Pending_Approval',
    'Approved',
    'Rejected',
  ];
}

interface Position {
  group: number;
  name: string;
}

/**
 * One page of `resources/list`. The cursor names the last file returned (not an offset), so a file that moves
 * while the agent pages (a claim, an approval) shifts nothing: no file already seen comes again, none that
 * stayed is skipped.
 */
export async function listVaultResources(ctx: VaultContext, cursor: string | undefined): Promise<ListResourcesResult> {
  const after = cursor === undefined ? undefined : decodeCursor(cursor);
  const groups = resourceGroups(ctx);
  const resources: Resource[] = [];
  let last: Position | undefined;
  for (let group = after?.group ?? 0; group < groups.length; group++) {
    const folder = groups[group] ?? '';
    const names = folder === '' ? await rootFiles(ctx) : (await listFiles(ctx, folder)).sort();
    for (const name of names) {
      if (after && group === after.group && name <= after.name) continue;
      // Why look one past the page: a nextCursor only when another file follows, never an empty last page.
      if (resources.length === PAGE_SIZE && last) return { resources, nextCursor: encodeCursor(last) };
      resources.push(await describe(ctx, folder === '' ? name : `${folder}/${name}`));
      last = { group, name };
    }
  }
  return { resources };
}

/** The root's one listed file, the handbook, if it is a plain file (never a link: it could point outside). */
async function rootFiles(ctx: VaultContext): Promise<string[]> {
  const st = await lstat(path.join(ctx.root, HANDBOOK_FILE)).catch(() => undefined);
  return st?.isFile() ? [HANDBOOK_FILE] : [];
}

/** `vault://` and the path, each segment percent-encoded, so that any name (spaces, `#`, `?`) is one valid URI. */
export function vaultUri(rel: string): string {
  return `vault://${rel.split('/').map(encodeURIComponent).join('/')}`;
}

async function describe(ctx: VaultContext, rel: string): Promise<Resource> {
  const name = rel.slice(rel.lastIndexOf('/') + 1);
  const resource: Resource = { uri: vaultUri(rel), name, mimeType: 'text/markdown' };
  const data = await frontmatterOf(ctx, rel);
  if (!data) return resource;
  const title = text(data['subject']) ?? text(data['title']);
  const type = text(data['type']);
  const parts = [
    type && [type, text(data['action'])].filter(Boolean).join(' '),
    text(data['status']) && `status ${text(data['status'])}`,
    text(data['from']) && `from ${text(data['from'])}`,
    text(data['to']) && `to ${text(data['to'])}`,
    text(data['expires']) && `expires ${text(data['expires'])}`,
  ].filter(Boolean);
  if (title) resource.title = title;
  if (parts.length > 0) resource.description = parts.join(', ').slice(0, MAX_TEXT * 2);
  return resource;
}

/**
 * The frontmatter of a file's head, or undefined when it has none we can read. Why only the head: a list
 * reads 50 files a page; a title is not worth reading a large attachment note in full.
 */
async function frontmatterOf(ctx: VaultContext, rel: string): Promise<Record<string, unknown> | undefined> {
  try {
    const handle = await open(await absOf(ctx, rel), 'r');
    try {
      const buffer = Buffer.alloc(HEAD_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
      return parseTaskText(buffer.subarray(0, bytesRead).toString('utf8')).data;
    } finally {
      await handle.close();
    }
  } catch {
    return undefined; // moved away while we listed, or no frontmatter: listed by name only
  }
}

/** A frontmatter value as one short line: file text is a stranger's, so no newlines or control characters. */
function text(value: unknown): string | undefined {
  if (value === undefined || value === null || typeof value === 'object') return undefined;
  const line = String(value).replace(CONTROL, ' ').trim();
  if (line === '') return undefined;
  return line.length > MAX_TEXT ? `${line.slice(0, MAX_TEXT - 1)}…` : line;
}

function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify({ v: 1, g: position.group, n: position.name }), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): Position {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      v?: unknown;
      g?: unknown;
      n?: unknown;
    };
    if (parsed.v === 1 && Number.isInteger(parsed.g) && (parsed.g as number) >= 0 && typeof parsed.n === 'string')
      return { group: parsed.g as number, name: parsed.n };
  } catch {
    // falls through to the refusal
  }
  throw new ProtocolError(
    ErrorCode.InvalidParams,
    'invalid_input: The cursor is not one this server issued; list again without a cursor.',
    { cursor: cursor.slice(0, 100) },
  );
}
