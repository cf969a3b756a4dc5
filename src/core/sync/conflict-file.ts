import { createHash } from 'node:crypto';
import { newTaskText } from '../vault/frontmatter.js';
import type { Role } from '../roles.js';
import type { ConflictCase } from './plan.js';

/** A conflict left for the human: `Needs_Action/local/SYNC_CONFLICT_<path>_<hash>.md` (DESIGN §6). */
export interface ConflictFile {
  rel: string;
  text: string;
}

/** A fence longer than any run of backticks in `text`, so a version can never close its own block. */
function fenceFor(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(longest + 1);
}

function block(label: string, text: string | null): string {
  if (text === null) return `### ${label}\n\n_Deleted (or moved elsewhere) on this side._\n`;
  const fence = fenceFor(text);
  return `### ${label}\n\n${fence}markdown\n${text.replace(/\n?$/, '\n')}${fence}\n`;
}

/**
 * Builds the file. Its name and id derive from the path and both versions, so a retried integration
 * produces the same file instead of a second one.
 */
export function conflictFile(args: {
  conflict: ConflictCase;
  role: Role;
  peer: Role;
  ours: string | null;
  theirs: string | null;
  now: Date;
}): ConflictFile {
  const { conflict } = args;
  const digest = createHash('sha256')
    .update(`${conflict.path}\n${conflict.ours?.oid ?? '-'}\n${conflict.theirs?.oid ?? '-'}`)
    .digest('hex')
    .slice(0, 10);
  const slug =
    conflict.path
      .replace(/\.md$/i, '')
      .replace(/[^A-Za-z0-9]+/g, '_')
      .replace(/^_|_$/g, '')
      .slice(0, 80) || 'file';
  const rel = `Needs_Action/local/SYNC_CONFLICT_${slug}_${digest}.md`;
  const keptSide = conflict.kept === 'ours' ? args.role : args.peer;
  const text = newTaskText(
    {
      id: `sync-conflict:${digest}`,
      type: 'sync_conflict',
      title: `Both machines changed ${conflict.path}`,
      source: 'git-sync',
      created: args.now.toISOString(),
      status: 'new',
      priority: 'high',
      path: conflict.path,
      kept: keptSide,
    },
    [
      `# Sync conflict: ${conflict.path}`,
      '',
      `The ${args.role} and ${args.peer} machines both changed \`${conflict.path}\` before they could sync.`,
      `The ${keptSide} version stays in place; both versions are below, so nothing is lost.`,
      '',
      '**What to do:** merge what you want to keep into the file (or restore it from the text below),',
      'then move this note to `Done/`.',
      '',
      block(`${args.role} version (this machine)`, args.ours),
      block(`${args.peer} version (reached the remote first)`, args.theirs),
    ].join('\n'),
  );
  return { rel, text };
}
