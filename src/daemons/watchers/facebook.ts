import { isGraphError, type GraphOptions } from '../../core/providers/graph-client.js';
import { graphMs, graphPages, readMarks, writeMarks } from './graph-paging.js';
import { quote } from './task-file.js';
import type { WatchBatch, WatchItem, WatchSource } from './types.js';

export interface FacebookSourceOptions {
  graph: Omit<GraphOptions, 'signal'>;
  pageId: string;
  /** Posts this old are still searched for new comments (the feed's `since` filters posts, not comments). */
  lookbackMs?: number;
  maxPages?: number;
}

interface FbComment {
  id: string;
  from?: { id?: string; name?: string };
  message?: string;
  created_time?: string;
}
interface FbPost {
  id: string;
  message?: string;
  comments?: { data?: FbComment[] };
}
interface FbConversation {
  id: string;
  updated_time?: string;
  messages?: { data?: FbComment[] };
}

/**
 * Facebook Page: new comments on the Page's posts (`/{page}/feed` with nested comments) and new Messenger
 * messages (`/{page}/conversations`). Both keep a time watermark; items at the watermark's exact time are
 * fetched again (the comparison is inclusive, so none is lost at equal timestamps) and the runner's seen-ids
 * drop the repeats. The Page's own comments and messages are not tasks.
 */
export function facebookSource(options: FacebookSourceOptions): WatchSource {
  const lookback = options.lookbackMs ?? 7 * 86_400_000;
  const maxPages = options.maxPages ?? 10;
  return {
    name: 'facebook',
    classify: (err) => (isGraphError(err) ? err : undefined),
    async *poll(cursor, signal): AsyncGenerator<WatchBatch> {
      const graph = { ...options.graph, signal };
      const marks = readMarks(cursor);
      const next = { ...marks };
      const since: Record<string, string> =
        marks['comments'] !== undefined ? { since: String(Math.floor((marks['comments'] - lookback) / 1000)) } : {};
      const fields = 'id,created_time,message,comments{id,from,message,created_time}';
      for await (const posts of graphPages<FbPost>(graph, `${options.pageId}/feed`, { fields, ...since }, maxPages)) {
        const items: WatchItem[] = [];
        for (const post of posts)
          for (const c of post.comments?.data ?? []) {
            const at = graphMs(c.created_time);
            if (!Number.isFinite(at)) continue;
            next['comments'] = Math.max(next['comments'] ?? 0, at);
            if (c.from?.id === options.pageId || at < (marks['comments'] ?? 0)) continue;
            items.push(commentItem(c, post, at));
          }
        yield { items };
      }
      const convFields = 'id,updated_time,messages.limit(5){id,from,message,created_time}';
      outer: for await (const conversations of graphPages<FbConversation>(
        graph,
        `${options.pageId}/conversations`,
        { platform: 'messenger', fields: convFields },
        maxPages,
      )) {
        const items: WatchItem[] = [];
        let older = false;
        for (const conv of conversations) {
          // Conversations come newest first and have no time paging: stop at the first one older than the mark.
          if (graphMs(conv.updated_time) < (marks['messages'] ?? 0)) {
            older = true;
            break;
          }
          for (const m of conv.messages?.data ?? []) {
            const at = graphMs(m.created_time);
            if (!Number.isFinite(at)) continue;
            next['messages'] = Math.max(next['messages'] ?? 0, at);
            if (m.from?.id === options.pageId || at < (marks['messages'] ?? 0)) continue;
            items.push(messageItem(m, conv, at));
          }
        }
        yield { items };
        if (older) break outer;
      }
      yield { items: [], cursor: writeMarks(next) };
    },
  };
}

function commentItem(c: FbComment, post: FbPost, at: number): WatchItem {
  const author = c.from?.name ?? c.from?.id ?? 'someone';
  const created = new Date(at).toISOString();
  return {
    kind: 'FB',
    sourceId: c.id,
    fields: {
      id: `facebook:${c.id}`,
      type: 'facebook_comment',
      source: 'facebook',
      created,
      author,
      author_id: c.from?.id,
      text: c.message ?? '',
      post_id: post.id,
      reply_to_id: c.id,
    },
    body: [
      `# Facebook comment from ${author}`,
      '',
      `**On post:** ${post.id}${post.message ? ` — ${post.message.slice(0, 80).replace(/\s+/g, ' ')}` : ''}`,
      `**Posted:** ${created}`,
      '',
      quote(c.message ?? ''),
      '',
    ].join('\n'),
  };
}

function messageItem(m: FbComment, conv: FbConversation, at: number): WatchItem {
  const author = m.from?.name ?? m.from?.id ?? 'someone';
  const created = new Date(at).toISOString();
  return {
    kind: 'FB',
    sourceId: m.id,
    fields: {
      id: `messenger:${m.id}`,
      type: 'facebook_message',
      source: 'messenger',
      created,
      author,
      author_id: m.from?.id,
      text: m.message ?? '',
      conversation_id: conv.id,
    },
    body: [`# Messenger message from ${author}`, '', `**Sent:** ${created}`, '', quote(m.message ?? ''), ''].join('\n'),
  };
}
