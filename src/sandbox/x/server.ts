import type http from 'node:http';
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
import { DEFAULT_POST_LIMITS, postWindows, type PostLimits } from './limits.js';
import { mentionsPage, type StandinTweet } from './mentions.js';
import { verifyOAuth1 } from './oauth1.js';
import * as problem from './problems.js';

/**
 * An X API v2 stand-in for the paths the watcher and the reply client use (`/2/users/me`,
 * `/2/users/:id/mentions`, `/2/tweets`), held to X's behaviour where a kinder answer would hide a bug
 * (docs/standin-x.md): an app-only bearer must be the configured one and an OAuth 1.0a header must carry a valid
 * HMAC-SHA1 signature of the request by the configured keys, else 401; app-only auth on user-context endpoints,
 * a read-only app posting and an access level without the mentions timeline answer X's own 403 problems;
 * posting counts against a 15-minute and two 24-hour windows, sent in X's headers; errors are X's problem
 * documents. The real twitter-api-v2 talks to it through the URL-rewriting plugin (core/providers/x-client.ts).
 */

export type { StandinTweet } from './mentions.js';

export interface PostedTweet {
  id: string;
  text: string;
  inReplyTo: string | undefined;
  /** The authorization scheme that posted it: `OAuth` (1.0a user context). */
  authorization: string;
}

export interface XStandinOptions {
  port?: number;
  /** The stand-in's time, for the posting windows (default: the real clock). */
  clock?: () => Date;
  /** At most this many mentions per page whatever `max_results` asks (X may return fewer than asked). */
  pageSize?: number;
  postLimits?: Partial<PostLimits>;
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
  /** Every request answers 401 until restoreAuth() (the keys were revoked or regenerated). */
  revokeAuth(): void;
  restoreAuth(): void;
  /**
   * The app's project access level: `basic` reads mentions; `free` does not (X answers the mentions timeline
   * with its client-not-enrolled 403), but may still call `/2/users/me` and post.
   */
  setAccessLevel(level: 'basic' | 'free'): void;
  /** The app's permissions: with `read`, posting with OAuth 1.0a keys answers X's oauth1-permissions 403. */
  setAppPermissions(permissions: 'read' | 'read-write'): void;
  inject(fault: InjectedFault): void;
  readonly received: ReceivedRequest[];
  readonly posted: PostedTweet[];
  readonly mentions: StandinTweet[];
  close(): Promise<void>;
}

type Auth = { kind: 'app' } | { kind: 'user' } | { kind: 'refused' };

