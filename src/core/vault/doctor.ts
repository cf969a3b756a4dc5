import { lstat, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Policy } from '../policy/policy.js';
import type { Role } from '../roles.js';
import { isBusyError, renameWhenFree } from './busy.js';
import { replaceFileDurable } from './durable.js';
import { DASHBOARD_FILE, HANDBOOK_FILE, inProgressFolder, roleQueueFolder, VAULT_FOLDERS } from './layout.js';
import { decodeUtf8, normalisedText, readTaskText } from './normalise.js';
import { takeName } from './claim.js';
import { findNameTwins } from './name-twins.js';
import { putBack } from './transitions.js';

/**
 * `ai-employee doctor` (docs/task-files.md): what this project would do with a vault, for example one the
 * hackathon's Python watchers filled. It reads only, unless asked to fix; then it creates the missing folders,
 * writes the normalisation a claim would write into each task file that needs it, and moves the tasks cloud
 * does not take to local's queue (what the cloud draft worker does). Unreadable files and stray files are
 * reported, never touched: they need a person.
 */

export type TaskVerdict = 'ok' | 'normalise' | 'route' | 'refuse' | 'nobody';

export interface DoctorTask {
  path: string;
  verdict: TaskVerdict;
  type?: string;
  /** The role that claims it (where it is, or once routed). */
  takenBy?: Role;
  /** What its claim (or --fix) writes: `priority: P1 → urgent`. */
  changes?: string[];
  /** For `refuse`: why it cannot be read; for `route`/`nobody`: where it goes or why no role takes it. */
  reason?: string;
}

export interface DoctorScan {
  root: string;
  missingFolders: string[];
  tasks: DoctorTask[];
  /** Files and folders that are no part of the vault protocol (left alone), each with why it is listed. */
  stray: Array<{ path: string; why: string }>;
  /** How many files each other protocol folder holds (not judged: only queues are claimed). */
  counts: Record<string, number>;
  /** Paths that differ only by case or Unicode form: one file on a Mac or a Windows PC (name-twins.ts). */
  nameTwins: string[][];
}

export interface DoctorFixes {
  createdFolders: string[];
  normalised: string[];
  routed: string[];
  /** Files a fix did not apply to, and why (a namesake in the way, moved meanwhile). */
  skipped: Array<{ path: string; why: string }>;
}

const QUEUES = VAULT_FOLDERS.filter((f) => f.split('/')[0] === 'Needs_Action');
const TOP_FOLDERS = new Set(VAULT_FOLDERS.map((f) => f.split('/')[0] as string));
const TOP_FILES = new Set([DASHBOARD_FILE, HANDBOOK_FILE]);

const exists = (p: string) =>
  lstat(p).then(
    () => true,
    () => false,
  );

/** Which role claims `type` from `queue`, if any. */
function claimerOf(policies: Record<Role, Policy>, type: string, queue: string): Role | undefined {
  return (['cloud', 'local'] as const).find((r) => policies[r].canClaim(type, queue));
}

