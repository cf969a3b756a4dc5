import type { StandinMessage } from './mailbox.js';

/**
 * The part of Gmail's search syntax (users.messages.list `q`) the stand-in understands: terms joined by
 * spaces (AND), each optionally negated with `-`:
 *   in:inbox|sent|spam|trash|drafts|starred|important|anywhere   label:<name>   is:unread|read|starred|important
 *   newer_than:<N>d|m|y   older_than:<N>d|m|y   from:<text>   to:<text>   subject:<word>
 * Anything else (OR, braces, quotes, bare words, other operators) is refused with a QueryError: a stand-in
 * that matched everything it did not understand would let a wrong GMAIL_QUERY pass every test.
 */
export class QueryError extends Error {}

export interface CompiledQuery {
  matches(message: StandinMessage): boolean;
  /** True when the query names Spam or Trash itself (Gmail then searches them without includeSpamTrash). */
  reachesSpamTrash: boolean;
}

const IN_LABELS: Record<string, string> = {
  inbox: 'INBOX',
  sent: 'SENT',
  spam: 'SPAM',
  trash: 'TRASH',
  drafts: 'DRAFT',
  draft: 'DRAFT',
  starred: 'STARRED',
  important: 'IMPORTANT',
  unread: 'UNREAD',
};

const DAY_MS = 86_400_000;
const UNIT_DAYS: Record<string, number> = { d: 1, m: 30, y: 365 };

/** `labelName(id)` gives a user label's display name (label: matches it lowercased, spaces as dashes). */
export function compileQuery(
  q: string,
  now: Date,
  labelName: (id: string) => string | undefined = () => undefined,
): CompiledQuery {
  const tests: Array<(m: StandinMessage) => boolean> = [];
  let reachesSpamTrash = false;
  for (const raw of q.trim().split(/\s+/).filter(Boolean)) {
    const negated = raw.startsWith('-');
    const term = negated ? raw.slice(1) : raw;
    const colon = term.indexOf(':');
    if (colon <= 0 || /["(){}]/.test(term) || term === 'OR' || term === 'AND')
      throw new QueryError(`the Gmail stand-in does not understand the search term "${raw}"`);
    const op = term.slice(0, colon).toLowerCase();
    const value = term.slice(colon + 1);
    if (value === '') throw new QueryError(`the search term "${raw}" has no value`);
    const test = termTest(op, value.toLowerCase(), now, labelName, raw);
    if (!negated && op === 'in' && ['spam', 'trash', 'anywhere'].includes(value.toLowerCase())) reachesSpamTrash = true;
    tests.push(negated ? (m) => !test(m) : test);
  }
  return { matches: (m) => tests.every((t) => t(m)), reachesSpamTrash };
}

function termTest(
  op: string,
  value: string,
  now: Date,
  labelName: (id: string) => string | undefined,
  raw: string,
): (m: StandinMessage) => boolean {
  const header = (m: StandinMessage, name: string) =>
    (m.headers.find((h) => h.name.toLowerCase() === name)?.value ?? '').toLowerCase();
  switch (op) {
    case 'in': {
      if (value === 'anywhere') return () => true;
      const label = IN_LABELS[value];
      if (!label) throw new QueryError(`the Gmail stand-in does not know "in:${value}"`);
      return (m) => m.labelIds.includes(label);
    }
    case 'label':
      return (m) =>
        m.labelIds.some(
          (id) => id.toLowerCase() === value || (labelName(id) ?? '').toLowerCase().replace(/[\s/]+/g, '-') === value,
        );
    case 'is': {
      if (value === 'read') return (m) => !m.labelIds.includes('UNREAD');
      const label = { unread: 'UNREAD', starred: 'STARRED', important: 'IMPORTANT' }[value];
      if (!label) throw new QueryError(`the Gmail stand-in does not know "is:${value}"`);
      return (m) => m.labelIds.includes(label);
    }
    case 'newer_than':
    case 'older_than': {
      const match = /^(\d+)([dmy])$/.exec(value);
      if (!match?.[1] || !match[2]) throw new QueryError(`"${raw}" needs a number and d, m or y (e.g. 7d)`);
      const edge = now.getTime() - Number(match[1]) * (UNIT_DAYS[match[2]] ?? 1) * DAY_MS;
      return op === 'newer_than' ? (m) => m.internalDate > edge : (m) => m.internalDate < edge;
    }
    case 'from':
    case 'to':
    case 'subject':
      return (m) => header(m, op).includes(value);
    default:
      throw new QueryError(`the Gmail stand-in does not understand the search operator "${op}:"`);
  }
}
