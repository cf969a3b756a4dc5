import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { foldName } from '../policy/policy.js';

/**
 * Vault paths that differ only by letter case or Unicode normal form (`Approved/` and `approved/`, a `Café.md`
 * composed and one decomposed). Linux holds each as its own file; macOS and Windows hold one file for the pair,
 * so a vault synced from Linux onto the owner's laptop would silently lose one or write one over the other.
 * `doctor` reports them for a person to rename; nothing here changes a file.
 *
 * Each group lists its paths (folders end in `/`), sorted; hidden entries (.git, .obsidian) are not vault state.
 */
export async function findNameTwins(root: string): Promise<string[][]> {
  const byFold = new Map<string, string[]>();
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      if (entry.name.startsWith('.')) continue;
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      const shown = entry.isDirectory() ? `${child}/` : child;
      const key = foldName(shown);
      byFold.set(key, [...(byFold.get(key) ?? []), shown]);
      if (entry.isDirectory()) await walk(path.join(dir, entry.name), child);
    }
  };
  await walk(root, '');
  return [...byFold.values()]
    .filter((group) => group.length > 1)
    .map((group) => group.sort())
    .sort((a, b) => (a[0] as string).localeCompare(b[0] as string));
}
