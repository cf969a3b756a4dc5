import { createHash } from 'node:crypto';
import { newTaskText } from '../../core/vault/frontmatter.js';
import type { WatchItem } from './types.js';

/**
 * `<KIND>_<source id>` with the id made safe for a file name. Ids that are already safe (Gmail hex, tweet
 * digits, Graph `123_456`) stay readable; anything else is replaced by a hash so two ids never share a name.
 */
export function taskStem(item: Pick<WatchItem, 'kind' | 'sourceId'>): string {
  const safe = /^[A-Za-z0-9_-]{1,120}$/.test(item.sourceId)
    ? item.sourceId
    : createHash('sha256').update(item.sourceId).digest('hex').slice(0, 32);
  return `${item.kind}_${safe}`;
}

export const taskFileName = (item: Pick<WatchItem, 'kind' | 'sourceId'>) => `${taskStem(item)}.md`;

/** The task file's text: the common fields of DESIGN §3 first, then the item's own. */
export function taskText(item: WatchItem): string {
  const { id, type, created, ...rest } = item.fields;
  return newTaskText(
    { id, type, source: rest['source'], created, status: 'new', priority: 'normal', ...rest },
    item.body,
  );
}

/** Quotes untrusted text as a markdown block quote, so a message cannot forge headings or frontmatter. */
export function quote(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}
