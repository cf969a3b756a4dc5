import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DASHBOARD_FILE, HANDBOOK_FILE, VAULT_FOLDERS } from './layout.js';
import { DASHBOARD_TEMPLATE, HANDBOOK_TEMPLATE, VAULT_GITIGNORE } from './skeleton.js';

/**
 * Lays out a vault (DESIGN §3): every folder with a `.gitkeep` (git does not keep empty folders), and the
 * skeleton files. Idempotent: existing files are left exactly as they are. Returns what it created.
 */
export async function initVault(root: string): Promise<string[]> {
  const created: string[] = [];
  await mkdir(root, { recursive: true });
  for (const folder of VAULT_FOLDERS) {
    await mkdir(path.join(root, ...folder.split('/')), { recursive: true });
    if (await writeIfMissing(path.join(root, ...folder.split('/'), '.gitkeep'), '')) created.push(`${folder}/.gitkeep`);
  }
  const files: Array<[string, string]> = [
    [DASHBOARD_FILE, DASHBOARD_TEMPLATE],
    [HANDBOOK_FILE, HANDBOOK_TEMPLATE],
    ['.gitignore', VAULT_GITIGNORE],
  ];
  for (const [name, content] of files) if (await writeIfMissing(path.join(root, name), content)) created.push(name);
  return created;
}

async function writeIfMissing(file: string, content: string): Promise<boolean> {
  try {
    await writeFile(file, content, { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}
