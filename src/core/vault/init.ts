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

/**
 * Puts back any protocol folder that is missing (never a file). Why: git does not keep empty folders, so a peer
 * that deletes a folder's last file (its `.gitkeep` too) removes the folder from this work tree on the next sync,
 * and every write into it (an alert in Updates/, a sighting of Pending_Approval/) would fail.
 */
export async function restoreVaultFolders(root: string): Promise<void> {
  for (const folder of VAULT_FOLDERS)
    // A file squatting a folder's path stays for a human to look at (`doctor` names it); the rest are restored.
    await mkdir(path.join(root, ...folder.split('/')), { recursive: true }).catch(() => undefined);
}
