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
import { decodeRawMessage, type DecodedMail } from './mime.js';

/**
 * A Gmail API stand-in (`/gmail/v1/users/me/...` and an OAuth2 `/token` endpoint) that the real
 * `@googleapis/gmail` client works against unchanged: point `rootUrl` and the OAuth2 client's token URL here.
 * It keeps a mailbox with a history log, so `history.list` cursors, paging and the 404 of a stale cursor behave
 * like Gmail's; faults can be injected per path; everything received is logged.
 */

export interface StandinMessage {
  id: string;
  threadId: string;
  historyId: number;
  labelIds: string[];
  internalDate: number;
  snippet: string;
  headers: Array<{ name: string; value: string }>;
}

export interface SentMail {
  id: string;
  threadId: string | undefined;
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
  /** Epoch ms; equal dates are allowed (duplicates at equal timestamps). */
  date?: number;
  labelIds?: string[];
}

export interface GmailStandin {
  url: string;
  /** The OAuth2 token endpoint to give the client (`endpoints.oauth2TokenUrl`). */
  tokenUrl: string;
  credentials: { clientId: string; clientSecret: string; refreshToken: string };
  addMessage(mail?: NewMail): StandinMessage;
  /** Makes every cursor older than now stale: history.list answers 404 for it, as Gmail does after ~a week. */
  expireHistory(): void;
  /** The next `times` API requests (path containing `match`, default any) answer 429 with Retry-After seconds. */
  rateLimit(retryAfterSeconds: number, options?: { times?: number; match?: string }): void;
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

const googleError = (code: number, status: string, message: string, reason: string) => ({
  error: { code, message, errors: [{ message, domain: 'global', reason }], status },
});

export async function startGmailStandin(options: { port?: number; email?: string } = {}): Promise<GmailStandin> {
  const email = options.email ?? 'owner@example.com';
  const credentials = {
    clientId: 'sandbox-client-id',
    clientSecret: 'sandbox-client-secret',
    refreshToken: 'sandbox-refresh-token',
  };
  const messages: StandinMessage[] = [];
  const history: Array<{ id: number; message: StandinMessage }> = [];
  const received: ReceivedRequest[] = [];
  const sent: SentMail[] = [];
  const faults = new FaultQueue();
  const tokens = new Set<string>();
  let historyId = 1000;
  let oldestHistory = 0;
  let authRevoked = false;
  let counter = 0;

  const nextId = () => (0x18c0000000000000n + BigInt(++counter)).toString(16);

  function addMessage(mail: NewMail = {}): StandinMessage {
    const id = nextId();
    historyId += 1;
    const date = mail.date ?? Date.UTC(2026, 10, 26, 9, 0, 0) + counter * 1000;
    const message: StandinMessage = {
      id,
      threadId: mail.threadId ?? id,
      historyId,
      labelIds: mail.labelIds ?? ['INBOX', 'UNREAD'],
      internalDate: date,
      snippet: mail.snippet ?? `Hello, this is message ${counter}.`,
      headers: [
        { name: 'From', value: mail.from ?? `Customer ${counter} <customer${counter}@example.com>` },
        { name: 'To', value: mail.to ?? email },
        { name: 'Subject', value: mail.subject ?? `Question ${counter}` },
        { name: 'Date', value: new Date(date).toUTCString() },
        { name: 'Message-ID', value: mail.messageId ?? `<msg-${id}@mail.example.com>` },
      ],
    };
    messages.push(message);
    history.push({ id: historyId, message });
    return message;
  }

  function authorised(req: http.IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    return !authRevoked && header.startsWith('Bearer ') && tokens.has(header.slice(7));
  }

  function page<T>(items: T[], url: URL, defaultSize: number): { items: T[]; next: string | undefined } {
    const size = Math.min(Number(url.searchParams.get('maxResults') ?? defaultSize) || defaultSize, 500);
    const offset = Number(url.searchParams.get('pageToken') ?? '0') || 0;
    const slice = items.slice(offset, offset + size);
    return { items: slice, next: offset + size < items.length ? String(offset + size) : undefined };
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

    if (url.pathname === '/token' && req.method === 'POST') {
      const form = new URLSearchParams(body ?? '');
      if (
        authRevoked ||
        form.get('refresh_token') !== credentials.refreshToken ||
        form.get('client_id') !== credentials.clientId
      )
        return sendJson(res, 400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
      const token = `ya29.sandbox-${randomBytes(8).toString('hex')}`;
      tokens.add(token);
      return sendJson(res, 200, {
        access_token: token,
        expires_in: 3599,
        token_type: 'Bearer',
        scope: 'https://www.googleapis.com/auth/gmail.modify',
      });
    }

    const match = /^\/gmail\/v1\/users\/me\/(.+)$/.exec(url.pathname);
    if (!match?.[1]) return sendJson(res, 404, googleError(404, 'NOT_FOUND', 'Not Found', 'notFound'));
    if (!authorised(req))
      return sendJson(
        res,
        401,
        googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.', 'authError'),
        {
          'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"',
        },
      );
    const route = match[1];

    if (route === 'profile' && req.method === 'GET')
      return sendJson(res, 200, {
        emailAddress: email,
        messagesTotal: messages.length,
        threadsTotal: messages.length,
        historyId: String(historyId),
      });

    if (route === 'history' && req.method === 'GET') {
      const start = Number(url.searchParams.get('startHistoryId') ?? 'NaN');
      if (!Number.isFinite(start) || start < oldestHistory)
        return sendJson(res, 404, googleError(404, 'NOT_FOUND', 'Requested entity was not found.', 'notFound'));
      const label = url.searchParams.get('labelId');
      const records = history.filter((h) => h.id > start && (!label || h.message.labelIds.includes(label)));
      const { items, next } = page(records, url, 100);
      return sendJson(res, 200, {
        ...(items.length
          ? {
              history: items.map((h) => ({
                id: String(h.id),
                messages: [{ id: h.message.id, threadId: h.message.threadId }],
                messagesAdded: [
                  { message: { id: h.message.id, threadId: h.message.threadId, labelIds: h.message.labelIds } },
                ],
              })),
            }
          : {}),
        historyId: String(historyId),
        ...(next ? { nextPageToken: next } : {}),
      });
    }

    if (route === 'messages' && req.method === 'GET') {
      const labels = url.searchParams.getAll('labelIds');
      const list = messages
        .filter((m) => labels.every((l) => m.labelIds.includes(l)))
        .filter((m) => !m.labelIds.includes('SENT') || labels.includes('SENT'))
        .slice()
        .reverse(); // Gmail lists newest first
      const { items, next } = page(list, url, 100);
      return sendJson(res, 200, {
        ...(items.length ? { messages: items.map((m) => ({ id: m.id, threadId: m.threadId })) } : {}),
        ...(next ? { nextPageToken: next } : {}),
        resultSizeEstimate: list.length,
      });
    }

    if (route === 'messages/send' && req.method === 'POST') {
      const request = JSON.parse(body ?? '{}') as { raw?: string; threadId?: string };
      if (!request.raw)
        return sendJson(
          res,
          400,
          googleError(
            400,
            'INVALID_ARGUMENT',
            "'raw' RFC822 payload message string or uploading message via /upload/* URL required",
            'invalidArgument',
          ),
        );
      const id = nextId();
      historyId += 1;
      const decoded = decodeRawMessage(request.raw);
      sent.push({ id, threadId: request.threadId, raw: request.raw, decoded });
      messages.push({
        id,
        threadId: request.threadId ?? id,
        historyId,
        labelIds: ['SENT'],
        internalDate: Date.now(),
        snippet: decoded.text.slice(0, 100),
        headers: decoded.headerList,
      });
      return sendJson(res, 200, { id, threadId: request.threadId ?? id, labelIds: ['SENT'] });
    }

    const get = /^messages\/([0-9a-f]+)$/.exec(route);
    if (get?.[1] && req.method === 'GET') {
      const message = messages.find((m) => m.id === get[1]);
      if (!message)
        return sendJson(res, 404, googleError(404, 'NOT_FOUND', 'Requested entity was not found.', 'notFound'));
      const wanted = url.searchParams.getAll('metadataHeaders').map((h) => h.toLowerCase());
      const headers = wanted.length
        ? message.headers.filter((h) => wanted.includes(h.name.toLowerCase()))
        : message.headers;
      return sendJson(res, 200, {
        id: message.id,
        threadId: message.threadId,
        labelIds: message.labelIds,
        snippet: message.snippet,
        historyId: String(message.historyId),
        internalDate: String(message.internalDate),
        sizeEstimate: 1024,
        payload: { mimeType: 'text/plain', headers },
      });
    }
    return sendJson(res, 404, googleError(404, 'NOT_FOUND', 'Not Found', 'notFound'));
  }, options.port ?? 0);

  return {
    url: server.url,
    tokenUrl: `${server.url}/token`,
    credentials,
    addMessage,
    expireHistory: () => {
      oldestHistory = historyId + 1;
    },
    rateLimit: (seconds, o = {}) =>
      faults.add({
        status: 429,
        body: googleError(429, 'RESOURCE_EXHAUSTED', 'User-rate limit exceeded.', 'rateLimitExceeded'),
        headers: { 'retry-after': String(seconds) },
        times: o.times ?? 1,
        match: o.match ?? '/gmail/',
      }),
    serverError: (o = {}) =>
      faults.add({
        status: o.status ?? 500,
        body: googleError(o.status ?? 500, 'INTERNAL', 'Internal error encountered.', 'backendError'),
        times: o.times ?? 1,
        match: o.match ?? '/gmail/',
      }),
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
    messages,
    close: () => server.close(),
  };
}
