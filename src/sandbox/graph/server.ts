import { randomBytes } from 'node:crypto';
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
 * A Graph API stand-in for a Facebook Page and an Instagram professional account: the feed with nested
 * comments, Messenger conversations, Instagram media and their comments, and the two reply endpoints. It
 * answers Graph's error shapes (OAuthException code 190, throttling code 32 with `X-Business-Use-Case-Usage`)
 * and pages with absolute `paging.next` URLs on `pagingOrigin` (graph.facebook.com by default), so a client
 * that forgets to swap the origin fails loudly instead of silently talking to this server.
 */

export interface GraphComment {
  id: string;
  from: { id: string; name: string };
  message: string;
  created_time: string;
}
export interface GraphPost {
  id: string;
  created_time: string;
  message: string;
  comments: GraphComment[];
}
export interface GraphMessage {
  id: string;
  from: { id: string; name: string };
  message: string;
  created_time: string;
}
export interface GraphConversation {
  id: string;
  updated_time: string;
  messages: GraphMessage[];
}
export interface IgComment {
  id: string;
  text: string;
  username: string;
  timestamp: string;
}
export interface IgMedia {
  id: string;
  timestamp: string;
  caption: string;
  comments: IgComment[];
}
export interface PostedReply {
  kind: 'facebook_comment' | 'instagram_reply';
  parentId: string;
  id: string;
  message: string;
}

export interface GraphStandin {
  url: string;
  version: string;
  pageId: string;
  pageToken: string;
  igUserId: string;
  igToken: string;
  /** A comment on a Page post (a new post is made when `postId` is not given). `time` may repeat. */
  addFacebookComment(options?: {
    postId?: string;
    message?: string;
    author?: string;
    time?: Date;
    postTime?: Date;
  }): GraphComment & { postId: string };
  addMessengerMessage(options?: {
    conversationId?: string;
    message?: string;
    author?: string;
    time?: Date;
  }): GraphMessage & { conversationId: string };
  addInstagramComment(options?: {
    mediaId?: string;
    text?: string;
    username?: string;
    time?: Date;
  }): IgComment & { mediaId: string };
  /** The next `times` requests answer Graph's throttling error (HTTP 400, code 32) saying access returns in `minutes`. */
  rateLimit(minutes: number, options?: { times?: number; match?: string; status?: number }): void;
  serverError(options?: { times?: number; status?: number; match?: string }): void;
  /** Every request answers OAuthException 190 (expired token) until restoreAuth(). */
  revokeAuth(): void;
  restoreAuth(): void;
  inject(fault: InjectedFault): void;
  readonly received: ReceivedRequest[];
  readonly replies: PostedReply[];
  readonly posts: GraphPost[];
  readonly conversations: GraphConversation[];
  readonly media: IgMedia[];
  close(): Promise<void>;
}

