import type { gmail_v1 } from '@googleapis/gmail';
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
const OWN_MAIL = ['SENT', 'DRAFT'];

type HistoryRecord = gmail_v1.Schema$History;

/**
 * The ids in these history records that are new work for `label`: a message added with the label, or a
 * message the label was added to (labelAdded records only name labels the message did not have). Other label
 * changes on a message in the label (UNREAD, STARRED, IMPORTANT: they come back under `labelId` too) are not
 * new work, nor is the owner's own mail. A message that left and came back is taken again here; the runner
 * knows it by its task id (`gmail:<id>`), so it stays one task.
 */
export function newWork(history: HistoryRecord[], label: string): Set<string> {
  const ids = new Set<string>();
  const own = (labels: string[] | null | undefined) => (labels ?? []).some((l) => OWN_MAIL.includes(l));
  for (const h of history) {
    for (const added of h.messagesAdded ?? []) {
      // Why trust a record without labelIds: the request's labelId filter already asked for the label, and
      // dropping mail over a missing field would lose it; the fetch checks the owner's own mail again.
      const labels = added.message?.labelIds;
      if (added.message?.id && (!labels || (labels.includes(label) && !own(labels)))) ids.add(added.message.id);
    }
    for (const change of h.labelsAdded ?? [])
      if (change.message?.id && change.labelIds?.includes(label) && !own(change.message.labelIds))
        ids.add(change.message.id);
  }
  return ids;
}

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
      // Why: the owner's own mail (sent, also to himself, and drafts) is no work, whichever query took it.
      if (res.data.labelIds?.some((l) => OWN_MAIL.includes(l))) return undefined;
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
          // Why labelAdded too: mail rescued from Spam or moved back into the inbox arrives only as a label change.
          historyTypes: ['messageAdded', 'labelAdded'],
          labelId: options.label,
          maxResults: pageSize,
          pageToken,
        },
        { signal },
      );
      latest = res.data.historyId ?? latest;
      pageToken = res.data.nextPageToken ?? undefined;
      yield { items: await items([...newWork(res.data.history ?? [], options.label)], signal) };
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
