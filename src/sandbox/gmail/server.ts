import type http from 'node:http';
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
} from './http-kit.js';
import { HISTORY_KINDS, historyResource, Mailbox, type HistoryKind, type StandinMessage } from './mailbox.js';
import { decodeRawMessage, type DecodedMail } from './mime.js';
import {
  googleError,
  insufficientScopes,
  metadataRefusal,
  METHOD_SCOPES,
  rateLimit403,
  SCOPES,
  type Answer,
  type GmailMethod,
} from './scopes.js';
import { compileQuery, QueryError } from './search.js';
import { threadOfSent } from './threading.js';

export type { StandinMessage } from './mailbox.js';
export { SCOPES } from './scopes.js';

/**
 * A Gmail API stand-in (`/gmail/v1/users/me/...` and an OAuth2 `/token` endpoint) that the real
 * `@googleapis/gmail` client works against unchanged: point `rootUrl` and the OAuth2 client's token URL here.
 * Held to Gmail's references (docs/standin-gmail.md): a history log of every kind of change with Gmail's
 * `historyTypes`/`labelId` filters and the 404 of a stale cursor; scopes per refresh token, checked per method;
 * the client secret checked; a subset of search (`q`) that refuses what it does not understand; threading by
 * Gmail's rules. Faults can be injected per path; everything received is logged (token requests redacted).
 */

export interface SentMail {
  id: string;
  /** The thread the message landed in (Gmail's answer), which is `requestedThreadId` only if the rules were met. */
  threadId: string;
  requestedThreadId: string | undefined;
  /** Why the message did not join the requested thread, when it did not. */
  notThreaded?: string;
  raw: string;
  decoded: DecodedMail;
}

export interface NewMail {
  from?: string;
  to?: string;
  subject?: string;
  snippet?: string;
  threadId?: string;
  messageId?: string;
  references?: string;
  /** Epoch ms (default: the stand-in's clock now); equal dates are allowed (duplicates at equal timestamps). */
  date?: number;
  labelIds?: string[];
}

export interface GmailStandin {
  url: string;
  /** The OAuth2 token endpoint to give the client (`endpoints.oauth2TokenUrl`). */
  tokenUrl: string;
  credentials: { clientId: string; clientSecret: string; refreshToken: string };
  addMessage(mail?: NewMail): StandinMessage;
  /** users.messages.modify: adds/removes labels, recorded as labelAdded/labelRemoved history. */
  modifyLabels(id: string, change: { add?: string[]; remove?: string[] }): StandinMessage;
  /** users.messages.delete: recorded as messageDeleted history. */
  deleteMessage(id: string): void;
  /** A user label (`Label_N`) with a display name that `label:<name>` finds. */
  createLabel(name: string): string;
  /** The scopes granted to a refresh token (default: the stand-in's own); new access tokens carry them. */
  setScopes(scopes: readonly string[], refreshToken?: string): void;
  /** A second refresh token of the same client with these scopes. */
  issueRefreshToken(scopes: readonly string[]): string;
  /** Makes every cursor older than now stale: history.list answers 404 for it, as Gmail does after ~a week. */
  expireHistory(): void;
  /** The next `times` API requests (path containing `match`, default any) answer 429 with Retry-After seconds. */
  rateLimit(retryAfterSeconds: number, options?: { times?: number; match?: string }): void;
  /** The next `times` API requests answer Gmail's 403 rate limit (no Retry-After). */
  rateLimit403(
    reason: 'userRateLimitExceeded' | 'rateLimitExceeded',
    options?: { times?: number; match?: string },
  ): void;
  serverError(options?: { times?: number; status?: number; match?: string }): void;
  /** The token endpoint answers 400 invalid_grant and API calls 401, until restoreAuth(). */
  revokeGrant(): void;
  restoreAuth(): void;
  inject(fault: InjectedFault): void;
  readonly received: ReceivedRequest[];
  readonly sent: SentMail[];
  readonly messages: StandinMessage[];
  close(): Promise<void>;
}

const notFound = (): Answer => ({
  status: 404,
  body: googleError(404, 'NOT_FOUND', 'Requested entity was not found.', 'notFound'),
});
const invalid = (message: string): Answer => ({
  status: 400,
  body: googleError(400, 'INVALID_ARGUMENT', message, 'invalidArgument'),
});

