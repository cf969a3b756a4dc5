import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseTaskText } from '../../src/core/vault/frontmatter.js';

/**
 * Every task file with `prefix` anywhere in the vault (any folder, hidden take names included), by task id:
 * the census an exactly-once assertion needs, wherever a task has been moved since it was written.
 */
export async function watchCensus(root: string, prefix: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  async function walk(dir: string): Promise<void> {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const abs = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '.git') await walk(abs);
        continue;
      }
      if (
        !entry.name.endsWith('.md') ||
        !entry.name.replace(/^\.claiming-[0-9a-z]+-[0-9a-f]{12}-/, '').startsWith(prefix)
      )
        continue;
      const id = String(parseTaskText(await readFile(abs, 'utf8')).data['id']);
      out.set(id, [...(out.get(id) ?? []), path.relative(root, abs)]);
    }
  }
  await walk(root);
  return out;
}

/** Asserts-friendly summary: ids seen more than once, and ids expected but missing. */
export function censusProblems(
  census: Map<string, string[]>,
  expected: string[],
): { twice: string[]; missing: string[]; extra: string[] } {
  return {
    twice: [...census].filter(([, paths]) => paths.length > 1).map(([id, paths]) => `${id}: ${paths.join(', ')}`),
    missing: expected.filter((id) => !census.has(id)),
    extra: [...census.keys()].filter((id) => !expected.includes(id)),
  };
}
