import type { TweetUserMentionTimelineV2Paginator, TwitterApi, TweetV2, UserV2 } from 'twitter-api-v2';
import { classifyXError } from '../../core/providers/x-client.js';
import { quote } from './task-file.js';
import type { WatchBatch, WatchItem, WatchSource } from './types.js';

export interface TwitterSourceOptions {
  client: TwitterApi;
  /** Our own user id (X_USER_ID); else asked once from `/2/users/me` (needs user-context credentials). */
  userId?: string;
  /** Pages followed per poll (100 mentions each, or fewer when X gives fewer); the rest waits for the next poll. */
  maxPages?: number;
}

/**
 * Where the next poll starts. Either a tweet id (every mention up to it is written: poll `since_id` it), or a
 * range still being read: mentions newer than `newest` are all written, and of those between `since` and
 * `newest` everything from `until` up is written, the older part (`since_id`..`until_id`) not yet.
 */
type Cursor = { since: string } | { since: string; until: string; newest: string };

const RANGE = /^range:(\d+):(\d+):(\d+)$/;

function parseCursor(cursor: string | undefined): Cursor | undefined {
  if (cursor === undefined) return undefined;
  const m = RANGE.exec(cursor);
  if (m?.[1] && m[2] && m[3]) return { since: m[1], until: m[2], newest: m[3] };
  return { since: cursor };
}

const rangeCursor = (since: string, until: string, newest: string) => `range:${since}:${until}:${newest}`;

/**
 * X mentions: `GET /2/users/:id/mentions?since_id=<cursor>`, newest first, following `next_token` for at most
 * `maxPages` pages. Why the range cursor: a burst larger than one poll must not lose its older part. The cursor
 * after each page says how far down the range is written; the next poll asks for the rest with `until_id` (a
 * position X keeps, unlike a stale `next_token`) and only when the range is done does the cursor become its
 * newest id. On the first run only the newest page is taken, so an old account does not flood the vault.
 */
export function twitterSource(options: TwitterSourceOptions): WatchSource {
  let userId = options.userId;
  const maxPages = options.maxPages ?? 10;
  return {
    name: 'twitter',
    classify: classifyXError,
    async *poll(raw, signal): AsyncGenerator<WatchBatch> {
      void signal;
      userId ??= (await options.client.v2.me()).data.id;
      const cursor = parseCursor(raw);
      let page: TweetUserMentionTimelineV2Paginator = await options.client.v2.userMentionTimeline(userId, {
        ...(cursor ? { since_id: cursor.since } : {}),
        ...(cursor && 'until' in cursor ? { until_id: cursor.until } : {}),
        max_results: 100,
        'tweet.fields': ['created_at', 'author_id', 'conversation_id', 'in_reply_to_user_id'],
        expansions: ['author_id'],
        'user.fields': ['username', 'name'],
      });
      if (!cursor) {
        // First run: the newest page only, and from there on everything.
        const newest = page.meta.newest_id;
        yield { items: itemsOf(page), ...(newest ? { cursor: newest } : {}) };
        return;
      }
      const newest = 'newest' in cursor ? cursor.newest : page.meta.newest_id;
      if (!newest) return; // nothing new since the cursor
      for (let pages = 1; ; pages += 1) {
        const oldest = page.meta.oldest_id ?? page.tweets.at(-1)?.id;
        if (page.done) {
          // The whole range is written once this batch is: from now on, only what is newer than `newest`.
          yield { items: itemsOf(page), cursor: newest };
          return;
        }
        yield { items: itemsOf(page), ...(oldest ? { cursor: rangeCursor(cursor.since, oldest, newest) } : {}) };
        if (pages >= maxPages) return;
        page = await page.next();
      }
    },
  };
}

function itemsOf(page: TweetUserMentionTimelineV2Paginator): WatchItem[] {
  const users = new Map((page.includes.users ?? []).map((u: UserV2) => [u.id, u]));
  return page.tweets.map((t) => toItem(t, users));
}

function toItem(tweet: TweetV2, users: Map<string, UserV2>): WatchItem {
  const user = tweet.author_id ? users.get(tweet.author_id) : undefined;
  const author = user ? `@${user.username}` : `user:${tweet.author_id ?? 'unknown'}`;
  const created = tweet.created_at ? new Date(tweet.created_at).toISOString() : new Date().toISOString();
  return {
    kind: 'TWEET',
    sourceId: tweet.id,
    fields: {
      id: `x:${tweet.id}`,
      type: 'tweet',
      source: 'x',
      created,
      author,
      author_id: tweet.author_id,
      text: tweet.text,
      post_id: tweet.conversation_id,
      reply_to_id: tweet.id,
    },
    body: [`# Mention from ${author} on X`, '', `**Posted:** ${created}`, '', quote(tweet.text), ''].join('\n'),
  };
}
