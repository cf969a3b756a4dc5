import { graphGet, isVanishedObject, type GraphOptions } from '../../core/providers/graph-client.js';

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
  /**
   * True when the edge belongs to an object that can vanish while it is read (a post, a conversation, a media):
   * Graph's "cannot load object" (100/33) then ends that edge instead of the poll.
   */
  objectMayVanish?: boolean;
}

/** One page of an edge, or undefined when its object vanished and the state allows that (see PagingState). */
async function fetchPage<T>(
  options: GraphOptions,
  pathOrNext: string,
  query: Record<string, string>,
  state: PagingState,
  needs?: string,
): Promise<GraphPage<T> | undefined> {
  try {
    return (await graphGet(options, pathOrNext, query, needs)) as GraphPage<T>;
  } catch (err) {
    if (!state.objectMayVanish || !isVanishedObject(err)) throw err;
    return undefined;
  }
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
    page = await fetchPage<T>(options, next, {}, state, needs);
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
  const first = await fetchPage<T>(options, path, query, state, needs);
  if (first) yield* edgePages(options, first, maxPages, state, needs);
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

/** A poll cut short keeps the stream's old watermark, so the next poll reads what this one left. */
export function keepMark(next: Record<string, number>, marks: Record<string, number>, key: string): void {
  if (marks[key] === undefined) delete next[key];
  else next[key] = marks[key];
}