export async function scanVault(
  root: string,
  policies: Record<Role, Policy>,
  options: { timeZone?: string } = {},
): Promise<DoctorScan> {
  const scan: DoctorScan = { root, missingFolders: [], tasks: [], stray: [], counts: {}, nameTwins: [] };
  for (const folder of VAULT_FOLDERS)
    if (!(await exists(path.join(root, ...folder.split('/'))))) scan.missingFolders.push(folder);

  for (const entry of await readdir(root, { withFileTypes: true }).catch(() => [])) {
    if (entry.name.startsWith('.')) continue; // .git, .obsidian, .gitignore: not ours to judge
    if (entry.isDirectory() && TOP_FOLDERS.has(entry.name)) continue;
    if (entry.isFile() && TOP_FILES.has(entry.name)) continue;
    scan.stray.push({
      path: entry.isDirectory() ? `${entry.name}/` : entry.name,
      why: entry.isSymbolicLink()
        ? 'a symbolic link: the vault does not follow links'
        : 'not part of the vault protocol: left alone',
    });
  }

  for (const queue of QUEUES) {
    const dir = path.join(root, ...queue.split('/'));
    for (const entry of (await readdir(dir, { withFileTypes: true }).catch(() => [])).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const rel = `${queue}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!QUEUES.includes(rel as (typeof QUEUES)[number]))
          scan.stray.push({ path: `${rel}/`, why: 'a folder in a queue: its files are never claimed' });
        continue;
      }
      if (entry.name === '.gitkeep') continue;
      if (entry.name.startsWith('.')) {
        scan.stray.push({ path: rel, why: 'a hidden file: never claimed (a temp file of a write cut short?)' });
        continue;
      }
      if (!entry.isFile() || !entry.name.toLowerCase().endsWith('.md')) {
        scan.stray.push({
          path: rel,
          why: entry.isSymbolicLink()
            ? 'a symbolic link: never followed'
            : 'not a task file (.md): never claimed; keep attachments outside the queues',
        });
        continue;
      }
      scan.tasks.push(await judge(root, rel, queue, entry.name, policies, options.timeZone));
    }
  }

  for (const folder of VAULT_FOLDERS) {
    if (QUEUES.includes(folder as (typeof QUEUES)[number])) continue;
    const names = await readdir(path.join(root, ...folder.split('/'))).catch(() => [] as string[]);
    scan.counts[folder] = names.filter((n) => n.endsWith('.md') && !n.startsWith('.')).length;
  }
  scan.nameTwins = await findNameTwins(root);
  return scan;
}

async function judge(
  root: string,
  rel: string,
  queue: string,
  name: string,
  policies: Record<Role, Policy>,
  timeZone?: string,
): Promise<DoctorTask> {
  const abs = path.join(root, ...rel.split('/'));
  const [bytes, info] = await Promise.all([readFile(abs), stat(abs)]);
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) return { path: rel, verdict: 'refuse', reason: decoded.reason };
  const read = readTaskText(decoded.text, { fileName: name, mtime: info.mtime, timeZone });
  if (!read.ok) return { path: rel, verdict: 'refuse', reason: read.reason };
  const { type, changes } = read.task;
  if (type === 'draft') return { path: rel, verdict: 'ok', type, reason: 'a draft: it follows its task to Done/' };
  const here = claimerOf(policies, type, queue);
  if (here) return { path: rel, verdict: changes.length ? 'normalise' : 'ok', type, takenBy: here, changes };
  const localQueue = roleQueueFolder('local');
  if (queue === 'Needs_Action' && policies.local.canClaim(type, localQueue))
    return {
      path: rel,
      verdict: 'route',
      type,
      takenBy: 'local',
      changes,
      reason: `local takes \`${type}\` from ${localQueue}/: the cloud draft worker moves it there (--fix moves it now)`,
    };
  return {
    path: rel,
    verdict: 'nobody',
    type,
    changes,
    reason: `no role takes \`${type}\` from ${queue}/ (policies/*.json claim); move it to the queue of the role that should`,
  };
}

/**
 * Applies what the scan found fixable. Each task file is rewritten the way a claim would take it: renamed
 * away first (into In_Progress/<role>/ under a hidden take name, as a claim does), so a claimer racing us
 * either gets the file before us or finds it gone, never a second copy; then rewritten, then linked back
 * without clobbering. A crash in between leaves a take that `recover` returns to its queue.
 */
export async function applyFixes(
  scan: DoctorScan,
  options: { timeZone?: string; clock?: () => Date } = {},
): Promise<DoctorFixes> {
  const clock = options.clock ?? (() => new Date());
  const fixes: DoctorFixes = { createdFolders: [], normalised: [], routed: [], skipped: [] };
  for (const folder of scan.missingFolders) {
    const dir = path.join(scan.root, ...folder.split('/'));
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, '.gitkeep'), '', { flag: 'a' });
    fixes.createdFolders.push(folder);
  }
  for (const task of scan.tasks) {
    if (task.verdict !== 'normalise' && task.verdict !== 'route') continue;
    const name = path.posix.basename(task.path);
    const queue = path.posix.dirname(task.path);
    const role: Role = queue === roleQueueFolder('local') ? 'local' : 'cloud';
    const abs = path.join(scan.root, ...task.path.split('/'));
    const taking = path.join(scan.root, ...inProgressFolder(role).split('/'), takeName(name, clock()));
    try {
      await renameWhenFree(abs, taking);
    } catch (err) {
      if (isBusyError(err)) {
        fixes.skipped.push({ path: task.path, why: 'open in another program: run --fix again once it is closed' });
        continue;
      }
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      fixes.skipped.push({ path: task.path, why: 'moved away meanwhile (claimed?)' });
      continue;
    }
    const decoded = decodeUtf8(await readFile(taking));
    const read = decoded.ok
      ? readTaskText(decoded.text, { fileName: name, mtime: (await stat(taking)).mtime, timeZone: options.timeZone })
      : undefined;
    if (read?.ok && read.task.changes.length > 0) {
      await replaceFileDurable(taking, normalisedText(read.task, {}), { syncDir: false });
      fixes.normalised.push(task.path);
    }
    const target = task.verdict === 'route' ? `${roleQueueFolder('local')}/${name}` : task.path;
    if (await putBack(taking, path.join(scan.root, ...target.split('/')))) {
      if (task.verdict === 'route') fixes.routed.push(target);
      continue;
    }
    // A namesake waits at the target: put it back where it was, normalised.
    if (await putBack(taking, abs)) fixes.skipped.push({ path: task.path, why: `${target} exists already` });
    else
      fixes.skipped.push({
        path: task.path,
        why: `a new file took its name meanwhile; it waits in ${inProgressFolder(role)}/ for "ai-employee recover"`,
      });
  }
  return fixes;
}
