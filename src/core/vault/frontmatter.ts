import { Document, isMap, parseDocument } from 'yaml';
import { invalidInput } from '../errors.js';

/**
 * A task file: YAML frontmatter between `---` lines, then a markdown body. We keep the yaml Document
 * (not a plain object) so that rewriting a field keeps a human's comments and key order (DESIGN §3).
 */
export interface TaskText {
  doc: Document;
  data: Record<string, unknown>;
  body: string;
}

const FENCE = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

export function parseTaskText(text: string): TaskText {
  const match = FENCE.exec(text.startsWith('\uFEFF') ? text.slice(1) : text);
  if (!match)
    throw invalidInput(
      'The file has no YAML frontmatter: it must start with a "---" line and close it with another "---".',
    );
  const doc = parseDocument(match[1] ?? '', { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    throw invalidInput(`The frontmatter is not valid YAML: ${first?.message.split('\n')[0] ?? 'parse error'}.`);
  }
  if (doc.contents !== null && !isMap(doc.contents))
    throw invalidInput('The frontmatter must be a YAML mapping of "key: value" lines.');
  const data = (doc.toJS() ?? {}) as Record<string, unknown>;
  const body = (text.startsWith('\uFEFF') ? text.slice(1) : text).slice(match[0].length);
  return { doc, data, body };
}

/** Sets (or, for `undefined`, deletes) fields in place; existing keys keep their position and comments. */
export function setFields(task: TaskText, patch: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) task.doc.delete(key);
    else task.doc.set(key, value);
  }
  task.data = (task.doc.toJS() ?? {}) as Record<string, unknown>;
}

export function renderTaskText(task: Pick<TaskText, 'doc' | 'body'>): string {
  return `---\n${task.doc.toString({ lineWidth: 0 })}---\n${task.body}`;
}

/** Builds a new task file's text from fields in the given order. */
export function newTaskText(fields: Record<string, unknown>, body: string): string {
  const doc = new Document(Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)));
  return renderTaskText({ doc, body: body.endsWith('\n') ? body : `${body}\n` });
}
