import { cp, mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * A copy of the built checkout under `Mi Empresa — Büro/` (a symlinked entry point would resolve to the plain path
 * and hide the bug); dependencies through a link to node_modules.
 */
export async function oddCheckout(base: string): Promise<string> {
  const checkout = path.join(base, 'Mi Empresa — Büro', 'ai-employee');
  await mkdir(checkout, { recursive: true });
  for (const part of ['dist', 'policies', 'scripts', 'package.json', 'ecosystem.local.cjs'])
    await cp(path.join(repo, part), path.join(checkout, part), { recursive: true });
  await symlink(path.join(repo, 'node_modules'), path.join(checkout, 'node_modules'), 'dir');
  return checkout;
}
