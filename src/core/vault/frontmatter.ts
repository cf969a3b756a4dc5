import { Document, isMap, isScalar, parseDocument } from 'yaml';
import { invalidInput } from '../errors.js';

/**
 * A task file: YAML frontmatter between `---` lines, then a markdown body. We keep the yaml Document
 * (not a plain object) so that rewriting a field keeps a human's comments and key order (DESIGN §3).
 */
export interface TaskText {
  doc: Document;
  data: Record<string, unknown>;
  body: string;
  /** The file's text as read; with `patch`, rendering edits it in place instead of re-stringifying `doc`. */
  source?: string;
  /** The fields set since reading (`undefined`: deleted), in order. */
  patch?: Record<string, unknown>;
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
  return { doc, data, body, source: text, patch: {} };
}

/** Sets (or, for `undefined`, deletes) fields in place; existing keys keep their position and comments. */
export function setFields(task: TaskText, patch: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) task.doc.delete(key);
    else task.doc.set(key, value);
    if (task.patch) task.patch[key] = value;
  }
  task.data = (task.doc.toJS() ?? {}) as Record<string, unknown>;
}

/**
 * The file's text. A file that was read is edited in place (patchFrontmatterText): the keys nobody set keep
 * their bytes, comments and layout. A new one is stringified from its document.
 */
export function renderTaskText(task: Pick<TaskText, 'doc' | 'body' | 'source' | 'patch'>): string {
  if (task.source !== undefined && task.patch !== undefined) {
    try {
      const patched = patchFrontmatterText(task.source, task.patch);
      const bom = patched.startsWith('\uFEFF') ? 1 : 0;
      const match = FENCE.exec(patched.slice(bom));
      if (match) return patched.slice(0, bom + match[0].length) + task.body;
    } catch {
      // Fall through: a document we cannot edit in place is written whole.
    }
  }
  return `---\n${task.doc.toString({ lineWidth: 0 })}---\n${task.body}`;
}

/** Builds a new task file's text from fields in the given order. */
export function newTaskText(fields: Record<string, unknown>, body: string): string {
  const doc = new Document(Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)));
  return renderTaskText({ doc, body: body.endsWith('\n') ? body : `${body}\n` });
}

/**
 * Sets (or, for `undefined`, deletes) top-level fields of a task file's frontmatter by editing its text in
 * place: every byte outside the changed fields stays as it was (other keys with their own quoting and flow
 * style, comments, blank lines, the fence and the body). Why not `setFields` + `renderTaskText`: re-stringifying
 * the document re-formats keys nobody changed (`tags: ["#a"]` becomes `tags: [ "#a" ]`), and a file another
 * tool wrote must keep what we do not own byte for byte. A changed scalar keeps its position and its comment;
 * a changed collection is rewritten where it stood; a new key goes at the end.
 */
export function patchFrontmatterText(text: string, patch: Record<string, unknown>): string {
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const plain = bom ? text.slice(1) : text;
  const match = FENCE.exec(plain);
  if (!match) throw invalidInput('The file has no YAML frontmatter to edit.');
  const open = /^---[ \t]*\r?\n/.exec(plain)?.[0] ?? '---\n';
  const eol = open.endsWith('\r\n') ? '\r\n' : '\n';
  let source = match[1] ?? '';
  const doc = parseDocument(source, { uniqueKeys: true });
  if (doc.errors.length > 0 || (doc.contents !== null && !isMap(doc.contents)))
    throw invalidInput('The frontmatter is not a YAML mapping; it cannot be edited in place.');
  // Edits from the end of the text backwards, so earlier offsets stay valid.
  const edits: Array<{ start: number; end: number; text: string }> = [];
  const appended: string[] = [];
  const items = doc.contents && isMap(doc.contents) ? doc.contents.items : [];
  for (const [key, value] of Object.entries(patch)) {
    const pair = items.find((p) => isScalar(p.key) && String(p.key.value) === key);
    const keyRange = pair && isScalar(pair.key) ? pair.key.range : undefined;
    if (!pair || !keyRange) {
      if (value !== undefined) appended.push(renderPair(key, value, eol));
      continue;
    }
    const lineStart = source.lastIndexOf('\n', keyRange[0] - 1) + 1;
    const valueNode = pair.value as { range?: [number, number, number] } | null;
    const valueEnd = valueNode?.range?.[1] ?? keyRange[1];
    const oneLine = !source.slice(keyRange[0], valueEnd).includes('\n');
    if (value !== undefined && oneLine && isScalar(pair.value) && isInline(value) && valueNode?.range) {
      edits.push({ start: valueNode.range[0], end: valueNode.range[1], text: inlineValue(value) });
      continue;
    }
    // Delete the pair's lines (or replace them with the new rendering, in the same place).
    let lineEnd = source.indexOf('\n', Math.max(valueEnd - 1, keyRange[1]));
    lineEnd = lineEnd < 0 ? source.length : lineEnd + 1;
    edits.push({ start: lineStart, end: lineEnd, text: value === undefined ? '' : renderPair(key, value, eol) });
  }
  for (const e of edits.sort((a, b) => b.start - a.start))
    source = source.slice(0, e.start) + e.text + source.slice(e.end);
  if (appended.length > 0) {
    if (source !== '' && !source.endsWith('\n')) source += eol;
    source += appended.join('');
  }
  source = source.replace(/\r?\n$/, '');
  const rest = plain.slice(match[0].length);
  const close = match[0].slice(match[0].lastIndexOf('---'));
  return `${bom}${open}${source}${source === '' ? '' : eol}${close.endsWith('\n') ? close : `${close}${eol}`}${rest}`;
}

const isInline = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);

function inlineValue(value: unknown): string {
  const out = new Document(value).toString({ lineWidth: 0 }).replace(/\n$/, '');
  return out.includes('\n') ? JSON.stringify(value) : out;
}

function renderPair(key: string, value: unknown, eol: string): string {
  const out = new Document({ [key]: value }).toString({ lineWidth: 0 });
  return eol === '\n' ? out : out.replace(/\n/g, eol);
}