export async function startGmailStandin(
  options: { port?: number; email?: string; clock?: () => Date; scopes?: readonly string[] } = {},
): Promise<GmailStandin> {
  const email = options.email ?? 'owner@example.com';
  const clock = options.clock ?? (() => new Date());
  const credentials = {
    clientId: 'sandbox-client-id',
    clientSecret: 'sandbox-client-secret',
    refreshToken: 'sandbox-refresh-token',
  };
  const mailbox = new Mailbox();
  const received: ReceivedRequest[] = [];
  const sent: SentMail[] = [];
  const faults = new FaultQueue();
  // Why per refresh token: a Google access token carries the scopes its refresh token was granted, no more.
  const grants = new Map<string, Set<string>>([[credentials.refreshToken, new Set(options.scopes ?? [SCOPES.modify])]]);
  const tokens = new Map<string, Set<string>>();
  const labelNames = new Map<string, string>();
  let authRevoked = false;

  function addMessage(mail: NewMail = {}): StandinMessage {
    const id = mailbox.nextId();
    const n = mailbox.count;
    const date = mail.date ?? clock().getTime();
    return mailbox.insert({
      id,
      threadId: mail.threadId ?? id,
      labelIds: mail.labelIds ?? ['INBOX', 'UNREAD'],
      internalDate: date,
      snippet: mail.snippet ?? `Hello, this is message ${n}.`,
      headers: [
        { name: 'From', value: mail.from ?? `Customer ${n} <customer${n}@example.com>` },
        { name: 'To', value: mail.to ?? email },
        { name: 'Subject', value: mail.subject ?? `Question ${n}` },
        { name: 'Date', value: new Date(date).toUTCString() },
        { name: 'Message-ID', value: mail.messageId ?? `<msg-${id}@mail.example.com>` },
        ...(mail.references ? [{ name: 'References', value: mail.references }] : []),
      ],
    });
  }

  function page<T>(items: T[], url: URL, defaultSize: number): { items: T[]; next: string | undefined } {
    const size = Math.min(Number(url.searchParams.get('maxResults') ?? defaultSize) || defaultSize, 500);
    const offset = Number(url.searchParams.get('pageToken') ?? '0') || 0;
    const slice = items.slice(offset, offset + size);
    return { items: slice, next: offset + size < items.length ? String(offset + size) : undefined };
  }

  function token(req: http.IncomingMessage): Set<string> | undefined {
    const header = req.headers.authorization ?? '';
    return authRevoked || !header.startsWith('Bearer ') ? undefined : tokens.get(header.slice(7));
  }

  /** Google's OAuth2 token endpoint, refresh_token grant only. */
  function tokenAnswer(body: string | undefined): Answer {
    const form = new URLSearchParams(body ?? '');
    if (form.get('client_id') !== credentials.clientId)
      return { status: 401, body: { error: 'invalid_client', error_description: 'The OAuth client was not found.' } };
    if (form.get('client_secret') !== credentials.clientSecret)
      return { status: 401, body: { error: 'invalid_client', error_description: 'Unauthorized' } };
    if (form.get('grant_type') !== 'refresh_token')
      return {
        status: 400,
        body: { error: 'unsupported_grant_type', error_description: `Invalid grant_type: ${form.get('grant_type')}` },
      };
    const granted = grants.get(form.get('refresh_token') ?? '');
    if (authRevoked || !granted)
      return { status: 400, body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' } };
    const access = `ya29.sandbox-${randomBytes(8).toString('hex')}`;
    tokens.set(access, new Set(granted));
    return {
      status: 200,
      body: { access_token: access, expires_in: 3599, token_type: 'Bearer', scope: [...granted].join(' ') },
    };
  }

  function historyList(url: URL): Answer {
    const start = Number(url.searchParams.get('startHistoryId') ?? 'NaN');
    if (!Number.isFinite(start) || start < mailbox.oldestHistory) return notFound();
    const kinds = url.searchParams.getAll('historyTypes');
    const unknown = kinds.findIndex((k) => !(HISTORY_KINDS as readonly string[]).includes(k));
    if (unknown >= 0)
      return invalid(
        `Invalid value at 'history_types[${unknown}]' (type.googleapis.com/caribou.api.proto.HistoryType), "${kinds[unknown]}"`,
      );
    const records = mailbox.since(start, kinds as HistoryKind[], url.searchParams.get('labelId') ?? undefined);
    const { items, next } = page(records, url, 100);
    return {
      status: 200,
      body: {
        ...(items.length ? { history: items.map(historyResource) } : {}),
        historyId: String(mailbox.historyId),
        ...(next ? { nextPageToken: next } : {}),
      },
    };
  }

  function messagesList(url: URL): Answer {
    const labels = url.searchParams.getAll('labelIds');
    let query;
    try {
      query = compileQuery(url.searchParams.get('q') ?? '', clock(), (id) => labelNames.get(id));
    } catch (err) {
      if (err instanceof QueryError) return invalid(err.message);
      throw err;
    }
    const spamTrash = url.searchParams.get('includeSpamTrash') === 'true' || query.reachesSpamTrash;
    const list = mailbox.messages
      .filter((m) => labels.every((l) => m.labelIds.includes(l)))
      // Why: without includeSpamTrash (or in:spam/in:trash) Gmail leaves Spam and Trash out; Sent mail is in.
      .filter((m) => spamTrash || !m.labelIds.some((l) => l === 'SPAM' || l === 'TRASH'))
      .filter((m) => query.matches(m))
      .reverse(); // Gmail lists newest first
    const { items, next } = page(list, url, 100);
    return {
      status: 200,
      body: {
        ...(items.length ? { messages: items.map((m) => ({ id: m.id, threadId: m.threadId })) } : {}),
        ...(next ? { nextPageToken: next } : {}),
        resultSizeEstimate: list.length,
      },
    };
  }

  function messagesGet(id: string, url: URL): Answer {
    const message = mailbox.find(id);
    if (!message) return notFound();
    const format = url.searchParams.get('format') ?? 'full';
    const wanted = url.searchParams.getAll('metadataHeaders').map((h) => h.toLowerCase());
    const headers =
      format === 'metadata' && wanted.length
        ? message.headers.filter((h) => wanted.includes(h.name.toLowerCase()))
        : message.headers;
    return {
      status: 200,
      body: {
        id: message.id,
        threadId: message.threadId,
        labelIds: message.labelIds,
        snippet: message.snippet,
        historyId: String(message.historyId),
        internalDate: String(message.internalDate),
        sizeEstimate: 1024,
        ...(format === 'minimal' ? {} : { payload: { mimeType: 'text/plain', headers } }),
      },
    };
  }

  function messagesSend(body: string | undefined): Answer {
    const request = JSON.parse(body ?? '{}') as { raw?: string; threadId?: string };
    if (!request.raw)
      return invalid("'raw' RFC822 payload message string or uploading message via /upload/* URL required");
    const requested = request.threadId || undefined;
    if (requested !== undefined && !/^[0-9a-f]+$/i.test(requested)) return invalid('Invalid thread_id value');
    if (requested !== undefined && !mailbox.threadExists(requested)) return notFound();
    const decoded = decodeRawMessage(request.raw);
    const thread = requested ? mailbox.messages.filter((m) => m.threadId === requested) : [];
    const verdict = threadOfSent(requested, decoded, thread);
    const id = mailbox.nextId();
    const threadId = verdict.joined && requested ? requested : id;
    mailbox.insert({
      id,
      threadId,
      labelIds: ['SENT'],
      internalDate: clock().getTime(),
      snippet: decoded.text.slice(0, 100),
      headers: decoded.headerList,
    });
    sent.push({
      id,
      threadId,
      requestedThreadId: requested,
      ...(verdict.why && requested ? { notThreaded: verdict.why } : {}),
      raw: request.raw,
      decoded,
    });
    return { status: 200, body: { id, threadId, labelIds: ['SENT'] } };
  }

  /** The route's method, or undefined for a path the stand-in does not serve. */
  function methodOf(route: string, verb: string): GmailMethod | undefined {
    if (verb === 'GET' && route === 'profile') return 'getProfile';
    if (verb === 'GET' && route === 'history') return 'history.list';
    if (verb === 'GET' && route === 'messages') return 'messages.list';
    if (verb === 'POST' && route === 'messages/send') return 'messages.send';
    if (verb === 'GET' && /^messages\/[0-9a-f]+$/.test(route)) return 'messages.get';
    return undefined;
  }

  function api(method: GmailMethod, route: string, url: URL, body: string | undefined, scopes: Set<string>): Answer {
    if (!METHOD_SCOPES[method].some((s) => scopes.has(s))) return insufficientScopes(method);
    if (scopes.has(SCOPES.metadata)) {
      if (method === 'messages.list' && url.searchParams.has('q')) return metadataRefusal('q');
      const format = (url.searchParams.get('format') ?? 'full').toLowerCase();
      if (method === 'messages.get' && (format === 'full' || format === 'raw'))
        return metadataRefusal('format', format.toUpperCase());
    }
    switch (method) {
      case 'getProfile':
        return {
          status: 200,
          body: {
            emailAddress: email,
            messagesTotal: mailbox.messages.length,
            threadsTotal: new Set(mailbox.messages.map((m) => m.threadId)).size,
            historyId: String(mailbox.historyId),
          },
        };
      case 'history.list':
        return historyList(url);
      case 'messages.list':
        return messagesList(url);
      case 'messages.get':
        return messagesGet(route.slice('messages/'.length), url);
      case 'messages.send':
        return messagesSend(body);
    }
  }

  const server: RunningServer = await listen(async (req, res, url) => {
    const body = req.method === 'POST' ? await readBody(req) : undefined;
    received.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: queryOf(url),
      body: url.pathname === '/token' ? '[redacted]' : body,
    });
    const fault = faults.take(url.pathname);
    if (fault) return sendJson(res, fault.status, fault.body, fault.headers);
    const reply = (a: Answer) => sendJson(res, a.status, a.body, a.headers);

    if (url.pathname === '/token' && req.method === 'POST') return reply(tokenAnswer(body));
    const route = /^\/gmail\/v1\/users\/me\/(.+)$/.exec(url.pathname)?.[1];
    const method = route ? methodOf(route, req.method ?? 'GET') : undefined;
    if (!route || !method) return reply({ status: 404, body: googleError(404, 'NOT_FOUND', 'Not Found', 'notFound') });
    const scopes = token(req);
    if (!scopes)
      return reply({
        status: 401,
        body: googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.', 'authError'),
        headers: { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
      });
    return reply(api(method, route, url, body, scopes));
  }, options.port ?? 0);

  const arm = (answer: Answer, o: { times?: number; match?: string }) =>
    faults.add({
      status: answer.status,
      body: answer.body,
      ...(answer.headers ? { headers: answer.headers } : {}),
      times: o.times ?? 1,
      match: o.match ?? '/gmail/',
    });

  return {
    url: server.url,
    tokenUrl: `${server.url}/token`,
    credentials,
    addMessage,
    modifyLabels: (id, change) => mailbox.modify(id, change),
    deleteMessage: (id) => mailbox.remove(id),
    createLabel: (name) => {
      const id = `Label_${labelNames.size + 1}`;
      labelNames.set(id, name);
      return id;
    },
    setScopes: (scopes, refreshToken = credentials.refreshToken) => {
      grants.set(refreshToken, new Set(scopes));
    },
    issueRefreshToken: (scopes) => {
      const refreshToken = `sandbox-refresh-token-${grants.size + 1}`;
      grants.set(refreshToken, new Set(scopes));
      return refreshToken;
    },
    expireHistory: () => {
      mailbox.oldestHistory = mailbox.historyId + 1;
    },
    rateLimit: (seconds, o = {}) =>
      arm(
        {
          status: 429,
          body: googleError(429, 'RESOURCE_EXHAUSTED', 'User-rate limit exceeded.', 'rateLimitExceeded'),
          headers: { 'retry-after': String(seconds) },
        },
        o,
      ),
    rateLimit403: (reason, o = {}) => arm(rateLimit403(reason), o),
    serverError: (o = {}) =>
      arm(
        {
          status: o.status ?? 500,
          body: googleError(o.status ?? 500, 'INTERNAL', 'Internal error encountered.', 'backendError'),
        },
        o,
      ),
    revokeGrant: () => {
      authRevoked = true;
      tokens.clear();
    },
    restoreAuth: () => {
      authRevoked = false;
    },
    inject: (fault) => faults.add(fault),
    received,
    sent,
    get messages() {
      return mailbox.messages;
    },
    close: () => server.close(),
  };
}
