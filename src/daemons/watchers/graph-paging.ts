import { graphGet, type GraphOptions } from '../../core/providers/graph-client.js';

/** Graph's `2026-11-26T09:00:00+0000` as epoch ms (NaN if unreadable). */
export function graphMs(value: unknown): number {
  return typeof value === 'string' ? Date.parse(value.replace(/([+-]\d\d)(\d\d)$/, '$1:$2')) : Number.NaN;
}

export interface GraphPage<T> {
  data?: T[];
  paging?: { next?: string };
}

/** Set by the pagers when they stop at their page cap with a `next` still unread. */
export interface PagingState {
  truncated: boolean;
}

/**
 * The pages of an edge whose first page is already in hand (a nested edge like a post's `comments{…}`), then
 * its `paging.next` (origin swapped for ours by graphUrl), at most `maxPages` in all so one poll stays
 * bounded. A page may be empty and still have `next` (Graph filters after cutting a page): keep going.
 */
export async function* edgePages<T>(
  options: GraphOptions,
  first: GraphPage<T> | undefined,
  maxPages: number,
  state: PagingState = { truncated: false },
  needs?: string,
): AsyncGenerator<T[]> {
  let page = first;
  for (let n = 1; page; n += 1) {
    yield page.data ?? [];
    const next = page.paging?.next;
    if (!next) return;
    if (n >= maxPages) {
      state.truncated = true;
      return;
    }
    page = (await graphGet(options, next, {}, needs)) as GraphPage<T>;
  }
}

/** The pages of a Graph edge read from its path (see edgePages). */
export async function* graphPages<T>(
  options: GraphOptions,
  path: string,
  query: Record<string, string>,
  maxPages: number,
  state: PagingState = { truncated: false },
  needs?: string,
): AsyncGenerator<T[]> {
  const first = (await graphGet(options, path, query, needs)) as GraphPage<T>;
  yield* edgePages(options, first, maxPages, state, needs);
}

/** The watermark cursor of the Graph watchers: ISO times per stream, as JSON. */
export function readMarks(cursor: string | undefined): Record<string, number> {
  if (!cursor) return {};
  try {
    const parsed = JSON.parse(cursor) as Record<string, string>;
    return Object.fromEntries(
      Object.entries(parsed)
        .map(([k, v]) => [k, Date.parse(v)])
        .filter(([, v]) => Number.isFinite(v)),
    );
  } catch {
    return {};
  }
}

export function writeMarks(marks: Record<string, number>): string {
  return JSON.stringify(
    Object.fromEntries(
      Object.entries(marks)
        .filter(([, v]) => Number.isFinite(v))
        .map(([k, v]) => [k, new Date(v).toISOString()]),
    ),
  );
}