export async function startXStandin(options: XStandinOptions = {}): Promise<XStandin> {
  const clock = options.clock ?? (() => new Date());
  const me = { id: '1500000000000000001', username: 'acme_shop', name: 'Acme Shop' };
  const credentials = {
    bearerToken: 'sandbox-bearer-token',
    appKey: 'sandbox-app-key',
    appSecret: 'sandbox-app-secret',
    accessToken: 'sandbox-access-token',
    accessSecret: 'sandbox-access-secret',
  };
  const clientId = '27000001';
  const users = new Map<string, { id: string; username: string; name: string }>([[me.id, me]]);
  const mentions: StandinTweet[] = [];
  const posted: PostedTweet[] = [];
  const received: ReceivedRequest[] = [];
  const faults = new FaultQueue();
  const nonces = new Set<string>();
  const posting = postWindows({ ...DEFAULT_POST_LIMITS, ...options.postLimits });
  let revoked = false;
  let access: 'basic' | 'free' = 'basic';
  let permissions: 'read' | 'read-write' = 'read-write';
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

  function authenticate(req: http.IncomingMessage, url: URL, body: string | undefined): Auth {
    const header = req.headers.authorization ?? '';
    if (revoked) return { kind: 'refused' };
    if (header.startsWith('Bearer ')) {
      return header.slice('Bearer '.length) === credentials.bearerToken ? { kind: 'app' } : { kind: 'refused' };
    }
    if (/^OAuth /i.test(header)) {
      const form =
        body !== undefined && (req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')
          ? [...new URLSearchParams(body)]
          : [];
      const why = verifyOAuth1(
        header,
        {
          method: req.method ?? 'GET',
          baseUrl: `http://${req.headers.host ?? '127.0.0.1'}${url.pathname}`,
          query: [...url.searchParams],
          form,
        },
        credentials,
        nonces,
      );
      return why === undefined ? { kind: 'user' } : { kind: 'refused' };
    }
    return { kind: 'refused' };
  }

  const sendProblem = (res: http.ServerResponse, status: number, body: unknown, headers = {}) =>
    sendJson(res, status, body, { ...problem.PROBLEM_CONTENT_TYPE, ...headers });

  const server: RunningServer = await listen(async (req, res, url) => {
    const body = req.method === 'POST' ? await readBody(req) : undefined;
    received.push({ method: req.method ?? 'GET', path: url.pathname, query: queryOf(url), body });
    const fault = faults.take(url.pathname);
    if (fault) return sendProblem(res, fault.status, fault.body, fault.headers);
    const auth = authenticate(req, url, body);
    if (auth.kind === 'refused') return sendProblem(res, 401, problem.unauthorized());
    const now = clock();
    const readLimits = {
      'x-rate-limit-limit': '10',
      'x-rate-limit-remaining': '9',
      'x-rate-limit-reset': String(Math.floor(now.getTime() / 1000) + 900),
    };

    if (url.pathname === '/2/users/me' && req.method === 'GET') {
      if (auth.kind === 'app') return sendProblem(res, 403, problem.unsupportedAuthentication());
      return sendJson(res, 200, { data: me }, readLimits);
    }

    const m = /^\/2\/users\/(\d+)\/mentions$/.exec(url.pathname);
    if (m?.[1] && req.method === 'GET') {
      if (access === 'free') return sendProblem(res, 403, problem.clientNotEnrolled(clientId));
      const page = mentionsPage(url.searchParams, m[1] === me.id ? mentions : [], users, options.pageSize);
      if (page.status !== 200) return sendProblem(res, page.status, page.body);
      return sendJson(res, 200, page.body, readLimits);
    }

    if (url.pathname === '/2/tweets' && req.method === 'POST') {
      if (auth.kind === 'app') return sendProblem(res, 403, problem.unsupportedAuthentication());
      if (permissions === 'read') return sendProblem(res, 403, problem.oauth1Permissions());
      if (posting.exhausted(now)) return sendProblem(res, 429, problem.tooManyRequests(), posting.headers(now));
      const request = JSON.parse(body ?? '{}') as { text?: string; reply?: { in_reply_to_tweet_id?: string } };
      if (!request.text)
        return sendProblem(res, 400, problem.invalidParameter('text', '', 'text is required'), posting.headers(now));
      posting.take(now);
      const id = nextId();
      posted.push({
        id,
        text: request.text,
        inReplyTo: request.reply?.in_reply_to_tweet_id,
        authorization: (req.headers.authorization ?? '').split(' ')[0] ?? '',
      });
      return sendJson(
        res,
        201,
        { data: { id, text: request.text, edit_history_tweet_ids: [id] } },
        posting.headers(now),
      );
    }
    return sendProblem(res, 404, problem.notFound());
  }, options.port ?? 0);

  return {
    url: server.url,
    me,
    credentials,
    addMention,
    rateLimit: (reset, o = {}) =>
      faults.add({
        status: 429,
        body: problem.tooManyRequests(),
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
        body: problem.serverError(o.status ?? 500),
        times: o.times ?? 1,
        match: o.match,
      }),
    revokeAuth: () => {
      revoked = true;
    },
    restoreAuth: () => {
      revoked = false;
    },
    setAccessLevel: (level) => {
      access = level;
    },
    setAppPermissions: (p) => {
      permissions = p;
    },
    inject: (fault) => faults.add(fault),
    received,
    posted,
    mentions,
    close: () => server.close(),
  };
}
