import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { invalidInput } from '../errors.js';
import { absOf, folderAbs, resolveIn, type VaultContext } from './context.js';
import { parseTaskText } from './frontmatter.js';
import { VAULT_FOLDERS } from './layout.js';
import { decodeUtf8, readTaskText } from './normalise.js';
import { validateTask } from './schemas.js';
import type { TaskView } from './task-io.js';

export interface TaskSummary {
  path: string;
  id?: string;
  type?: string;
  status?: string;
  priority?: string;
  created?: string;
  /** Why the file cannot be read at all, if it cannot (it will go to Failed/ when claimed). */
  invalid?: string;
  /** What a claim will write back to bring the file into this project's shape (docs/task-files.md). */
  normalise?: string[];
}

const MAX_LIST = 1000;

/**
 * The task files of a vault folder: plain `.md` files only, never hidden ones and never symbolic links
 * (a link's target could be outside the vault). A missing or linked folder lists as empty.
 */
export async function listFiles(ctx: VaultContext, folder: string): Promise<string[]> {
  let dir: string;
  try {
    dir = await folderAbs(ctx, folder);
  } catch {
    return [];
  }
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && !e.name.startsWith('.') && e.name.endsWith('.md')).map((e) => e.name);
}

/** Lists task files in one folder, or in every vault folder; newest-first is not useful here: oldest first. */
export async function listTasks(
  ctx: VaultContext,
  args: { folder?: string; type?: string; limit?: number },
): Promise<TaskSummary[]> {
  ctx.policy.require('vault.read', 'Listing tasks');
  const limit = Math.min(args.limit ?? 100, MAX_LIST);
  let folders: readonly string[] = VAULT_FOLDERS;
  if (args.folder !== undefined) {
    const { rel } = await resolveIn(ctx, args.folder);
    folders = [rel];
  }
  const out: TaskSummary[] = [];
  for (const folder of folders) {
    const names = (await listFiles(ctx, folder)).sort();
    for (const name of names) {
      const summary = await summarise(ctx, `${folder}/${name}`);
      if (!summary || (args.type !== undefined && summary.type !== args.type)) continue;
      out.push(summary);
      if (out.length >= limit) return out;
    }
  }
  return out;
}

async function summarise(ctx: VaultContext, rel: string): Promise<TaskSummary | undefined> {
  let bytes: Buffer;
  let mtime: Date;
  try {
    const abs = await absOf(ctx, rel);
    [bytes, mtime] = await Promise.all([readFile(abs), stat(abs).then((s) => s.mtime)]);
  } catch {
    return undefined; // moved away while we listed
  }
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) return { path: rel, invalid: decoded.reason };
  // Requests, updates and drafts are not tasks: shown as they are, and checked strictly where a schema exists.
  let raw: Record<string, unknown> | undefined;
  try {
    raw = parseTaskText(decoded.text).data;
  } catch {
    raw = undefined;
  }
  if (raw && ['approval_request', 'update', 'draft'].includes(String(raw['type']))) {
    const summary = summaryOf(rel, raw);
    if (raw['type'] === 'draft') {
      try {
        validateTask(raw);
      } catch (err) {
        summary.invalid = (err as Error).message;
      }
    }
    return summary;
  }
  const read = readTaskText(decoded.text, { fileName: path.posix.basename(rel), mtime, timeZone: ctx.timeZone });
  if (!read.ok) return { path: rel, invalid: read.reason };
  const data = read.task.data;
  const summary = summaryOf(rel, data);
  if (read.task.changes.length > 0) summary.normalise = read.task.changes;
  return summary;
}

const asString = (v: unknown) => (v === undefined || v === null ? undefined : String(v));

/** The fields list_tasks shows of any file's frontmatter. */
function summaryOf(rel: string, data: Record<string, unknown>): TaskSummary {
  return {
    path: rel,
    id: asString(data['id']),
    type: asString(data['type']),
    status: asString(data['status']),
    priority: asString(data['priority']),
    created: asString(data['created']),
  };
}

/** Reads any markdown file of the vault: frontmatter (empty if none) and body. */
export async function readTask(ctx: VaultContext, input: unknown): Promise<TaskView> {
  ctx.policy.require('vault.read', 'Reading a task');
  const { rel, abs } = await resolveIn(ctx, input);
  if ((await stat(abs)).isDirectory()) throw invalidInput(`"${rel}" is a folder; use list_tasks with folder "${rel}".`);
  const text = await readFile(abs, 'utf8');
  try {
    const parsed = parseTaskText(text);
    return { path: rel, frontmatter: parsed.data, body: parsed.body };
  } catch {
    return { path: rel, frontmatter: {}, body: text };
  }
}

export interface VaultStatus {
  role: string;
  draft_only: boolean;
  folders: Record<string, number>;
  pending_approvals: Array<{ path: string; action?: string; age_minutes: number; expires?: string }>;
}

export async function vaultStatus(ctx: VaultContext): Promise<VaultStatus> {
  ctx.policy.require('vault.read', 'Reading the vault status');
  const folders: Record<string, number> = {};
  for (const folder of VAULT_FOLDERS) {
    folders[folder] = (await listFiles(ctx, folder)).length;
  }
  const now = ctx.clock().getTime();
  const pending: VaultStatus['pending_approvals'] = [];
  for (const name of (await listFiles(ctx, 'Pending_Approval')).sort()) {
    const rel = `Pending_Approval/${name}`;
    try {
      const data = parseTaskText(await readFile(await absOf(ctx, rel), 'utf8')).data;
      const created = Date.parse(String(data['created'] ?? ''));
      pending.push({
        path: rel,
        action: asString(data['action']),
        age_minutes: Number.isNaN(created) ? -1 : Math.round((now - created) / 60_000),
        expires: asString(data['expires']),
      });
    } catch {
      pending.push({ path: rel, age_minutes: -1 });
    }
  }
  return { role: ctx.role, draft_only: ctx.policy.draftOnly, folders, pending_approvals: pending };
}

/** The raw text of a vault file, through the same path checks (for the read-only `vault://` resource). */
export async function readRaw(ctx: VaultContext, input: unknown): Promise<{ path: string; text: string }> {
  ctx.policy.require('vault.read', 'Reading a vault file');
  const { rel, abs } = await resolveIn(ctx, input);
  if ((await stat(abs)).isDirectory()) throw invalidInput(`"${rel}" is a folder, not a file.`);
  return { path: rel, text: await readFile(abs, 'utf8') };
}
