import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { silentLogger } from '../../src/core/log.js';
import { loadPolicy } from '../../src/core/policy/policy.js';
import type { Role } from '../../src/core/roles.js';
import { initVault } from '../../src/core/vault/init.js';
import { Vault } from '../../src/core/vault/vault.js';
import { GitSyncService, type GitSyncOptions } from '../../src/daemons/sync/service.js';

const run = promisify(execFile);

/** Plain git, for the tests' own checks (never for the code under test). */
export async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, maxBuffer: 256 * 1024 * 1024, env: gitEnv() });
  return stdout;
}

/** The environment tests run git in: no user config, no prompts. */
export function gitEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: 'test',
    GIT_AUTHOR_EMAIL: 'test@example.invalid',
    GIT_COMMITTER_NAME: 'test',
    GIT_COMMITTER_EMAIL: 'test@example.invalid',
  };
}

export interface Side {
  role: Role;
  root: string;
  stateDir: string;
  vault: Vault;
  sync: GitSyncService;
}

export interface GitPair {
  dir: string;
  remote: string;
  cloud: Side;
  local: Side;
  cleanup(): Promise<void>;
}

export async function openSide(
  dir: string,
  role: Role,
  remote: string,
  options: { policyDir?: string; clock?: () => Date; sync?: Partial<GitSyncOptions> } = {},
): Promise<Side> {
  const root = path.join(dir, role);
  await initVault(root);
  const policy = await loadPolicy(role, { dir: options.policyDir, draftOnly: role === 'cloud' });
  const stateDir = path.join(dir, `${role}-state`);
  const vault = await Vault.open({
    root,
    policy,
    logger: silentLogger(),
    processName: 'test',
    clock: options.clock,
    stateDir,
  });
  const sync = new GitSyncService({ vault, stateDir, remote, logger: silentLogger(), ...options.sync });
  return { role, root: vault.root, stateDir, vault, sync };
}

/**
 * A bare remote and two vaults, cloud and local, in one temp folder. Cloud's first sync creates the
 * remote's main; local joins it with its own first sync (a fresh vault adopting the remote).
 */
export async function makeGitPair(
  options: { policyDir?: string; clock?: () => Date; sync?: Partial<GitSyncOptions> } = {},
): Promise<GitPair> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'git-sync-'));
  const remote = path.join(dir, 'remote.git');
  await run('git', ['init', '--bare', '-q', '-b', 'main', remote], { env: gitEnv() });
  const cloud = await openSide(dir, 'cloud', remote, options);
  const first = await cloud.sync.syncOnce();
  if (first.status !== 'ok') throw new Error(`cloud's first sync failed: ${first.message}`);
  const local = await openSide(dir, 'local', remote, options);
  const joined = await local.sync.syncOnce();
  if (joined.status !== 'ok') throw new Error(`local's first sync failed: ${joined.message}`);
  return { dir, remote, cloud, local, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Every path and blob of a commit's tree: `path -> oid`. */
export async function treeOf(cwd: string, rev: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const line of (await git(cwd, 'ls-tree', '-r', '-z', rev)).split('\0')) {
    const match = /^\d+ blob ([0-9a-f]+)\t(.+)$/s.exec(line);
    if (match) out.set(match[2] as string, match[1] as string);
  }
  return out;
}

/** Every object the remote holds, as text where it is a blob (to prove a secret never arrived). */
export async function remoteBlobs(remote: string): Promise<string[]> {
  const ids = (await git(remote, 'cat-file', '--batch-all-objects', '--batch-check=%(objectname) %(objecttype)'))
    .split('\n')
    .filter((l) => l.endsWith(' blob'))
    .map((l) => l.split(' ')[0] as string);
  const out: string[] = [];
  for (const id of ids) out.push(await git(remote, 'cat-file', 'blob', id));
  return out;
}
