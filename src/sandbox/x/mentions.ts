import { invalidParameter } from './problems.js';

/**
 * One page of `GET /2/users/:id/mentions`, newest first, as X pages it: `since_id` and `until_id` bound the
 * range (both exclusive), `max_results` must be 5..100 (X answers 400 otherwise, it does not clamp), and
 * `next_token` marks a position (the last tweet given), so mentions arriving between two pages shift nothing.
 * A tweet carries `id`, `text` and `edit_history_tweet_ids` unless `tweet.fields` asks for more.
 */

/** A mention as the stand-in holds it. */
export interface StandinTweet {
  id: string;
  text: string;
  author_id: string;
  created_at: string;
  conversation_id: string;
  in_reply_to_user_id?: string;
}

type Page = { status: 200; body: unknown } | { status: 400; body: unknown };

const TOKEN_PREFIX = 'p1:';
const encodeToken = (id: string) => Buffer.from(TOKEN_PREFIX + id).toString('base64url');
function decodeToken(token: string): bigint | undefined {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  if (!text.startsWith(TOKEN_PREFIX) || !/^\d+$/.test(text.slice(TOKEN_PREFIX.length))) return undefined;
  return BigInt(text.slice(TOKEN_PREFIX.length));
}

const idParam = (params: URLSearchParams, name: string): bigint | undefined | 'bad' => {
  const v = params.get(name);
  if (v === null) return undefined;
  return /^\d{1,19}$/.test(v) ? BigInt(v) : 'bad';
};

export function mentionsPage(
  params: URLSearchParams,
  mentions: readonly StandinTweet[],
  users: ReadonlyMap<string, { id: string; username: string; name: string }>,
  pageSize: number | undefined,
): Page {
  const rawMax = params.get('max_results') ?? '10';
  const max = Number(rawMax);
  if (!Number.isInteger(max) || max < 5 || max > 100)
    return {
      status: 400,
      body: invalidParameter(
        'max_results',
        rawMax,
        `The \`max_results\` query parameter value [${rawMax}] is not between 5 and 100`,
      ),
    };
  const since = idParam(params, 'since_id');
  const until = idParam(params, 'until_id');
  if (since === 'bad' || until === 'bad')
    return {
      status: 400,
      body: invalidParameter(since === 'bad' ? 'since_id' : 'until_id', '', 'The id must be a numeric tweet id'),
    };
  const token = params.get('pagination_token');
  const after = token === null ? undefined : decodeToken(token);
  if (token !== null && after === undefined)
    return {
      status: 400,
      body: invalidParameter(
        'pagination_token',
        token,
        `The \`pagination_token\` query parameter value [${token}] is not valid`,
      ),
    };

  const inRange = mentions
    .filter((t) => {
      const id = BigInt(t.id);
      return (
        (since === undefined || id > since) &&
        (until === undefined || id < until) &&
        (after === undefined || id < after)
      );
    })
    .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
  const slice = inRange.slice(0, Math.min(max, pageSize ?? max));
  if (slice.length === 0) return { status: 200, body: { meta: { result_count: 0 } } };
  const last = slice[slice.length - 1];
  const more = inRange.length > slice.length && last;

  const fields = new Set((params.get('tweet.fields') ?? '').split(',').filter(Boolean));
  const data = slice.map((t) => {
    const out: Record<string, unknown> = { id: t.id, text: t.text, edit_history_tweet_ids: [t.id] };
    for (const f of ['author_id', 'created_at', 'conversation_id', 'in_reply_to_user_id'] as const)
      if (fields.has(f) && t[f] !== undefined) out[f] = t[f];
    return out;
  });
  const expansions = (params.get('expansions') ?? '').split(',');
  const authors = [...new Set(slice.map((t) => t.author_id))].map((id) => users.get(id)).filter(Boolean);
  return {
    status: 200,
    body: {
      data,
      ...(expansions.includes('author_id') ? { includes: { users: authors } } : {}),
      meta: {
        result_count: slice.length,
        newest_id: slice[0]?.id,
        oldest_id: last?.id,
        ...(more ? { next_token: encodeToken(more.id) } : {}),
      },
    },
  };
}
