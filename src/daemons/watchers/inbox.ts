import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { folderAbs, type VaultContext } from '../../core/vault/context.js';
import type { WatchBatch, WatchItem, WatchSource } from './types.js';

export interface InboxSourceOptions {
  ctx: VaultContext;
  clock?: () => Date;
  /** A file changed more recently than this is still being written (Obsidian, git, a copy): next poll. */
  settleMs?: number;
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Files dropped into `Inbox/`: each becomes a FILE_ task with its name, size and sha256. The id is the
 * content hash, so the same bytes dropped twice (or re-synced by git) are one task, and an edited file is a
 * new one. A scan of the folder is the poll; chokidar (schedule.ts) only makes it run at once on a drop.
 * Hashes are cached by name, size and mtime, so a rescan reads only new or changed files.
 */
export function inboxSource(options: InboxSourceOptions): WatchSource {
  const cache = new Map<string, string>();
  const clock = options.clock ?? (() => new Date());
  const settleMs = options.settleMs ?? 2_000;
  return {
    name: 'inbox',
    classify: () => undefined,
    async *poll(): AsyncGenerator<WatchBatch> {
      const dir = await folderAbs(options.ctx, 'Inbox');
      const names = (await readdir(dir, { withFileTypes: true }))
        .filter((d) => d.isFile() && !d.name.startsWith('.'))
        .map((d) => d.name)
        .sort();
      let items: WatchItem[] = [];
      for (const name of names) {
        const file = path.join(dir, name);
        const info = await stat(file).catch(() => undefined);
        if (!info || clock().getTime() - info.mtimeMs < settleMs) continue;
        const key = `${name}\0${info.size}\0${info.mtimeMs}`;
        let sha = cache.get(key);
        if (sha === undefined) {
          sha = await sha256File(file).catch(() => undefined);
          if (sha === undefined) continue; // removed while we read it
          cache.set(key, sha);
        }
        items.push(toItem(name, info.size, sha, info.mtime));
        if (items.length >= 100) {
          yield { items };
          items = [];
        }
      }
      yield { items };
    },
  };
}

function toItem(name: string, size: number, sha256: string, mtime: Date): WatchItem {
  const created = mtime.toISOString();
  return {
    kind: 'FILE',
    sourceId: sha256.slice(0, 32),
    fields: { id: `inbox:${sha256}`, type: 'file_drop', source: 'inbox', created, file_name: name, size, sha256 },
    body: [
      `# File dropped: ${name.replace(/[\r\n]/g, ' ')}`,
      '',
      `**Size:** ${size} bytes`,
      `**SHA-256:** \`${sha256}\``,
      `**Dropped:** ${created}`,
      '',
      `The file is in \`Inbox/\`. Open it, then decide what it needs.`,
      '',
    ].join('\n'),
  };
}
