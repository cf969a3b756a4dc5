/**
 * The Gmail stand-in's mailbox: messages with labels, and the history log Gmail keeps of every change to them.
 * Gmail records four kinds of change (users.history.list, HistoryType: messageAdded, messageDeleted,
 * labelAdded, labelRemoved); a watcher that asks for only one kind misses mail that reaches the inbox another
 * way (rescued from Spam, moved back by a filter or by hand), so the stand-in records all four as Gmail does.
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

export type HistoryKind = 'messageAdded' | 'messageDeleted' | 'labelAdded' | 'labelRemoved';
export const HISTORY_KINDS: readonly HistoryKind[] = ['messageAdded', 'messageDeleted', 'labelAdded', 'labelRemoved'];

export interface HistoryRecord {
  id: number;
  kind: HistoryKind;
  message: { id: string; threadId: string };
  /** The message's labels right after the change (before it, for a deletion): what `labelId` filters on. */
  labelIds: string[];
  /** The labels added or removed (label records only). */
  changed: string[];
}

/** Gmail's history.list `History` resource for one record (shapes as in @googleapis/gmail Schema$History). */
export function historyResource(record: HistoryRecord): Record<string, unknown> {
  const ref = { id: record.message.id, threadId: record.message.threadId };
  const withLabels = { ...ref, labelIds: record.labelIds };
  const typed =
    record.kind === 'messageAdded'
      ? { messagesAdded: [{ message: withLabels }] }
      : record.kind === 'messageDeleted'
        ? { messagesDeleted: [{ message: ref }] }
        : record.kind === 'labelAdded'
          ? { labelsAdded: [{ message: withLabels, labelIds: record.changed }] }
          : { labelsRemoved: [{ message: withLabels, labelIds: record.changed }] };
  return { id: String(record.id), messages: [ref], ...typed };
}

export class Mailbox {
  readonly messages: StandinMessage[] = [];
  readonly history: HistoryRecord[] = [];
  historyId = 1000;
  /** Cursors below this are too old: history.list answers 404 for them. */
  oldestHistory = 0;
  private counter = 0;

  nextId(): string {
    return (0x18c0000000000000n + BigInt(++this.counter)).toString(16);
  }

  get count(): number {
    return this.counter;
  }

  find(id: string): StandinMessage | undefined {
    return this.messages.find((m) => m.id === id);
  }

  threadExists(threadId: string): boolean {
    return this.messages.some((m) => m.threadId === threadId);
  }

  /** A message enters the mailbox (delivered, imported or sent): one messageAdded record. */
  insert(message: Omit<StandinMessage, 'historyId'>): StandinMessage {
    const stored: StandinMessage = { ...message, labelIds: [...new Set(message.labelIds)], historyId: 0 };
    this.messages.push(stored);
    this.record(stored, 'messageAdded', []);
    return stored;
  }

  /**
   * Adds and removes labels as users.messages.modify does. Only real changes are recorded (a label the message
   * already has is not "added" again), one record per kind, as Gmail does.
   */
  modify(id: string, change: { add?: string[]; remove?: string[] }): StandinMessage {
    const message = this.require(id);
    const added = [...new Set(change.add ?? [])].filter((l) => !message.labelIds.includes(l));
    const removed = [...new Set(change.remove ?? [])].filter((l) => message.labelIds.includes(l));
    if (removed.length) {
      message.labelIds = message.labelIds.filter((l) => !removed.includes(l));
      this.record(message, 'labelRemoved', removed);
    }
    if (added.length) {
      message.labelIds = [...message.labelIds, ...added];
      this.record(message, 'labelAdded', added);
    }
    return message;
  }

  /** Deletes a message for good (users.messages.delete, or Trash emptied): one messageDeleted record. */
  remove(id: string): void {
    const message = this.require(id);
    this.messages.splice(this.messages.indexOf(message), 1);
    this.record(message, 'messageDeleted', []);
  }

  private require(id: string): StandinMessage {
    const message = this.find(id);
    if (!message) throw new Error(`the Gmail stand-in has no message ${id}`);
    return message;
  }

  private record(message: StandinMessage, kind: HistoryKind, changed: string[]): void {
    this.historyId += 1;
    message.historyId = this.historyId;
    this.history.push({
      id: this.historyId,
      kind,
      message: { id: message.id, threadId: message.threadId },
      labelIds: [...message.labelIds],
      changed,
    });
  }

  /**
   * The records after `start`, of the given kinds (all when none are given), whose message had `labelId`
   * (history.list `labelId`: "Only return messages with a label matching the ID" — so a labelAdded record for
   * UNREAD on an inbox message comes back under labelId=INBOX too).
   */
  since(start: number, kinds: readonly HistoryKind[], labelId: string | undefined): HistoryRecord[] {
    return this.history.filter(
      (h) =>
        h.id > start && (kinds.length === 0 || kinds.includes(h.kind)) && (!labelId || h.labelIds.includes(labelId)),
    );
  }
}
