import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { link, lstat, open, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

/**
 * The floor: what `claim_task` + `write_draft` do on disk, syscall for syscall, in this process, with no MCP,
 * no YAML, no zod. Mirrors src/core/vault (read it when that code changes):
 * - claim (claim.ts claimPath): lstat each path segment (safe-path.ts), rename the queue file to a hidden
 *   `.claiming-*` name, read it, write the claimed text to a `.tmp-*` file + fsync, link it to its real name,
 *   unlink the temp, unlink the hidden name, fsync In_Progress/cloud and the queue folder (in parallel),
 *   append the `task.claim` audit line; then the MCP layer appends `tool.claim_task` (mcp/server.ts).
 * - draft (drafts.ts writeDraft): lstat each segment of the claimed path, read it, write the draft to a temp
 *   file + fsync, rename it into place, fsync Needs_Action/cloud, append `draft.write`; then `tool.write_draft`.
 * Audit lines (audit.ts appendChained), synchronous: create the `.tmp-audit-*.lock` file O_EXCL, fstat and
 *   close it; open the log O_APPEND, fstat, read the last 4 KiB, hash the last line, one write, close; stat
 *   and unlink the lock; no fsync.
 * So per task: 2 file fsyncs, 3 folder fsyncs, 4 audit appends.
 */

const ACTOR = { role: 'cloud', process: 'floor' };

async function lstatSegments(root: string, rel: string): Promise<void> {
  let current = root;
  for (const segment of rel.split('/')) {
    current = path.join(current, segment);
    try {
      await lstat(current);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      return;
    }
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function writeTemp(target: string, data: string): Promise<string> {
  const temp = path.join(path.dirname(target), `.tmp-${randomBytes(6).toString('hex')}-${path.basename(target)}`);
  const handle = await open(temp, 'wx', 0o644);
  try {
    await handle.writeFile(data, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  return temp;
}

async function audit(root: string, entry: Record<string, unknown>): Promise<void> {
  const now = new Date();
  const body = JSON.stringify({ timestamp: now.toISOString(), ...entry, actor: ACTOR }).slice(0, -1);
  const file = path.join(root, 'Logs', `${now.toISOString().slice(0, 10)}.cloud.jsonl`);
  const lock = path.join(root, 'Logs', `.tmp-audit-${path.basename(file)}.lock`);
  // One writer here, so the lock is always free: the floor pays its syscalls, never a wait.
  const lockFd = openSync(lock, 'wx', 0o644);
  fstatSync(lockFd);
  closeSync(lockFd);
  const fd = openSync(file, 'a+', 0o644);
  try {
    const size = fstatSync(fd).size;
    let prev = '0'.repeat(64);
    if (size > 0) {
      const tail = Buffer.allocUnsafe(Math.min(size, 4096));
      readSync(fd, tail, 0, tail.length, size - tail.length);
      prev = createHash('sha256')
        .update(tail.subarray(tail.lastIndexOf(0x0a, tail.length - 2) + 1, tail.length - 1))
        .digest('hex');
    }
    writeSync(fd, `${body},"prev":"${prev}"}\n`);
  } finally {
    closeSync(fd);
  }
  statSync(lock);
  unlinkSync(lock);
}

/** The claimed file's text: the same fields our claim sets, by string edit instead of the YAML Document. */
function claimedText(text: string, queue: string): string {
  const now = new Date();
  const end = text.indexOf('\n---', 4);
  const fields = [
    `claimed_by: ${ACTOR.role}:${ACTOR.process}`,
    `claimed_at: ${now.toISOString()}`,
    `claimed_from: ${queue}`,
    `lease_until: ${new Date(now.getTime() + 30 * 60_000).toISOString()}`,
  ].join('\n');
  return `${text.slice(0, end).replace('status: new', 'status: in_progress')}\n${fields}${text.slice(end)}`;
}

export async function floorClaim(root: string, rel: string): Promise<string> {
  await lstatSegments(root, rel);
  const name = path.posix.basename(rel);
  const queue = path.posix.dirname(rel);
  const abs = path.join(root, rel);
  const inProgress = path.join(root, 'In_Progress', 'cloud');
  const taking = path.join(inProgress, `.claiming-${randomBytes(6).toString('hex')}-${name}`);
  await rename(abs, taking);
  const text = await readFile(taking, 'utf8');
  const claimedRel = `In_Progress/cloud/${name}`;
  const claimed = path.join(inProgress, name);
  const temp = await writeTemp(claimed, claimedText(text, queue));
  try {
    await link(temp, claimed);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  await unlink(taking);
  await Promise.all([fsyncDir(inProgress), fsyncDir(path.dirname(abs))]);
  await audit(root, { action_type: 'task.claim', target: claimedRel, parameters: { from: rel, type: 'email' } });
  await audit(root, { action_type: 'tool.claim_task', parameters: { path: rel }, result: 'ok' });
  return claimedRel;
}

export async function floorDraft(root: string, claimedRel: string, body: string): Promise<string> {
  await lstatSegments(root, claimedRel);
  const text = await readFile(path.join(root, claimedRel), 'utf8');
  const stem = path.posix.basename(claimedRel).replace(/\.md$/, '');
  const id = /^id: (.*)$/m.exec(text)?.[1] ?? stem;
  const rel = `Needs_Action/cloud/DRAFT_${stem}.md`;
  const draft = [
    '---',
    `id: draft:${id}`,
    'type: draft',
    `task: ${claimedRel}`,
    `task_id: ${id}`,
    'kind: reply',
    `created: ${new Date().toISOString()}`,
    `created_by: ${ACTOR.role}:${ACTOR.process}`,
    '---',
    body.endsWith('\n') ? body : `${body}\n`,
  ].join('\n');
  const target = path.join(root, rel);
  const temp = await writeTemp(target, draft);
  try {
    await rename(temp, target);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await fsyncDir(path.dirname(target));
  await audit(root, {
    action_type: 'draft.write',
    target: rel,
    parameters: { task: claimedRel, kind: 'reply', chars: body.length },
    result: 'ok',
  });
  await audit(root, {
    action_type: 'tool.write_draft',
    parameters: { task: claimedRel, body: `[${body.length} chars]` },
    result: 'ok',
  });
  return rel;
}
