import { execFile } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { initVault } from '../../core/vault/init.js';

const run = promisify(execFile);

/** The folders of a two-machine sandbox on one disk: a bare git remote, the two vaults and their state. */
export interface Workspace {
  root: string;
  remote: string;
  cloudVault: string;
  localVault: string;
  cloudState: string;
  localState: string;
  logs: string;
}

export function workspaceAt(root: string): Workspace {
  return {
    root,
    remote: path.join(root, 'remote.git'),
    cloudVault: path.join(root, 'cloud', 'AI_Employee_Vault'),
    localVault: path.join(root, 'local', 'AI_Employee_Vault'),
    cloudState: path.join(root, 'cloud', 'state'),
    localState: path.join(root, 'local', 'state'),
    logs: path.join(root, 'logs'),
  };
}

/**
 * Lays out a fresh workspace: an empty bare remote (branch main) and two vault skeletons. The first syncs
 * (local first: the owner's machine seeds the shared history, cloud joins it) are the caller's.
 */
export async function createWorkspace(root: string): Promise<Workspace> {
  const ws = workspaceAt(root);
  await rm(root, { recursive: true, force: true });
  for (const dir of [ws.cloudState, ws.localState, ws.logs]) await mkdir(dir, { recursive: true });
  await run('git', ['init', '-q', '--bare', '-b', 'main', ws.remote]);
  await initVault(ws.localVault);
  await initVault(ws.cloudVault);
  return ws;
}
