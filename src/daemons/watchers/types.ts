import type { AppError } from '../../core/errors.js';

/** The file-name prefixes of DESIGN §3. */
export type TaskKind = 'EMAIL' | 'TWEET' | 'FB' | 'IG' | 'FILE';
export const WATCHER_NAMES = ['gmail', 'twitter', 'facebook', 'instagram', 'inbox'] as const;
export type WatcherName = (typeof WATCHER_NAMES)[number];

/** One new thing from a source, ready to become `Needs_Action/<kind>_<sourceId>.md`. */
export interface WatchItem {
  kind: TaskKind;
  /** The id within the source (a Gmail message id, a tweet id, ...); part of the file name. */
  sourceId: string;
  /** Frontmatter: `id` (stable, e.g. `gmail:<id>`), `type`, `created`, and the type's own fields. */
  fields: Record<string, unknown> & { id: string; type: string; created: string };
  /** Markdown a human can read in Obsidian. */
  body: string;
}

/**
 * A page of new items. `cursor`, when set, is where the next poll starts once every item of this and the
 * earlier batches is safely in the vault; a batch without one only adds items.
 */
export interface WatchBatch {
  items: WatchItem[];
  cursor?: string;
}

/**
 * What a watcher polls. One per provider, each in its own file; the runner does everything else (state,
 * exactly-once, waits, alerts), so every source passes the same contract suite.
 */
export interface WatchSource {
  readonly name: WatcherName;
  /** New items since `cursor` (undefined on the first run), in batches so memory stays flat on a backlog. */
  poll(cursor: string | undefined, signal: AbortSignal): AsyncIterable<WatchBatch>;
  /** The provider error as an AppError with `details.reason` (see core/providers/errors.ts), or undefined if not one. */
  classify(err: unknown, now: Date): AppError | undefined;
}
