import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, realpath, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { initVault } from '../../src/core/vault/init.js';
import { seedEmailTask } from '../../test/helpers/vault.js';

/** A fresh vault in its own temp folder, with `n` email tasks in Needs_Action/. Returns the real root. */
export async function seededVault(n: number, label: string): Promise<{ root: string; tasks: string[] }> {
  const root = await realpath(await mkdtemp(path.join(os.tmpdir(), `bench-${label}-`)));
  await initVault(root);
  const tasks: string[] = [];
  for (let i = 1; i <= n; i += 1) tasks.push(await seedEmailTask(root, i));
  // Why sync: the seeding leaves dirty pages; flush them now so that the first fsyncs of the run do not pay for them.
  execFileSync('sync');
  return { root, tasks };
}

export async function removeVault(root: string): Promise<void> {
  await rm(root, { recursive: true, force: true });
}

/** The draft body every contender writes: a plausible reply of about 600 characters. */
export function draftBody(taskRel: string): string {
  return [
    `Dear customer,`,
    '',
    `Thank you for your message (${path.posix.basename(taskRel)}). We have looked into your question and can confirm`,
    'that your order is on its way. You will receive the tracking number by email within one working day.',
    'If anything is missing or damaged on arrival, reply to this email with a photo and we will replace it at',
    'no cost. Our office is open Monday to Friday, 9:00 to 17:00.',
    '',
    'Kind regards,',
    'The team',
  ].join('\n');
}

export interface Verification {
  ok: boolean;
  problems: string[];
  drafts: number;
  claimed: number;
  queued: number;
  auditLines: number;
}

/**
 * Checks that a run did the work: the queue is empty, every task is in In_Progress/cloud/, every draft exists
 * in Needs_Action/cloud/ and mentions its task. `auditPerTask` (when given) is the exact number of audit lines
 * expected per task, so that a run that skipped its audit writes cannot pass either.
 */
export async function verifyRun(root: string, tasks: readonly string[], auditPerTask?: number): Promise<Verification> {
  const problems: string[] = [];
  const list = async (rel: string) =>
    (await readdir(path.join(root, rel))).filter((n) => !n.startsWith('.') && n.endsWith('.md'));
  const queued = (await list('Needs_Action')).length;
  const claimedNames = new Set(await list('In_Progress/cloud'));
  const draftNames = new Set((await list('Needs_Action/cloud')).filter((n) => n.startsWith('DRAFT_')));
  const hidden = (await readdir(path.join(root, 'In_Progress/cloud'))).filter(
    (n) => n.startsWith('.') && n !== '.gitkeep',
  );
  if (queued !== 0) problems.push(`${queued} tasks still in Needs_Action/`);
  if (hidden.length) problems.push(`${hidden.length} hidden/temp files left in In_Progress/cloud/`);
  let missing = 0;
  for (const rel of tasks) {
    const name = path.posix.basename(rel);
    if (!claimedNames.has(name)) missing += 1;
    if (!draftNames.has(`DRAFT_${name}`)) missing += 1;
  }
  if (missing) problems.push(`${missing} claimed files or drafts missing`);
  // Spot-check contents of a few drafts (first, middle, last).
  for (const rel of [tasks[0], tasks[Math.floor(tasks.length / 2)], tasks[tasks.length - 1]]) {
    if (rel === undefined) continue;
    const name = path.posix.basename(rel);
    const text = await readFile(path.join(root, 'Needs_Action/cloud', `DRAFT_${name}`), 'utf8').catch(() => '');
    if (!text.includes(name)) problems.push(`DRAFT_${name} does not mention its task`);
  }
  let auditLines = 0;
  for (const log of (await readdir(path.join(root, 'Logs'))).filter((n) => n.endsWith('.jsonl'))) {
    const text = await readFile(path.join(root, 'Logs', log), 'utf8');
    for (const line of text.split('\n')) {
      if (line === '') continue;
      JSON.parse(line); // throws on an interleaved or torn line
      auditLines += 1;
    }
  }
  if (auditPerTask !== undefined && auditLines !== auditPerTask * tasks.length)
    problems.push(`expected ${auditPerTask * tasks.length} audit lines, found ${auditLines}`);
  return {
    ok: problems.length === 0,
    problems,
    drafts: draftNames.size,
    claimed: claimedNames.size,
    queued,
    auditLines,
  };
}
