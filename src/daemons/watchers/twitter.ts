import type { TwitterApi, TweetV2, UserV2 } from 'twitter-api-v2';
import { classifyXError } from '../../core/providers/x-client.js';
import { quote } from './task-file.js';
import type { WatchBatch, WatchItem, WatchSource } from './types.js';

export interface TwitterSourceOptions {
  client: TwitterApi;
  /** Our own user id (X_USER_ID); else asked once from `/2/users/me` (needs user-context credentials). */
  userId?: string;
  /** Pages followed per poll (100 mentions each); the cursor only moves once they are all written. */
  maxPages?: number;
}

/**
 * X mentions: `GET /2/users/:id/mentions?since_id=<cursor>`, newest first, following `next_token`; the
 * cursor becomes the first page's `meta.newest_id`. On the first run only the newest page is taken, so an old
 * account does not flood the vault with years of mentions.
 */
export function twitterSource(options: TwitterSourceOptions): WatchSource {
  let userId = options.userId;
  return {
    name: 'twitter',
    classify: classifyXError,
    async *poll(cursor, signal): AsyncGenerator<WatchBatch> {
      void signal;
      userId ??= (await options.client.v2.me()).data.id;
      const paginator = await options.client.v2.userMentionTimeline(userId, {
        ...(cursor ? { since_id: cursor } : {}),
        max_results: 100,
        'tweet.fields': ['created_at', 'author_id', 'conversation_id', 'in_reply_to_user_id'],
        expansions: ['author_id'],
        'user.fields': ['username', 'name'],
      });
      const newest = paginator.meta.newest_id ?? cursor;
      let page = paginator;
      let pages = 1;
      for (;;) {
        const users = new Map((page.includes.users ?? []).map((u: UserV2) => [u.id, u]));
        yield { items: page.tweets.map((t) => toItem(t, users)) };
        if (cursor === undefined || page.done || pages >= (options.maxPages ?? 10)) break;
        page = await page.next();
        pages += 1;
      }
      if (newest) yield { items: [], cursor: newest };
    },
  };
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
