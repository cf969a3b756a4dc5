import { invalidInput } from '../errors.js';
import { failureOf, providerError } from './errors.js';
import { classifyGmailError, type GmailApi } from './gmail-client.js';

export interface GmailReply {
  /** The address to answer (the original mail's From). */
  to: string;
  /** The original subject; "Re: " is added unless it is already there. */
  subject: string;
  body: string;
  /** Gmail's thread id of the original (task field `thread_id`). */
  threadId: string;
  /** The original's RFC 822 Message-ID header, with angle brackets (task field `message_id`). */
  inReplyTo: string;
  /** The original's References header, if any; the reply's References is that plus `inReplyTo`. */
  references?: string;
  from?: string;
}

const CRLF = '\r\n';

/** RFC 2047 for a header value that is not plain ASCII (subjects with accents, names with umlauts). */
function encodeHeader(value: string): string {
  // Why: a CR or LF in a header value would let a drafted text inject its own headers (Bcc:, ...).
  if (/[\r\n]/.test(value)) throw invalidInput('A mail header may not contain a line break; remove it from the draft.');
  return /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

/** The reply as an RFC 822 message (text/plain, UTF-8, base64 body so any text survives transport). */
export function buildReplyMessage(reply: GmailReply): string {
  const subject = /^re:/i.test(reply.subject.trim()) ? reply.subject.trim() : `Re: ${reply.subject.trim()}`;
  const references = [reply.references?.trim(), reply.inReplyTo.trim()].filter(Boolean).join(' ');
  const headers = [
    ...(reply.from ? [`From: ${encodeHeader(reply.from)}`] : []),
    `To: ${encodeHeader(reply.to)}`,
    `Subject: ${encodeHeader(subject)}`,
    `In-Reply-To: ${encodeHeader(reply.inReplyTo.trim())}`,
    `References: ${encodeHeader(references)}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset="UTF-8"',
    'Content-Transfer-Encoding: base64',
  ];
  const body = (
    Buffer.from(reply.body, 'utf8')
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  ).join(CRLF);
  return `${headers.join(CRLF)}${CRLF}${CRLF}${body}${CRLF}`;
}

/**
 * Sends `reply` in the original's thread (`users.messages.send` with `threadId`, and In-Reply-To/References so
 * the recipient's client threads it too). Returns Gmail's id of the sent message. Errors are AppErrors (errors.ts).
 */
export async function sendGmailReply(
  client: GmailApi,
  reply: GmailReply,
  options: { signal?: AbortSignal; clock?: () => Date } = {},
): Promise<{ id: string; threadId: string }> {
  if (reply.to.trim() === '' || reply.threadId.trim() === '' || reply.inReplyTo.trim() === '')
    throw invalidInput('A Gmail reply needs to, threadId and inReplyTo (the task fields from, thread_id, message_id).');
  const raw = Buffer.from(buildReplyMessage(reply), 'utf8').toString('base64url');
  try {
    const res = await client.users.messages.send(
      { userId: 'me', requestBody: { raw, threadId: reply.threadId } },
      { signal: options.signal },
    );
    return { id: res.data.id ?? '', threadId: res.data.threadId ?? reply.threadId };
  } catch (err) {
    const failure = classifyGmailError(err, (options.clock ?? (() => new Date()))());
    // Why a message of its own: Gmail's bare 404 here means the thread is unknown to this mailbox (deleted, or
    // the task came from another account), and the owner should know nothing went out.
    if (failureOf(failure)?.reason === 'not_found')
      throw providerError(
        'gmail',
        'not_found',
        `Gmail has no thread ${reply.threadId} in this mailbox; nothing was sent`,
        {
          status: 404,
          cause: err,
        },
      );
    throw failure ?? err;
  }
}
