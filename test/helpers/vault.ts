import { mkdtemp, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../src/core/log.js';
import { loadPolicy } from '../../src/core/policy/policy.js';
import type { Role } from '../../src/core/roles.js';
import { newTaskText } from '../../src/core/vault/frontmatter.js';
import { initVault } from '../../src/core/vault/init.js';
import { sightPendingApprovals } from '../../src/core/vault/owner-evidence.js';
import { Vault } from '../../src/core/vault/vault.js';

/** A fresh vault in its own temp folder: parallel-safe. */
export async function tempVaultDir(prefix = 'vault-'): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  await initVault(dir);
  return dir;
}

export async function openTestVault(
  root: string,
  role: Role,
  options: {
    draftOnly?: boolean;
    clock?: () => Date;
    processName?: string;
    lease?: { minutes: number; maxAttempts: number };
    /** The machine's state folder; default `<root>.state` beside the vault (outside it, as in production). */
    stateDir?: string;
    /** The zone naive timestamps in task files are read in (default: the machine's). */
    timeZone?: string;
  } = {},
): Promise<Vault> {
  const policy = await loadPolicy(role, { draftOnly: options.draftOnly ?? role === 'cloud' });
  return Vault.open({
    root,
    policy,
    logger: silentLogger(),
    processName: options.processName ?? 'test',
    clock: options.clock,
    lease: options.lease,
    stateDir: options.stateDir ?? `${root}.state`,
    timeZone: options.timeZone,
  });
}

/** Writes an email task as a watcher would; returns its vault-relative path. */
export async function seedEmailTask(
  root: string,
  n: number | string,
  folder = 'Needs_Action',
  extra: Record<string, unknown> = {},
): Promise<string> {
  const rel = `${folder}/EMAIL_${n}.md`;
  await writeFile(
    path.join(root, rel),
    newTaskText(
      {
        id: `gmail:${n}`,
        type: 'email',
        source: 'gmail',
        created: new Date(Date.UTC(2026, 10, 26, 9, 0, 0) + Number(n) * 1000 || 0).toISOString(),
        status: 'new',
        priority: 'normal',
        from: 'customer@example.com',
        subject: `Question ${n}`,
        ...extra,
      },
      `Hello, this is message ${n}.`,
    ),
  );
  return rel;
}

/**
 * The owner approves by moving a request from Pending_Approval/ to Approved/ (as in Obsidian), on a local
 * machine whose executor has seen it pending there: the sighting is what makes the move his decision.
 */
export async function ownerMovesToApproved(root: string, name: string): Promise<void> {
  const local = await openTestVault(root, 'local', { processName: 'owner' });
  await sightPendingApprovals(local.ctx);
  await rename(path.join(root, 'Pending_Approval', name), path.join(root, 'Approved', name));
}