/** Graph's own time format: `2026-11-26T09:00:00+0000`. */
export const graphTime = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, '+0000');
const parseGraphTime = (s: string) => Date.parse(s.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
const oauthError = (code: number, message: string, extra: Record<string, unknown> = {}) => ({
  error: { message, type: 'OAuthException', code, fbtrace_id: `A${randomBytes(8).toString('hex')}`, ...extra },
});

export async function startGraphStandin(
  options: { port?: number; version?: string; pagingOrigin?: string; pageSize?: number } = {},
): Promise<GraphStandin> {
  const version = options.version ?? 'v23.0';
  const pagingOrigin = options.pagingOrigin ?? 'https://graph.facebook.com';
  const pageSize = options.pageSize ?? 25;
  const pageId = '104000000000001';
  const igUserId = '17841400000000001';
  const pageToken = 'sandbox-page-token';
  const igToken = 'sandbox-instagram-token';
  const posts: GraphPost[] = [];
  const conversations: GraphConversation[] = [];
  const media: IgMedia[] = [];
  const replies: PostedReply[] = [];
  const received: ReceivedRequest[] = [];
  const faults = new FaultQueue();
  let revoked = false;
  let seq = 0;
  const next = () => ++seq;
  const clock = (d?: Date) => d ?? new Date(Date.UTC(2026, 10, 26, 9, 0, 0) + seq * 1000);

  function newPost(time?: Date): GraphPost {
    const post: GraphPost = {
      id: `${pageId}_${next()}`,
      created_time: graphTime(clock(time)),
      message: `Post ${seq}`,
      comments: [],
    };
    posts.push(post);
    return post;
  }

  function newMedia(time?: Date): IgMedia {
    const item: IgMedia = {
      id: `1790000000${String(next()).padStart(7, '0')}`,
      timestamp: graphTime(clock(time)),
      caption: `Photo ${seq}`,
      comments: [],
    };
    media.push(item);
    return item;
  }

  /** One page of `items` with Graph's cursor paging; `next` is absolute, on pagingOrigin, and carries the token. */
  function paged<T>(items: T[], url: URL): { data: T[]; paging?: Record<string, unknown> } {
    const limit = Math.min(Number(url.searchParams.get('limit') ?? pageSize) || pageSize, 100);
    const offset = Number(Buffer.from(url.searchParams.get('after') ?? '', 'base64url').toString() || '0') || 0;
    const data = items.slice(offset, offset + limit);
    const cursors = {
      before: Buffer.from(String(offset)).toString('base64url'),
      after: Buffer.from(String(offset + data.length)).toString('base64url'),
    };
    if (offset + limit >= items.length) return { data, paging: { cursors } };
    const nextUrl = new URL(url.pathname + url.search, pagingOrigin);
    nextUrl.searchParams.set('after', cursors.after);
    nextUrl.searchParams.set('limit', String(limit));
    nextUrl.searchParams.set('access_token', 'EAAB-echoed-token');
    return { data, paging: { cursors, next: nextUrl.toString() } };
  }

  const sinceOf = (url: URL): number | undefined => {
    const raw = url.searchParams.get('since');
    if (raw === null) return undefined;
    return /^\d+$/.test(raw) ? Number(raw) * 1000 : Date.parse(raw);
  };

  const server: RunningServer = await listen(async (req, res, url) => {
    const body = req.method === 'POST' ? await readBody(req) : undefined;
    received.push({ method: req.method ?? 'GET', path: url.pathname, query: queryOf(url), body });
    const fault = faults.take(url.pathname);
    if (fault) return sendJson(res, fault.status, fault.body, fault.headers);
    const token =
      (req.headers.authorization ?? '').replace(/^Bearer /, '') || url.searchParams.get('access_token') || '';
    if (revoked || (token !== pageToken && token !== igToken))
      return sendJson(
        res,
        400,
        oauthError(190, 'Error validating access token: Session has expired.', { error_subcode: 463 }),
        {
          'www-authenticate': 'OAuth "Facebook Platform" "invalid_token" "Error validating access token"',
        },
      );

    const match = /^\/(v\d+\.\d+)\/([^/]+)\/([a-z_]+)$/.exec(url.pathname);
    if (!match?.[2] || !match[3]) return sendJson(res, 400, oauthError(100, 'Unknown path components'));
    const [, , id, edge] = match;

    if (req.method === 'GET' && id === pageId && edge === 'feed') {
      const since = sinceOf(url);
      const list = posts
        .filter((p) => since === undefined || parseGraphTime(p.created_time) >= since)
        .slice()
        .reverse();
      const withComments = (url.searchParams.get('fields') ?? '').includes('comments');
      const page = paged(list, url);
      return sendJson(res, 200, {
        ...page,
        data: page.data.map((p) => ({
          id: p.id,
          created_time: p.created_time,
          message: p.message,
          ...(withComments && p.comments.length ? { comments: { data: p.comments, paging: { cursors: {} } } } : {}),
        })),
      });
    }
    if (req.method === 'GET' && id === pageId && edge === 'conversations') {
      const list = conversations
        .slice()
        .sort((a, b) => parseGraphTime(b.updated_time) - parseGraphTime(a.updated_time));
      const page = paged(list, url);
      return sendJson(res, 200, {
        ...page,
        data: page.data.map((c) => ({
          id: c.id,
          updated_time: c.updated_time,
          messages: { data: c.messages.slice().reverse().slice(0, 5) },
        })),
      });
    }
    if (req.method === 'GET' && id === igUserId && edge === 'media') {
      const page = paged(media.slice().reverse(), url);
      return sendJson(res, 200, {
        ...page,
        data: page.data.map((m) => ({
          id: m.id,
          timestamp: m.timestamp,
          caption: m.caption,
          comments_count: m.comments.length,
        })),
      });
    }
    const ig = media.find((m) => m.id === id);
    if (req.method === 'GET' && ig && edge === 'comments') return sendJson(res, 200, paged(ig.comments, url));

    if (req.method === 'POST' && (edge === 'comments' || edge === 'replies')) {
      const form = new URLSearchParams(body ?? '');
      const message = form.get('message') ?? url.searchParams.get('message') ?? '';
      if (message === '') return sendJson(res, 400, oauthError(100, '(#100) The parameter message is required'));
      const fbParent = edge === 'comments' && posts.some((p) => p.id === id || p.comments.some((c) => c.id === id));
      const igParent = edge === 'replies' && media.some((m) => m.comments.some((c) => c.id === id));
      if (!fbParent && !igParent)
        return sendJson(
          res,
          400,
          oauthError(100, `(#100) Unsupported post request. Object with ID '${id}' does not exist`),
        );
      const replyId = igParent ? `1800000000${String(next()).padStart(7, '0')}` : `${id.split('_')[0]}_${next()}`;
      replies.push({ kind: igParent ? 'instagram_reply' : 'facebook_comment', parentId: id, id: replyId, message });
      return sendJson(res, 200, { id: replyId });
    }
    return sendJson(res, 400, oauthError(100, `(#100) Unsupported get request. Object with ID '${id}' does not exist`));
  }, options.port ?? 0);

  return {
    url: server.url,
    version,
    pageId,
    pageToken,
    igUserId,
    igToken,
    addFacebookComment: (o = {}) => {
      const post = (o.postId ? posts.find((p) => p.id === o.postId) : undefined) ?? newPost(o.postTime ?? o.time);
      const n = next();
      const comment: GraphComment = {
        id: `${post.id.split('_')[1]}_${n}`,
        from: { id: String(9_000_000 + n), name: o.author ?? `Customer ${n}` },
        message: o.message ?? `Is this still available? (${n})`,
        created_time: graphTime(clock(o.time)),
      };
      post.comments.push(comment);
      return { ...comment, postId: post.id };
    },
    addMessengerMessage: (o = {}) => {
      let conversation = o.conversationId ? conversations.find((c) => c.id === o.conversationId) : undefined;
      if (!conversation) {
        conversation = { id: `t_${next()}`, updated_time: '', messages: [] };
        conversations.push(conversation);
      }
      const n = next();
      const at = graphTime(clock(o.time));
      const message: GraphMessage = {
        id: `m_${randomBytes(9).toString('base64url')}`,
        from: { id: String(8_000_000 + n), name: o.author ?? `Customer ${n}` },
        message: o.message ?? `Hi, do you ship abroad? (${n})`,
        created_time: at,
      };
      conversation.messages.push(message);
      conversation.updated_time = at;
      return { ...message, conversationId: conversation.id };
    },
    addInstagramComment: (o = {}) => {
      const item = (o.mediaId ? media.find((m) => m.id === o.mediaId) : undefined) ?? newMedia(o.time);
      const n = next();
      const comment: IgComment = {
        id: `1800000000${String(n).padStart(7, '0')}`,
        text: o.text ?? `Love it! Price? (${n})`,
        username: o.username ?? `fan_${n}`,
        timestamp: graphTime(clock(o.time)),
      };
      item.comments.push(comment);
      return { ...comment, mediaId: item.id };
    },
    rateLimit: (minutes, o = {}) =>
      faults.add({
        status: o.status ?? 400,
        body: oauthError(32, 'Page request limit reached', { is_transient: true }),
        headers: {
          'x-business-use-case-usage': JSON.stringify({
            [pageId]: [
              {
                type: 'pages',
                call_count: 100,
                total_cputime: 20,
                total_time: 30,
                estimated_time_to_regain_access: minutes,
              },
            ],
          }),
        },
        times: o.times ?? 1,
        match: o.match,
      }),
    serverError: (o = {}) =>
      faults.add({
        status: o.status ?? 500,
        body: oauthError(2, 'An unexpected error has occurred. Please retry your request later.', {
          is_transient: true,
        }),
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
    replies,
    posts,
    conversations,
    media,
    close: () => server.close(),
  };
}
