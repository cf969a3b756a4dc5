import type { TwitterApi } from 'twitter-api-v2';
import { invalidInput } from '../errors.js';
import { classifyXError } from './x-client.js';

/**
 * Posts `text` as a reply to the tweet `inReplyToId` (`POST /2/tweets` with `reply.in_reply_to_tweet_id`).
 * Needs user-context credentials (OAuth 1.0a keys, or an OAuth 2 user token as the bearer). Returns the new
 * tweet's id. Errors are AppErrors (errors.ts).
 */
export async function postXReply(
  client: TwitterApi,
  args: { inReplyToId: string; text: string },
  options: { clock?: () => Date } = {},
): Promise<{ id: string }> {
  if (!/^\d+$/.test(args.inReplyToId)) throw invalidInput('An X reply needs the numeric id of the tweet to answer.');
  if (args.text.trim() === '') throw invalidInput('An X reply needs some text.');
  try {
    const res = await client.v2.reply(args.text, args.inReplyToId);
    return { id: res.data.id };
  } catch (err) {
    throw classifyXError(err, (options.clock ?? (() => new Date()))()) ?? err;
  }
}
