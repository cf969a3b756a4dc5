import { randomBytes } from 'node:crypto';
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
import { fieldOf, parseFields, pick, type FieldSpec } from './fields.js';
import {
  cannotParseToken,
  graphError,
  missingOf,
  NEEDS,
  permissionError,
  unknownObject,
  type GraphHost,
  type TokenGrant,
} from './permissions.js';

/**
 * A Graph API stand-in for a Facebook Page and an Instagram professional account, on two listeners: `url`
 * plays graph.facebook.com (Facebook Login: Page token `EAA…`; the Page's feed, comments, Messenger and
 * Instagram with Facebook Login) and `igUrl` plays graph.instagram.com (Instagram Login: token `IG…`). A token
 * on the wrong host gets OAuthException 190; a token without the permission an endpoint needs gets Graph's
 * own error for it (permissions.ts). Edges page like Graph's: 25 by default, cursors, an absolute `paging.next`
 * on the real host's origin (so a client that forgets to swap it fails loudly), nested edges (`comments{…}`
 * inside the feed, `messages{…}` inside conversations) paged with their own `paging.next`. Comments default to
 * `filter=toplevel` (replies need `filter=stream` or the comment's own `/comments` edge, and carry `parent`).
 * Items marked `filtered` are dropped after a page is cut, as Graph drops what a token may not see, so a page
 * can come back short or empty and still have a `next`.
 */

