import { isGraphError, type GraphOptions } from '../../core/providers/graph-client.js';
import {
  edgePages,
  graphMs,
  graphPages,
  keepMark,
  readMarks,
  writeMarks,
  type GraphPage,
  type PagingState,
} from './graph-paging.js';
import { quote } from './task-file.js';
import type { WatchBatch, WatchItem, WatchSource } from './types.js';

export interface FacebookSourceOptions {
  graph: Omit<GraphOptions, 'signal'>;
  pageId: string;
  /** Posts this old are still searched for new comments (the feed's `since` filters posts, not comments). */
  lookbackMs?: number;
  /** Feed pages (25 posts each) and conversation pages read per poll. */
  maxPages?: number;
  /** Pages of comments (25 each) read per post per poll; past it the poll keeps its watermark and goes on next time. */
  commentPages?: number;
  /** Pages of messages (25 each) read per conversation per poll. */
  messagePages?: number;
}

interface FbComment {
  id: string;
  from?: { id?: string; name?: string };
  message?: string;
  created_time?: string;
  parent?: { id?: string };
}
interface FbPost {
  id: string;
  message?: string;
  comments?: GraphPage<FbComment>;
}
interface FbConversation {
  id: string;
  updated_time?: string;
  messages?: GraphPage<FbComment>;
}

/** What the owner must grant when Graph refuses a read without naming the permission. */
const PAGE_CONTENT = 'pages_read_engagement and pages_read_user_content';
const MESSAGING = 'pages_messaging';
/**
 * Why `filter(stream)`: Graph's default for a comments edge is `toplevel`, which leaves out every reply;
 * `stream` lists every comment at every depth, oldest first, each reply with its `parent`. Why 25: Graph's
 * default page, asked for explicitly so the nested `paging.next` is what gets followed.
 */
const FEED_FIELDS = 'id,created_time,message,comments.filter(stream).limit(25){id,from,message,created_time,parent}';
const CONVERSATION_FIELDS = 'id,updated_time,messages.limit(25){id,from,message,created_time}';

/**
 * Facebook Page: new comments and replies at any depth on the Page's posts (`/{page}/feed` with the nested
 * comments edge, each post's comments followed page by page through their own `paging.next`) and new Messenger
 * messages (`/{page}/conversations?platform=messenger`, each conversation's messages followed back to the
 * watermark). Both keep a time watermark; items at the watermark's exact time are fetched again (the
 * comparison is inclusive, so none is lost at equal timestamps) and the runner's seen-ids drop the repeats.
 * One page is held at a time, so memory stays bounded whatever the backlog. A poll that stops at a page cap
 * keeps its old watermark (the next poll reads the rest). The Page's own comments and messages are not tasks.
 */
export function facebookSource(options: FacebookSourceOptions): WatchSource {
  const lookback = options.lookbackMs ?? 7 * 86_400_000;
  const maxPages = options.maxPages ?? 10;
  const commentPages = options.commentPages ?? 400;
  const messagePages = options.messagePages ?? 40;
  return {
    name: 'facebook',
    classify: (err) => (isGraphError(err) ? err : undefined),
    async *poll(cursor, signal): AsyncGenerator<WatchBatch> {
      const graph = { ...options.graph, signal };
      const marks = readMarks(cursor);
      const next = { ...marks };
      const since: Record<string, string> =
        marks['comments'] !== undefined ? { since: String(Math.floor((marks['comments'] - lookback) / 1000)) } : {};
      const comments: PagingState = { truncated: false, objectMayVanish: true };
      const feed = graphPages<FbPost>(
        graph,
        `${options.pageId}/feed`,
        { fields: FEED_FIELDS, ...since },
        maxPages,
        undefined,
        PAGE_CONTENT,
      );
      for await (const posts of feed)
        for (const post of posts)
          for await (const page of edgePages(graph, post.comments, commentPages, comments, PAGE_CONTENT)) {
            const items: WatchItem[] = [];
            for (const c of page) {
              const at = graphMs(c.created_time);
              if (!Number.isFinite(at)) continue;
              next['comments'] = Math.max(next['comments'] ?? 0, at);
              if (c.from?.id === options.pageId || at < (marks['comments'] ?? 0)) continue;
              items.push(commentItem(c, post, at));
            }
            yield { items };
          }
      if (comments.truncated) keepMark(next, marks, 'comments');

      const messages: PagingState = { truncated: false, objectMayVanish: true };
      const mark = marks['messages'] ?? 0;
      const conversations = graphPages<FbConversation>(
        graph,
        `${options.pageId}/conversations`,
        { platform: 'messenger', fields: CONVERSATION_FIELDS },
        maxPages,
        undefined,
        MESSAGING,
      );
      outer: for await (const page of conversations)
        for (const conv of page) {
          // Conversations come newest first and have no time paging: stop at the first one older than the mark.
          if (graphMs(conv.updated_time) < mark) break outer;
          // Messages come newest first: follow them back until one is older than the mark.
          for await (const batch of edgePages(graph, conv.messages, messagePages, messages, MESSAGING)) {
            const items: WatchItem[] = [];
            let older = false;
            for (const m of batch) {
              const at = graphMs(m.created_time);
              if (!Number.isFinite(at)) continue;
              next['messages'] = Math.max(next['messages'] ?? 0, at);
              if (at < mark) {
                older = true;
                break;
              }
              if (m.from?.id !== options.pageId) items.push(messageItem(m, conv, at));
            }
            yield { items };
            if (older) break;
          }
        }
      if (messages.truncated) keepMark(next, marks, 'messages');
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
      ...(c.parent?.id ? { parent_comment_id: c.parent.id } : {}),
    },
    body: [
      `# Facebook ${c.parent?.id ? 'reply' : 'comment'} from ${author}`,
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
