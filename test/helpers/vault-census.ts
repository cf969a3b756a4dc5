import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseTaskText } from '../../src/core/vault/frontmatter.js';
import { VAULT_FOLDERS } from '../../src/core/vault/layout.js';

/**
 * Counts a vault's task files by their frontmatter `id`, so that tests can check the claim-by-move invariant
 * (DESIGN §3): every task is in exactly one place. Reads the disk directly, not through the Vault, so that it
 * sees what the core might hide (hidden take files, temp files, a file linked into two folders).
 */

/** The folders a task can be in during its life. */
export const TASK_FOLDERS = [
  'Needs_Action',
  'Needs_Action/cloud',
  'Needs_Action/local',
  'In_Progress/cloud',
  'In_Progress/local',
  'Done',
  'Failed',
] as const;

export interface Census {
  /** id → every vault-relative path whose frontmatter carries it. */
  byId: Map<string, string[]>;
  /** Visible `.md` files whose frontmatter has no id (or cannot be parsed). */
  withoutId: string[];
  /** Hidden files other than `.gitkeep`: `.claiming-*`, `.tmp-*` and anything else. */
  hidden: string[];
  /** Number of visible `.md` files per folder. */
  counts: Record<string, number>;
}

export async function takeCensus(root: string, folders: readonly string[] = TASK_FOLDERS): Promise<Census> {
  const census: Census = { byId: new Map(), withoutId: [], hidden: [], counts: {} };
  for (const folder of folders) {
    const names = (await readdir(path.join(root, ...folder.split('/'))).catch(() => [] as string[])).sort();
    census.counts[folder] = 0;
    for (const name of names) {
      const rel = `${folder}/${name}`;
      if (name === '.gitkeep') continue;
      if (name.startsWith('.')) {
        census.hidden.push(rel);
        continue;
      }
      if (!name.endsWith('.md')) continue;
      const abs = path.join(root, ...rel.split('/'));
      if (!(await stat(abs)).isFile()) continue;
      census.counts[folder] += 1;
      let id: unknown;
      try {
        id = parseTaskText(await readFile(abs, 'utf8')).data['id'];
      } catch {
        id = undefined;
      }
      if (typeof id !== 'string') {
        census.withoutId.push(rel);
        continue;
      }
      const places = census.byId.get(id) ?? [];
      places.push(rel);
      census.byId.set(id, places);
    }
  }
  return census;
}

/** Ids found in more than one place, and expected ids found nowhere. Both empty means the invariant holds. */
export function censusProblems(
  census: Census,
  expectedIds: Iterable<string>,
): { duplicated: string[]; missing: string[] } {
  const duplicated = [...census.byId]
    .filter(([, places]) => places.length > 1)
    .map(([id, p]) => `${id}: ${p.join(', ')}`);
  const missing = [...expectedIds].filter((id) => !census.byId.has(id));
  return { duplicated, missing };
}

/** A fingerprint of every file (hidden ones included) in every vault folder but Logs/: path → sha256. */
export async function snapshotVault(root: string): Promise<Map<string, string>> {
  const snap = new Map<string, string>();
  for (const folder of VAULT_FOLDERS) {
    if (folder === 'Logs') continue;
    const names = await readdir(path.join(root, ...folder.split('/')), { withFileTypes: true }).catch(() => []);
    for (const entry of names) {
      if (!entry.isFile()) continue;
      const text = await readFile(path.join(root, ...folder.split('/'), entry.name));
      snap.set(`${folder}/${entry.name}`, createHash('sha256').update(text).digest('hex'));
    }
  }
  return snap;
}

/** Every line of every audit log file, parsed; throws if one is not a single JSON object. */
export async function readAuditLines(root: string): Promise<Array<Record<string, unknown>>> {
  const dir = path.join(root, 'Logs');
  const out: Array<Record<string, unknown>> = [];
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.jsonl')).sort()) {
    const text = await readFile(path.join(dir, name), 'utf8');
    for (const [i, line] of text.split('\n').entries()) {
      if (line === '') continue;
      try {
        out.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        throw new Error(`Logs/${name} line ${i + 1} is not one JSON object: ${line.slice(0, 120)}`);
      }
    }
  }
  return out;
}