export interface GraphComment {
  id: string;
  from: { id: string; name: string };
  message: string;
  created_time: string;
  /** Set on replies: the comment this one answers. */
  parent?: { id: string };
  /** Counted for paging, then dropped from the answer (Graph's filtering after the cut). */
  filtered?: boolean;
}
export interface GraphPost {
  id: string;
  created_time: string;
  message: string;
  /** Every comment on the post at every depth, oldest first. */
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
  platform: 'messenger' | 'instagram';
  updated_time: string;
  /** Oldest first (Graph answers newest first). */
  messages: GraphMessage[];
}
export interface IgComment {
  id: string;
  text: string;
  username: string;
  timestamp: string;
  filtered?: boolean;
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
export type GraphReceived = ReceivedRequest & { host: GraphHost };

export interface GraphStandin {
  /** graph.facebook.com's stand-in. */
  url: string;
  /** graph.instagram.com's stand-in. */
  igUrl: string;
  version: string;
  pageId: string;
  /** A Page token from Facebook Login (`EAA…`): the Page, its Messenger, and Instagram with Facebook Login. */
  pageToken: string;
  igUserId: string;
  /** An Instagram Login user token (`IG…`): graph.instagram.com only. */
  igToken: string;
  /** A comment on a Page post (a new post is made when `postId` is not given), or a reply to `parentId`. */
  addFacebookComment(options?: {
    postId?: string;
    parentId?: string;
    message?: string;
    author?: string;
    time?: Date;
    postTime?: Date;
    filtered?: boolean;
  }): GraphComment & { postId: string };
  addMessengerMessage(options?: {
    conversationId?: string;
    platform?: 'messenger' | 'instagram';
    message?: string;
    author?: string;
    time?: Date;
  }): GraphMessage & { conversationId: string };
  addInstagramComment(options?: {
    mediaId?: string;
    text?: string;
    username?: string;
    time?: Date;
    filtered?: boolean;
  }): IgComment & { mediaId: string };
  /** The next `times` requests answer Graph's throttling error (HTTP 400, code 32) saying access returns in `minutes`. */
  rateLimit(minutes: number, options?: { times?: number; match?: string; status?: number }): void;
  serverError(options?: { times?: number; status?: number; match?: string }): void;
  /**
   * The object was deleted while a client reads it: the next `times` requests on its edges (`/{id}/comments`,
   * `/{id}/messages`) answer Graph's "cannot be loaded" error, code 100 with subcode 33.
   */
  vanish(objectId: string, options?: { times?: number }): void;
  /** Every request answers OAuthException 190 (expired token) until restoreAuth(). */
  revokeAuth(): void;
  restoreAuth(): void;
  /** Takes `permission` from `token` (the owner removed it from the app, or never granted it). */
  revokePermission(token: string, permission: string): void;
  grantPermission(token: string, permission: string): void;
  inject(fault: InjectedFault): void;
  readonly received: GraphReceived[];
  readonly replies: PostedReply[];
  readonly posts: GraphPost[];
  readonly conversations: GraphConversation[];
  readonly media: IgMedia[];
  close(): Promise<void>;
}

/** Graph's own time format: `2026-11-26T09:00:00+0000`. */
export const graphTime = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, '+0000');
const parseGraphTime = (s: string) => Date.parse(s.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
const cursorOf = (n: number) => Buffer.from(`offset:${n}`).toString('base64url');
const offsetOf = (cursor: string | null | undefined) =>
  Number(/^offset:(\d+)$/.exec(Buffer.from(cursor ?? '', 'base64url').toString())?.[1] ?? 0);

export async function startGraphStandin(
  options: {
    port?: number;
    igPort?: number;
    version?: string;
    pagingOrigin?: string;
    igPagingOrigin?: string;
    pageSize?: number;
  } = {},
): Promise<GraphStandin> {
  const version = options.version ?? 'v23.0';
  const origins: Record<GraphHost, string> = {
    facebook: options.pagingOrigin ?? 'https://graph.facebook.com',
    instagram: options.igPagingOrigin ?? 'https://graph.instagram.com',
  };
  const pageSize = options.pageSize ?? 25;
  const pageId = '104000000000001';
  const igUserId = '17841400000000001';
  // Shaped like the real ones (Facebook tokens start EAA, Instagram Login tokens IG); fake all the same.
  const pageToken = 'EAAsandboxPageToken0000';
  const igToken = 'IGAAsandboxInstagramToken0000';
  const tokens = new Map<string, TokenGrant>([
    [
      pageToken,
      {
        host: 'facebook',
        permissions: new Set([
          ...NEEDS.pageContent,
          ...NEEDS.messaging,
          ...NEEDS.pageReply,
          ...NEEDS.igFacebookComments,
        ]),
      },
    ],
    [igToken, { host: 'instagram', permissions: new Set(NEEDS.igLoginComments) }],
  ]);
  const posts: GraphPost[] = [];
  const conversations: GraphConversation[] = [];
  const media: IgMedia[] = [];
  const replies: PostedReply[] = [];
  const received: GraphReceived[] = [];
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

  /**
   * One page of `items`: cut at the cursor, then the filtered items dropped (so a page may be short or
   * empty and still have `next`). `nextUrl` is absolute, on the real host's origin, and carries a token.
   */
  function paged<T extends object>(
    items: T[],
    limitRaw: string | null | undefined,
    after: string | null | undefined,
    nextUrl: (after: string, limit: number) => URL,
  ): { data: T[]; paging?: Record<string, unknown> } {
    const limit = Math.min(Number(limitRaw ?? pageSize) || pageSize, 100);
    const offset = offsetOf(after);
    const cut = items.slice(offset, offset + limit);
    const data = cut.filter((item) => !(item as { filtered?: boolean }).filtered);
    if (cut.length === 0) return { data };
    const cursors = { before: cursorOf(offset), after: cursorOf(offset + cut.length) };
    if (offset + limit >= items.length) return { data, paging: { cursors } };
    const link = nextUrl(cursors.after, limit);
    link.searchParams.set('access_token', 'EAAB-echoed-token');
    return { data, paging: { cursors, next: link.toString() } };
  }

  /** `paged` for an edge read directly: `next` repeats the request's own query with the new cursor. */
  const pagedEdge = <T extends object>(items: T[], url: URL, host: GraphHost) =>
    paged(items, url.searchParams.get('limit'), url.searchParams.get('after'), (after, limit) => {
      const link = new URL(url.pathname + url.search, origins[host]);
      link.searchParams.set('after', after);
      link.searchParams.set('limit', String(limit));
      return link;
    });

  /** `paged` for a nested edge (`comments.limit(25){…}`): `next` is that edge read directly. */
  const pagedNested = <T extends object>(
    items: T[],
    spec: FieldSpec,
    objectId: string,
    host: GraphHost,
    keep: Record<string, string | undefined>,
  ) =>
    paged(items, spec.modifiers['limit'], undefined, (after, limit) => {
      const link = new URL(`/${version}/${objectId}/${spec.name}`, origins[host]);
      if (spec.raw) link.searchParams.set('fields', spec.raw);
      for (const [k, v] of Object.entries(keep)) if (v !== undefined) link.searchParams.set(k, v);
      link.searchParams.set('limit', String(limit));
      link.searchParams.set('after', after);
      return link;
    });

  const postOfComment = (id: string) => posts.find((p) => p.comments.some((c) => c.id === id));

  /** The comments under a post or a comment: direct ones (toplevel, the default) or all below it (stream). */
  function commentsUnder(objectId: string, filter: string | undefined, order: string | undefined): GraphComment[] {
    const post = posts.find((p) => p.id === objectId) ?? postOfComment(objectId);
    if (!post) return [];
    const isPost = post.id === objectId;
    const below = (c: GraphComment): boolean => {
      for (let p = c.parent?.id; p !== undefined; p = post.comments.find((x) => x.id === p)?.parent?.id)
        if (p === objectId) return true;
      return false;
    };
    const list = post.comments.filter((c) =>
      filter === 'stream' ? isPost || below(c) : isPost ? !c.parent : c.parent?.id === objectId,
    );
    return order === 'reverse_chronological' ? list.reverse() : list;
  }

  function renderComment(c: GraphComment, specs: FieldSpec[]): Record<string, unknown> {
    const out = pick({ ...c }, specs, ['created_time', 'from', 'message']);
    const nested = fieldOf(specs, 'comments');
    if (nested) Object.assign(out, { comments: nestedComments(c.id, nested) });
    if (fieldOf(specs, 'comment_count')) out['comment_count'] = commentsUnder(c.id, 'toplevel', undefined).length;
    return out;
  }

  function nestedComments(objectId: string, spec: FieldSpec) {
    const { filter, order } = spec.modifiers;
    const page = pagedNested(commentsUnder(objectId, filter, order), spec, objectId, 'facebook', { filter, order });
    return { ...page, data: page.data.map((c) => renderComment(c, spec.fields)) };
  }

  function renderConversation(c: GraphConversation, specs: FieldSpec[]): Record<string, unknown> {
    const out = pick({ ...c }, specs, ['updated_time']);
    delete out['messages'];
    const nested = fieldOf(specs, 'messages');
    if (nested) {
      const page = pagedNested(c.messages.slice().reverse(), nested, c.id, 'facebook', {});
      out['messages'] = { ...page, data: page.data.map((m) => pick({ ...m }, nested.fields, ['created_time'])) };
    }
    return out;
  }

  const sinceOf = (url: URL): number | undefined => {
    const raw = url.searchParams.get('since');
    if (raw === null) return undefined;
    return /^\d+$/.test(raw) ? Number(raw) * 1000 : Date.parse(raw);
  };

  async function handle(host: GraphHost, req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
    const method = req.method ?? 'GET';
    const body = method === 'POST' ? await readBody(req) : undefined;
    received.push({ host, method, path: url.pathname, query: queryOf(url), body });
    const fault = faults.take(url.pathname);
    if (fault) return sendJson(res, fault.status, fault.body, fault.headers);
    const token =
      (req.headers.authorization ?? '').replace(/^Bearer /, '') || url.searchParams.get('access_token') || '';
    const grant = tokens.get(token);
    const wwwAuth = { 'www-authenticate': 'OAuth "Facebook Platform" "invalid_token" "Error validating access token"' };
    if (!grant || grant.host !== host) return sendJson(res, 400, cannotParseToken(), wwwAuth);
    if (revoked)
      return sendJson(
        res,
        400,
        graphError(190, 'Error validating access token: Session has expired.', { error_subcode: 463 }),
        wwwAuth,
      );

    const match = /^\/(v\d+\.\d+)\/([^/]+)\/([a-z_]+)$/.exec(url.pathname);
    if (!match?.[2] || !match[3]) return sendJson(res, 400, graphError(100, 'Unknown path components'));
    const [, , id, edge] = match;
    const fields = parseFields(url.searchParams.get('fields'));
    /** Answers the permission error if the token lacks one of `needs`; true when it may go on. */
    const allowed = (needs: readonly string[]) => {
      const missing = missingOf(grant, needs);
      if (!missing) return true;
      const e = permissionError(missing);
      sendJson(res, e.status, e.body);
      return false;
    };
    const igPost = media.find((m) => m.id === id);
    const igComment = media.flatMap((m) => m.comments).find((c) => c.id === id);

    if (host === 'facebook' && method === 'GET' && id === pageId && edge === 'feed') {
      if (!allowed(NEEDS.pageContent)) return;
      const since = sinceOf(url);
      const list = posts.filter((p) => since === undefined || parseGraphTime(p.created_time) >= since).reverse();
      const page = pagedEdge(list, url, host);
      const nested = fieldOf(fields, 'comments');
      return sendJson(res, 200, {
        ...page,
        data: page.data.map((p) => ({
          ...pick({ ...p, comments: undefined }, fields, ['created_time', 'message']),
          ...(nested ? { comments: nestedComments(p.id, nested) } : {}),
        })),
      });
    }
    const fbObject = posts.some((p) => p.id === id) || postOfComment(id) !== undefined;
    if (host === 'facebook' && method === 'GET' && fbObject && edge === 'comments') {
      if (!allowed(NEEDS.pageContent)) return;
      const q = url.searchParams;
      const list = commentsUnder(id, q.get('filter') ?? undefined, q.get('order') ?? undefined);
      const page = pagedEdge(list, url, host);
      return sendJson(res, 200, { ...page, data: page.data.map((c) => renderComment(c, fields)) });
    }
    if (host === 'facebook' && method === 'GET' && id === pageId && edge === 'conversations') {
      if (!allowed(NEEDS.messaging)) return;
      const platform = url.searchParams.get('platform') ?? 'messenger';
      const list = conversations
        .filter((c) => c.platform === platform)
        .sort((a, b) => parseGraphTime(b.updated_time) - parseGraphTime(a.updated_time));
      const page = pagedEdge(list, url, host);
      return sendJson(res, 200, { ...page, data: page.data.map((c) => renderConversation(c, fields)) });
    }
    const conversation = conversations.find((c) => c.id === id);
    if (host === 'facebook' && method === 'GET' && conversation && edge === 'messages') {
      if (!allowed(NEEDS.messaging)) return;
      const page = pagedEdge(conversation.messages.slice().reverse(), url, host);
      return sendJson(res, 200, { ...page, data: page.data.map((m) => pick({ ...m }, fields, ['created_time'])) });
    }
    const ig = host === 'facebook' ? NEEDS.igFacebookComments : NEEDS.igLoginComments;
    if (method === 'GET' && id === igUserId && edge === 'media') {
      if (!allowed(host === 'facebook' ? NEEDS.igFacebookMedia : NEEDS.igLoginMedia)) return;
      const page = pagedEdge(media.slice().reverse(), url, host);
      return sendJson(res, 200, {
        ...page,
        data: page.data.map((m) =>
          pick({ ...m, comments: undefined, comments_count: m.comments.length }, fields, ['id']),
        ),
      });
    }
    if (method === 'GET' && igPost && edge === 'comments') {
      if (!allowed(ig)) return;
      const page = pagedEdge(igPost.comments, url, host);
      return sendJson(res, 200, { ...page, data: page.data.map((c) => pick({ ...c }, fields, ['timestamp', 'text'])) });
    }

    if (
      method === 'POST' &&
      ((host === 'facebook' && fbObject && edge === 'comments') || (igComment && edge === 'replies'))
    ) {
      if (!allowed(edge === 'comments' ? NEEDS.pageReply : ig.slice(-1))) return;
      const form = new URLSearchParams(body ?? '');
      const message = form.get('message') ?? url.searchParams.get('message') ?? '';
      if (message === '') return sendJson(res, 400, graphError(100, '(#100) The parameter message is required'));
      const replyId = igComment ? `1800000000${String(next()).padStart(7, '0')}` : `${id.split('_')[0]}_${next()}`;
      replies.push({ kind: igComment ? 'instagram_reply' : 'facebook_comment', parentId: id, id: replyId, message });
      return sendJson(res, 200, { id: replyId });
    }
    return sendJson(res, 400, unknownObject(method, id));
  }

  const fbServer: RunningServer = await listen((req, res, url) => handle('facebook', req, res, url), options.port ?? 0);
  const igServer: RunningServer = await listen(
    (req, res, url) => handle('instagram', req, res, url),
    options.igPort ?? 0,
  );
  const grantOf = (token: string) => {
    const grant = tokens.get(token);
    if (!grant) throw new Error(`the Graph stand-in has no token ${token.slice(0, 6)}…`);
    return grant;
  };

  return {
    url: fbServer.url,
    igUrl: igServer.url,
    version,
    pageId,
    pageToken,
    igUserId,
    igToken,
    addFacebookComment: (o = {}) => {
      const post =
        (o.parentId ? postOfComment(o.parentId) : undefined) ??
        (o.postId ? posts.find((p) => p.id === o.postId) : undefined) ??
        newPost(o.postTime ?? o.time);
      const n = next();
      const comment: GraphComment = {
        id: `${post.id.split('_')[1]}_${n}`,
        from: { id: String(9_000_000 + n), name: o.author ?? `Customer ${n}` },
        message: o.message ?? `Is this still available? (${n})`,
        created_time: graphTime(clock(o.time)),
        ...(o.parentId ? { parent: { id: o.parentId } } : {}),
        ...(o.filtered ? { filtered: true } : {}),
      };
      post.comments.push(comment);
      return { ...comment, postId: post.id };
    },
    addMessengerMessage: (o = {}) => {
      let conversation = o.conversationId ? conversations.find((c) => c.id === o.conversationId) : undefined;
      if (!conversation) {
        conversation = { id: `t_${next()}`, platform: o.platform ?? 'messenger', updated_time: '', messages: [] };
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
        ...(o.filtered ? { filtered: true } : {}),
      };
      item.comments.push(comment);
      return { ...comment, mediaId: item.id };
    },
    rateLimit: (minutes, o = {}) =>
      faults.add({
        status: o.status ?? 400,
        body: graphError(32, 'Page request limit reached', { is_transient: true }),
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
        body: graphError(2, 'An unexpected error has occurred. Please retry your request later.', {
          is_transient: true,
        }),
        times: o.times ?? 1,
        match: o.match,
      }),
    vanish: (objectId, o = {}) =>
      faults.add({ status: 400, body: unknownObject('GET', objectId), times: o.times ?? 1, match: `/${objectId}/` }),
    revokeAuth: () => {
      revoked = true;
    },
    restoreAuth: () => {
      revoked = false;
    },
    revokePermission: (token, permission) => {
      grantOf(token).permissions.delete(permission);
    },
    grantPermission: (token, permission) => {
      grantOf(token).permissions.add(permission);
    },
    inject: (fault) => faults.add(fault),
    received,
    replies,
    posts,
    conversations,
    media,
    close: async () => {
      await Promise.all([fbServer.close(), igServer.close()]);
    },
  };
}
