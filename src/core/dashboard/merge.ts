import { readFile, stat, unlink } from 'node:fs/promises';
import { conflict, policyDenied } from '../errors.js';
import { absOf, folderAbs, type VaultContext } from '../vault/context.js';
import { fsyncDir, replaceFileDurable } from '../vault/durable.js';
import { DASHBOARD_FILE } from '../vault/layout.js';
import { listFiles, vaultStatus } from '../vault/reading.js';
import { DASHBOARD_TEMPLATE } from '../vault/skeleton.js';
import {
  parseMerged,
  renderAlerts,
  renderApprovals,
  renderInfo,
  renderMerged,
  renderState,
  UPDATED_LINE,
} from './render.js';
import { eolOf, findSections, replaceSections, sectionBody } from './sections.js';
import { DASHBOARD_WITH_MARKERS } from './template.js';
import { parseUpdate, type UpdateEntry } from './update-entry.js';

export interface MergeResult {
  /** Update files taken into the page by this merge. */
  merged: string[];
  /** Update files removed from Updates/ (this merge's, and any an interrupted merge had taken in already). */
  removed: number;
  /** False when the page already said all of it (no write, so no needless git commit). */
  written: boolean;
}

/** How often the merge starts over when Dashboard.md changes under it (a human saving in Obsidian). */
const ATTEMPTS = 3;

/**
 * Merges `Updates/` into Dashboard.md (DESIGN §3: local is the page's single writer) and removes the files
 * it merged. Order is what makes it safe: the page — with the merged file names recorded in it — is written
 * durably first, the files are removed after. A crash in between leaves files that the next merge finds in
 * its record and only removes: nothing lost, nothing twice. `stateLines` is the state section's markdown.
 */
export async function mergeDashboard(
  ctx: VaultContext,
  options: { stateLines: readonly string[] },
): Promise<MergeResult> {
  if (!ctx.policy.canWrite(DASHBOARD_FILE))
    throw policyDenied(
      `Dashboard.md is written by the local machine only; run "ai-employee dashboard" there (AGENT_ROLE=local). The ${ctx.role} role posts to Updates/ instead.`,
      { role: ctx.role },
    );
  ctx.policy.require('vault.read', 'Merging the dashboard');
  const pageAbs = await absOf(ctx, DASHBOARD_FILE);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const original = await readIfExists(pageAbs);
    // An untouched first-generation page has no markers: swap it whole rather than append below it.
    const base = original === undefined || original === DASHBOARD_TEMPLATE ? DASHBOARD_WITH_MARKERS : original;
    const spans = findSections(base);
    const bodyOf = (name: string) => {
      const span = spans.get(name);
      return span ? sectionBody(base, span) : '';
    };
    const already = parseMerged(bodyOf('merged'));
    const { files, fresh } = await readUpdates(ctx, already);
    const now = ctx.clock();
    const pending = (await vaultStatus(ctx)).pending_approvals;
    const state = renderState(options.stateLines, now);
    const bodies = new Map<string, string>([
      ['state', state],
      ['approvals', renderApprovals(pending, now)],
      ['alerts', renderAlerts(fresh, bodyOf('alerts'))],
      ['updates', renderInfo(fresh, bodyOf('updates'))],
      // Why keep the old record when nothing came in: names are unique, and clearing it would be a write.
      ['merged', renderMerged(files.length ? files : [...already])],
    ]);
    const eol = eolOf(base);
    // Unchanged but for the "Updated" time → no write: the page is synced by git and must not churn.
    const oldStamp = UPDATED_LINE.exec(bodyOf('state'))?.[0];
    const sameAsBefore =
      original !== undefined &&
      oldStamp !== undefined &&
      replaceSections(base, new Map([...bodies, ['state', state.replace(UPDATED_LINE, oldStamp)]]), eol) === original;
    let written = false;
    if (!sameAsBefore) {
      const next = replaceSections(base, bodies, eol);
      // Why re-read: a human may have saved the page while we built ours; theirs must not be lost.
      if ((await readIfExists(pageAbs)) !== original) continue;
      await replaceFileDurable(pageAbs, next);
      written = true;
    }
    const removed = await removeMerged(ctx, files);
    if (fresh.length > 0)
      await ctx.audit.record({
        action_type: 'dashboard.merge',
        target: DASHBOARD_FILE,
        parameters: { merged: fresh.length, alerts: fresh.filter((e) => e.level === 'alert').length },
        result: 'ok',
      });
    return { merged: fresh.map((e) => e.file), removed, written };
  }
  throw conflict('Dashboard.md kept changing while the dashboard merge ran; save your edit and run it again.');
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Every update file now in Updates/ (`files`), and those not merged before, read (`fresh`). */
async function readUpdates(
  ctx: VaultContext,
  already: ReadonlySet<string>,
): Promise<{ files: string[]; fresh: UpdateEntry[] }> {
  const files: string[] = [];
  const fresh: UpdateEntry[] = [];
  for (const name of (await listFiles(ctx, 'Updates')).sort()) {
    if (already.has(name)) {
      files.push(name);
      continue;
    }
    const abs = await absOf(ctx, `Updates/${name}`);
    try {
      const [text, info] = await Promise.all([readFile(abs, 'utf8'), stat(abs)]);
      fresh.push(parseUpdate(name, text, info.mtime.toISOString()));
      files.push(name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      // removed by another merge since we listed it: it is that merge's to record
    }
  }
  return { files, fresh };
}

async function removeMerged(ctx: VaultContext, files: readonly string[]): Promise<number> {
  let removed = 0;
  for (const name of files) {
    const rel = `Updates/${name}`;
    ctx.policy.requireWritable(rel, 'Removing a merged update');
    try {
      await unlink(await absOf(ctx, rel));
      removed++;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  if (removed > 0) await fsyncDir(await folderAbs(ctx, 'Updates'));
  return removed;
}
