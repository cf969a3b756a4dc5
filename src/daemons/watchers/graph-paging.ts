import { graphGet, type GraphOptions } from '../../core/providers/graph-client.js';

/** Graph's `2026-11-26T09:00:00+0000` as epoch ms (NaN if unreadable). */
export function graphMs(value: unknown): number {
  return typeof value === 'string' ? Date.parse(value.replace(/([+-]\d\d)(\d\d)$/, '$1:$2')) : Number.NaN;
}

interface GraphPage<T> {
  data?: T[];
  paging?: { next?: string };
}

/**
 * The pages of a Graph edge, following `paging.next` (its origin swapped for ours by graphUrl), at most
 * `maxPages` of them so one poll stays bounded.
 */
export async function* graphPages<T>(
  options: GraphOptions,
  path: string,
  query: Record<string, string>,
  maxPages: number,
): AsyncGenerator<T[]> {
  let next: string | undefined;
  for (let page = 0; page < maxPages; page += 1) {
    const body = (await (next ? graphGet(options, next) : graphGet(options, path, query))) as GraphPage<T>;
    yield body.data ?? [];
    next = body.paging?.next;
    if (!next) return;
  }
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
  return JSON.stringify(Object.fromEntries(Object.entries(marks).map(([k, v]) => [k, new Date(v).toISOString()])));
}
