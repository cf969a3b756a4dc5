import type { DecodedMail } from './mime.js';
import type { StandinMessage } from './mailbox.js';

/**
 * Which thread a sent message lands in, by Gmail's rules (Gmail API guide "Manage threads", adding messages to
 * threads): the request names the `threadId`, the `References` or `In-Reply-To` header names a message of that
 * thread, and the subjects match. A request that names a thread but breaks a rule is still sent, in a new
 * thread of its own: the mail goes out, the customer's conversation is split. (An unknown threadId is refused
 * before this, with Gmail's 404.)
 */
export function threadOfSent(
  requested: string | undefined,
  mail: DecodedMail,
  threadMessages: StandinMessage[],
): { joined: boolean; why?: string } {
  if (!requested) return { joined: false, why: 'no threadId in the request' };
  const named = `${mail.headers['in-reply-to'] ?? ''} ${mail.headers['references'] ?? ''}`.match(/<[^<>\s]+>/g) ?? [];
  const ids = new Set(threadMessages.map((m) => messageIdOf(m)).filter((id): id is string => Boolean(id)));
  if (!named.some((id) => ids.has(id)))
    return { joined: false, why: 'In-Reply-To/References name no message of the thread' };
  const subject = baseSubject(mail.headers['subject'] ?? '');
  if (!threadMessages.some((m) => baseSubject(header(m, 'subject')) === subject))
    return { joined: false, why: 'the subject does not match the thread' };
  return { joined: true };
}

function header(m: StandinMessage, name: string): string {
  return m.headers.find((h) => h.name.toLowerCase() === name)?.value ?? '';
}

function messageIdOf(m: StandinMessage): string | undefined {
  return /<[^<>\s]+>/.exec(header(m, 'message-id'))?.[0];
}

/** The subject without reply/forward prefixes ("Re: Fwd: x" and "x" match), case and spacing folded. */
export function baseSubject(subject: string): string {
  let s = subject.trim();
  for (;;) {
    const next = s.replace(/^(re|fwd?|aw|wg)\s*:\s*/i, '');
    if (next === s) break;
    s = next;
  }
  return s.replace(/\s+/g, ' ').toLowerCase();
}
