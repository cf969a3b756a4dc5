import { coarseAge } from './age.js';
import type { UpdateEntry } from './update-entry.js';

/** How the merged sections look. Each function returns a section's body (between its markers). */

export const MAX_ALERTS = 30;
export const MAX_INFO = 20;

/** The "Updated …" line of the state section: ignored when deciding whether the page changed. */
export const UPDATED_LINE = /^_Updated [^\n]*_$/m;

export function stamp(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export function renderState(lines: readonly string[], now: Date): string {
  return [
    '## State',
    '',
    `_Updated ${stamp(now.toISOString())}._`,
    '',
    ...(lines.length ? lines : ['_Nothing to report._']),
  ].join('\n');
}

export interface PendingForDashboard {
  path: string;
  action?: string;
  age_minutes: number;
  expires?: string;
}

/** An Obsidian link to a vault file; a name Obsidian cannot link (`|#^[]`) gets a plain markdown link. */
export function obsidianLink(rel: string): string {
  const target = rel.replace(/\.md$/i, '');
  return /[|#^[\]]/.test(target) ? `[${target}](<${rel}>)` : `[[${target}]]`;
}

export function renderApprovals(pending: readonly PendingForDashboard[], now: Date): string {
  const rows = [...pending]
    .sort((a, b) => b.age_minutes - a.age_minutes || a.path.localeCompare(b.path))
    .map((p) => {
      const expired = p.expires !== undefined && Date.parse(p.expires) <= now.getTime();
      const age = p.age_minutes < 0 ? 'age ?' : coarseAge(p.age_minutes * 60);
      return `- ${obsidianLink(p.path)} · ${p.action ?? '?'} · ${age}${expired ? ' · **expired**: reject it or ask for a fresh one' : ''}`;
    });
  return [
    '## Pending approvals',
    '',
    ...(rows.length
      ? ['Approve by moving the file to `Approved/`, reject by moving it to `Rejected/`. Oldest first.', '', ...rows]
      : ['_None._']),
  ].join('\n');
}

function entryLine(e: UpdateEntry, checkbox: boolean): string {
  return `- ${checkbox ? '[ ] ' : ''}${stamp(e.created)} · **${e.title}** · ${e.from}${e.summary ? `: ${e.summary}` : ''}`;
}

const newestFirst = (a: UpdateEntry, b: UpdateEntry) =>
  b.created.localeCompare(a.created) || b.file.localeCompare(a.file);

/**
 * Alerts stay until the owner acknowledges them — ticks the box (`[x]`) or deletes the line — and at most
 * MAX_ALERTS are kept (the oldest go first). `kept` is the section's current body.
 */
export function renderAlerts(fresh: readonly UpdateEntry[], keptBody: string): string {
  const kept = keptBody.split(/\r?\n/).filter((l) => /^- \[ \] /.test(l));
  const rows = [
    ...fresh
      .filter((e) => e.level === 'alert')
      .sort(newestFirst)
      .map((e) => entryLine(e, true)),
    ...kept,
  ];
  return [
    '## Alerts',
    '',
    ...(rows.length
      ? [
          'Tick an alert (`[x]`) or delete its line once handled; the next merge drops it. Newest first.',
          '',
          ...rows.slice(0, MAX_ALERTS),
        ]
      : ['_None._']),
  ].join('\n');
}

/** The latest MAX_INFO informational updates, newest first. */
export function renderInfo(fresh: readonly UpdateEntry[], keptBody: string): string {
  const kept = keptBody.split(/\r?\n/).filter((l) => l.startsWith('- '));
  const rows = [
    ...fresh
      .filter((e) => e.level === 'info')
      .sort(newestFirst)
      .map((e) => entryLine(e, false)),
    ...kept,
  ];
  return ['## Recent updates', '', ...(rows.length ? rows.slice(0, MAX_INFO) : ['_None._'])].join('\n');
}

/**
 * The update files this merge took in, kept in the page itself so that they are recorded in the same
 * atomic write as their content: a merge cut short before it removed them skips them next time.
 */
export function renderMerged(files: readonly string[]): string {
  return [
    '<!-- update files merged into this page (a merge cut short before removing them skips them next time):',
    ...files.map((f) => encodeURIComponent(f)),
    '-->',
  ].join('\n');
}

export function parseMerged(body: string): Set<string> {
  const names = new Set<string>();
  for (const line of body.split(/\r?\n/)) {
    const t = line.trim();
    if (t === '' || t.startsWith('<!--') || t === '-->') continue;
    try {
      names.add(decodeURIComponent(t));
    } catch {
      // not one of ours; ignore
    }
  }
  return names;
}
