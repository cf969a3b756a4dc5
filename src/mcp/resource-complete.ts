import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { VaultContext } from '../core/vault/context.js';
import { listFiles } from '../core/vault/reading.js';

/** Above this many candidates the walk stops: the client shows 100, and the total is then a lower bound. */
const MAX_MATCHES = 10_000;

/**
 * Vault paths that start with `prefix`, ignoring case and Unicode form (an agent types `needs_action/email`),
 * sorted. Every file `vault://` can read, never a hidden one and never through a symbolic link (the same rules
 * as a read). Why no policy filter beyond `vault.read`: that capability reads the whole vault, and the resource
 * is only registered for a role that holds it. The SDK cuts the answer to 100 values with `total` and `hasMore`.
 */
export async function completeVaultPath(ctx: VaultContext, prefix: string): Promise<string[]> {
  const wanted = fold(prefix);
  const matches: string[] = [];
  await walk(ctx.root, '', wanted, matches);
  return matches.sort();
}

async function walk(root: string, rel: string, wanted: string, matches: string[]): Promise<void> {
  const entries = await readdir(rel === '' ? root : path.join(root, rel), { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (matches.length >= MAX_MATCHES) return;
    // Why skip dot names: hidden files are not part of the vault (.git, .obsidian, our temp and claim files).
    if (entry.name.startsWith('.')) continue;
    const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
    const folded = fold(child);
    // Dirent types come from lstat: a symbolic link is neither a file nor a folder here, so it is never offered.
    if (entry.isFile() && folded.startsWith(wanted)) matches.push(child);
    // Why prune: only a folder on the way to the prefix, or under it, can hold a match.
    else if (entry.isDirectory() && (wanted.startsWith(`${folded}/`) || `${folded}/`.startsWith(wanted)))
      await walk(root, child, wanted, matches);
  }
}

/** The task files of the queues the role may claim from that start with `prefix` (the prompt's `path`). */
export async function completeQueuedTask(ctx: VaultContext, prefix: string): Promise<string[]> {
  const wanted = fold(prefix);
  const paths: string[] = [];
  for (const queue of ctx.policy.claimQueues)
    for (const name of await listFiles(ctx, queue)) paths.push(`${queue}/${name}`);
  return paths.filter((p) => fold(p).startsWith(wanted)).sort();
}

const fold = (value: string) => value.normalize('NFC').toLowerCase();
