import {
  FaultQueue,
  listen,
  queryOf,
  readBody,
  sendJson,
  type InjectedFault,
  type ReceivedRequest,
  type RunningServer,
} from '../gmail/http-kit.js';

/**
 * An X API v2 stand-in for the paths the watcher and the reply client use (`/2/users/me`,
 * `/2/users/:id/mentions`, `/2/tweets`), close enough that the real twitter-api-v2 works against it through
 * the URL-rewriting plugin (core/providers/x-client.ts). Rate-limit answers carry `x-rate-limit-*` headers
 * with the reset in unix seconds, as X's do.
 */

export interface StandinTweet {
  id: string;
  text: string;
  author_id: string;
  created_at: string;
  conversation_id: string;
  in_reply_to_user_id?: string;
}

export interface PostedTweet {
  id: string;
  text: string;
  inReplyTo: string | undefined;
  authorization: string;
}

export interface XStandin {
  url: string;
  me: { id: string; username: string; name: string };
  credentials: { bearerToken: string; appKey: string; appSecret: string; accessToken: string; accessSecret: string };
  /** A new mention of `me`; `createdAt` may repeat (duplicates at equal timestamps). */
  addMention(options?: { text?: string; authorUsername?: string; createdAt?: string }): StandinTweet;
  /** The next `times` requests answer 429 with `x-rate-limit-reset` = `reset` (a Date, sent as unix seconds). */
  rateLimit(reset: Date, options?: { times?: number; match?: string }): void;
  serverError(options?: { times?: number; status?: number; match?: string }): void;
  /** Every request answers 401 until restoreAuth(). */
  revokeAuth(): void;
  restoreAuth(): void;
  inject(fault: InjectedFault): void;
  readonly received: ReceivedRequest[];
  readonly posted: PostedTweet[];
  readonly mentions: StandinTweet[];
  close(): Promise<void>;
}

const problem = (status: number, title: string) => ({ title, detail: title, type: 'about:blank', status });

export async function startXStandin(options: { port?: number } = {}): Promise<XStandin> {
  const me = { id: '1500000000000000001', username: 'acme_shop', name: 'Acme Shop' };
  const users = new Map<string, { id: string; username: string; name: string }>([[me.id, me]]);
  const mentions: StandinTweet[] = [];
  const posted: PostedTweet[] = [];
  const received: ReceivedRequest[] = [];
  const faults = new FaultQueue();
  let revoked = false;
  let seq = 1860000000000000000n;
  const nextId = () => (seq += 1000n).toString();

  function addMention(o: { text?: string; authorUsername?: string; createdAt?: string } = {}): StandinTweet {
    const username = o.authorUsername ?? `customer${mentions.length + 1}`;
    let user = [...users.values()].find((u) => u.username === username);
    if (!user) {
      user = { id: nextId(), username, name: username };
      users.set(user.id, user);
    }
    const id = nextId();
    const tweet: StandinTweet = {
      id,
      text: o.text ?? `@${me.username} hello, question number ${mentions.length + 1}?`,
      author_id: user.id,
      created_at: o.createdAt ?? new Date(Date.UTC(2026, 10, 26, 9, 0, 0) + mentions.length * 1000).toISOString(),
      conversation_id: id,
    };
    mentions.push(tweet);
    return tweet;
  }

  const server: RunningServer = await listen(async (req, res, url) => {
    const body = req.method === 'POST' ? await readBody(req) : undefined;
    received.push({ method: req.method ?? 'GET', path: url.pathname, query: queryOf(url), body });
    const fault = faults.take(url.pathname);
    if (fault) return sendJson(res, fault.status, fault.body, fault.headers);
    const authorization = req.headers.authorization ?? '';
    if (revoked || !/^(Bearer|OAuth) /.test(authorization)) return sendJson(res, 401, problem(401, 'Unauthorized'));
    const limits = {
      'x-rate-limit-limit': '10',
      'x-rate-limit-remaining': '9',
      'x-rate-limit-reset': String(Math.floor(Date.now() / 1000) + 900),
    };

    if (url.pathname === '/2/users/me' && req.method === 'GET') return sendJson(res, 200, { data: me }, limits);

    const m = /^\/2\/users\/(\d+)\/mentions$/.exec(url.pathname);
    if (m?.[1] && req.method === 'GET') {
      if (m[1] !== me.id) return sendJson(res, 200, { meta: { result_count: 0 } }, limits);
      const since = url.searchParams.get('since_id');
      const max = Math.min(Math.max(Number(url.searchParams.get('max_results') ?? 10) || 10, 5), 100);
      const offset =
        Number(Buffer.from(url.searchParams.get('pagination_token') ?? '', 'base64url').toString() || '0') || 0;
      const newer = mentions
        .filter((t) => since === null || BigInt(t.id) > BigInt(since))
        .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1)); // newest first, like X
      const slice = newer.slice(offset, offset + max);
      if (slice.length === 0) return sendJson(res, 200, { meta: { result_count: 0 } }, limits);
      const next = offset + max < newer.length ? Buffer.from(String(offset + max)).toString('base64url') : undefined;
      const expansions = url.searchParams.get('expansions') ?? '';
      const authors = [...new Set(slice.map((t) => t.author_id))].map((id) => users.get(id)).filter(Boolean);
      return sendJson(
        res,
        200,
        {
          data: slice,
          ...(expansions.includes('author_id') ? { includes: { users: authors } } : {}),
          meta: {
            result_count: slice.length,
            newest_id: slice[0]?.id,
            oldest_id: slice[slice.length - 1]?.id,
            ...(next ? { next_token: next } : {}),
          },
        },
        limits,
      );
    }

    if (url.pathname === '/2/tweets' && req.method === 'POST') {
      const request = JSON.parse(body ?? '{}') as { text?: string; reply?: { in_reply_to_tweet_id?: string } };
      if (!request.text)
        return sendJson(res, 400, { ...problem(400, 'Invalid Request'), errors: [{ message: 'text is required' }] });
      const id = nextId();
      posted.push({
        id,
        text: request.text,
        inReplyTo: request.reply?.in_reply_to_tweet_id,
        authorization: authorization.split(' ')[0] ?? '',
      });
      return sendJson(res, 201, { data: { id, text: request.text, edit_history_tweet_ids: [id] } });
    }
    return sendJson(res, 404, problem(404, 'Not Found'));
  }, options.port ?? 0);

  return {
    url: server.url,
    me,
    credentials: {
      bearerToken: 'sandbox-bearer-token',
      appKey: 'sandbox-app-key',
      appSecret: 'sandbox-app-secret',
      accessToken: 'sandbox-access-token',
      accessSecret: 'sandbox-access-secret',
    },
    addMention,
    rateLimit: (reset, o = {}) =>
      faults.add({
        status: 429,
        body: problem(429, 'Too Many Requests'),
        headers: {
          'x-rate-limit-limit': '10',
          'x-rate-limit-remaining': '0',
          'x-rate-limit-reset': String(Math.floor(reset.getTime() / 1000)),
        },
        times: o.times ?? 1,
        match: o.match,
      }),
    serverError: (o = {}) =>
      faults.add({
        status: o.status ?? 500,
        body: problem(o.status ?? 500, 'Internal Server Error'),
        times: o.times ?? 1,
        match: o.match,
      }),
    revokeAuth: () => {
      revoked = true;
    },
    restoreAuth: () => {
      revoked = false;
    },
    inject: (fault) => faults.add(fault),
    received,
    posted,
    mentions,
    close: () => server.close(),
  };
}
