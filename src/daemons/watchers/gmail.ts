import type { Logger } from '../../core/log.js';
import { failureOf } from '../../core/providers/errors.js';
import { classifyGmailError, type GmailApi } from '../../core/providers/gmail-client.js';
import { quote } from './task-file.js';
import type { WatchBatch, WatchItem, WatchSource } from './types.js';

export interface GmailSourceOptions {
  client: GmailApi;
  /** Which mail a full sync takes, e.g. `in:inbox newer_than:7d` (GMAIL_QUERY). */
  query: string;
  /** The label incremental polls follow (INBOX). */
  label: string;
  logger: Logger;
  pageSize?: number;
  /** messages.get calls in flight at once. */
  concurrency?: number;
}

const HEADERS = ['From', 'To', 'Subject', 'Date', 'Message-ID', 'References'];

/**
 * Gmail: `history.list` from the stored historyId; a full sync (`messages.list` with the query, cursor seeded
 * from `getProfile().historyId` read *before* listing, so nothing that arrives during the sync is missed) on
 * the first run and when Gmail answers 404 for a cursor that is too old. Items come a page at a time.
 */
export function gmailSource(options: GmailSourceOptions): WatchSource {
  const { client, logger } = options;
  const pageSize = options.pageSize ?? 100;
  const concurrency = options.concurrency ?? 10;

  async function items(ids: string[], signal: AbortSignal): Promise<WatchItem[]> {
    const out: WatchItem[] = [];
    for (let i = 0; i < ids.length; i += concurrency) {
      const chunk = ids.slice(i, i + concurrency);
      const got = await Promise.all(chunk.map((id) => fetchItem(id, signal)));
      for (const item of got) if (item) out.push(item);
    }
    return out;
  }

  async function fetchItem(id: string, signal: AbortSignal): Promise<WatchItem | undefined> {
    try {
      const res = await client.users.messages.get(
        { userId: 'me', id, format: 'metadata', metadataHeaders: HEADERS },
        { signal },
      );
      return toItem(res.data);
    } catch (err) {
      // A message deleted between the listing and now: nothing to do.
      if (failureOf(classifyGmailError(err, new Date()))?.reason === 'not_found') return undefined;
      throw err;
    }
  }

  async function* incremental(cursor: string, signal: AbortSignal): AsyncGenerator<WatchBatch> {
    let pageToken: string | undefined;
    let latest = cursor;
    do {
      const res = await client.users.history.list(
        {
          userId: 'me',
          startHistoryId: cursor,
          historyTypes: ['messageAdded'],
          labelId: options.label,
          maxResults: pageSize,
          pageToken,
        },
        { signal },
      );
      const ids = new Set<string>();
      for (const h of res.data.history ?? [])
        for (const added of h.messagesAdded ?? []) if (added.message?.id) ids.add(added.message.id);
      latest = res.data.historyId ?? latest;
      pageToken = res.data.nextPageToken ?? undefined;
      yield { items: await items([...ids], signal) };
    } while (pageToken);
    yield { items: [], cursor: latest };
  }

  async function* fullSync(signal: AbortSignal): AsyncGenerator<WatchBatch> {
    const profile = await client.users.getProfile({ userId: 'me' }, { signal });
    const seed = profile.data.historyId ?? undefined;
    let pageToken: string | undefined;
    do {
      const res = await client.users.messages.list(
        { userId: 'me', q: options.query, maxResults: pageSize, pageToken },
        { signal },
      );
      pageToken = res.data.nextPageToken ?? undefined;
      const ids = (res.data.messages ?? []).map((m) => m.id).filter((id): id is string => Boolean(id));
      yield { items: await items(ids, signal) };
    } while (pageToken);
    if (seed) yield { items: [], cursor: seed };
  }

  return {
    name: 'gmail',
    classify: classifyGmailError,
    async *poll(cursor, signal) {
      if (cursor !== undefined) {
        try {
          yield* incremental(cursor, signal);
          return;
        } catch (err) {
          // Why not retry the cursor: Gmail keeps history about a week; a 404 means it is gone for good.
          if (failureOf(classifyGmailError(err, new Date()))?.reason !== 'not_found') throw err;
          logger.warn('Gmail history cursor too old (404): full sync');
        }
      }
      yield* fullSync(signal);
    },
  };
}

interface GmailMessage {
  id?: string | null;
  threadId?: string | null;
  snippet?: string | null;
  internalDate?: string | null;
  payload?: { headers?: Array<{ name?: string | null; value?: string | null }> | null } | null;
}

function toItem(message: GmailMessage): WatchItem | undefined {
  if (!message.id) return undefined;
  const header = (name: string) =>
    message.payload?.headers?.find((h) => h.name?.toLowerCase() === name.toLowerCase())?.value ?? undefined;
  const from = header('From') ?? '(unknown sender)';
  const subject = header('Subject') ?? '';
  const ms = Number(message.internalDate);
  const created = new Date(Number.isFinite(ms) && ms > 0 ? ms : Date.now()).toISOString();
  const snippet = message.snippet ?? '';
  return {
    kind: 'EMAIL',
    sourceId: message.id,
    fields: {
      id: `gmail:${message.id}`,
      type: 'email',
      source: 'gmail',
      created,
      from,
      to: header('To'),
      subject,
      thread_id: message.threadId ?? undefined,
      // The RFC 822 Message-ID: the reply's In-Reply-To. `gmail_id` is Gmail's own id (also in `id`).
      message_id: header('Message-ID'),
      references: header('References'),
      gmail_id: message.id,
    },
    body: [
      `# Email from ${from}`,
      '',
      `**Subject:** ${subject || '(no subject)'}`,
      `**Received:** ${created}`,
      '',
      quote(snippet),
      '',
    ].join('\n'),
  };
}
