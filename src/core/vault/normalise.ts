import { Document } from 'yaml';
import { parseTaskText, patchFrontmatterText, renderTaskText, type TaskText } from './frontmatter.js';
import { PRIORITIES, TASK_SCHEMAS, TASK_STATUSES, validateTask, type TaskType } from './schemas.js';

/**
 * The tolerant reader (docs/task-files.md). Task files come from this project's watchers, but also from the
 * hackathon's Python watchers and from people typing notes in Obsidian: no `id`, naive timestamps, `priority:
 * P1`, `status: Pending`, `type: file_drop` with `original_name`, no frontmatter at all. Each of those is read
 * as a task; the claim (the one write that happens anyway) writes the normalised fields back, keeping every
 * other key, comment and the key order as they were. Only a file that cannot be read at all is refused:
 * bytes that are not UTF-8, broken YAML, frontmatter that is not a mapping.
 */

export interface Normalised {
  /** The task as this project reads it: the original fields plus the normalised ones. */
  data: Record<string, unknown>;
  /** The task type the policy routes on (an unknown or unusable type reads as the generic `task`). */
  type: TaskType;
  /** The fields the claim writes back (in this order); empty when the file is already in our shape. */
  patch: Record<string, unknown>;
  /** One line per change, for a person: `priority: P1 → urgent`. Also written to the file as `normalised`. */
  changes: string[];
  /** False for a note with no frontmatter: the claim gives it one and keeps the whole text as the body. */
  hasFrontmatter: boolean;
  /** The parsed file (undefined for a note with no frontmatter). */
  parsed?: TaskText;
  body: string;
  /** The file's whole text as read. */
  text: string;
}

export type ReadOutcome = { ok: true; task: Normalised } | { ok: false; reason: string };

export interface ReadContext {
  /** The file's name, e.g. `EMAIL_19abc.md`: the id and the type fall back on it. */
  fileName: string;
  /** The file's mtime: `created` falls back on it. */
  mtime: Date;
  /** IANA zone that naive timestamps are read in; default the machine's (TZ). */
  timeZone?: string;
}

/** Decodes bytes as UTF-8, or says where they are not. */
export function decodeUtf8(bytes: Uint8Array): { ok: true; text: string } | { ok: false; reason: string } {
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    const lossy = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    const at = lossy.indexOf('\uFFFD');
    const line = at < 0 ? 1 : lossy.slice(0, at).split('\n').length;
    return {
      ok: false,
      reason: `The file is not UTF-8 text (first bad byte on line ${line}); it was probably saved in another encoding such as Windows-1252. Open it in an editor, save it as UTF-8, and move it back to Needs_Action/.`,
    };
  }
}

const OPENS_FRONTMATTER = /^\uFEFF?---[ \t]*\r?\n/;

/** Reads a task file's text tolerantly: the normalised task, or why it cannot be read at all. */
export function readTaskText(text: string, rc: ReadContext): ReadOutcome {
  let parsed: TaskText | undefined;
  let data: Record<string, unknown> = {};
  let body = text;
  if (OPENS_FRONTMATTER.test(text) || /^\uFEFF?---[ \t]*$/.test(text)) {
    try {
      parsed = parseTaskText(text);
    } catch (err) {
      const message = (err as Error).message;
      const reason = /no YAML frontmatter/.test(message)
        ? 'The file opens a YAML frontmatter with "---" on its first line but never closes it: add a "---" line after the last "key: value" line.'
        : `${message.replace(/\.$/, '')}. Fix that line in an editor (Obsidian shows the frontmatter as Properties) and move the file back to Needs_Action/.`;
      return { ok: false, reason };
    }
    data = parsed.data;
    body = parsed.body;
  }
  return { ok: true, task: normalise(data, parsed, body, text, rc) };
}

const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : undefined;

/** A nested value such as `metadata.from` (some watchers put the source's fields under `metadata:`). */
function nested(data: Record<string, unknown>, key: string): unknown {
  const meta = data['metadata'];
  return meta !== null && typeof meta === 'object' && !Array.isArray(meta)
    ? (meta as Record<string, unknown>)[key]
    : undefined;
}

function firstOf(data: Record<string, unknown>, keys: readonly string[]): { key: string; value: string } | undefined {
  for (const key of keys) {
    const value = str(key.startsWith('metadata.') ? nested(data, key.slice(9)) : data[key]);
    if (value !== undefined) return { key, value };
  }
  return undefined;
}

const TYPE_ALIASES: Record<string, TaskType> = {
  email: 'email',
  e_mail: 'email',
  mail: 'email',
  gmail: 'email',
  tweet: 'tweet',
  twitter: 'tweet',
  x_mention: 'tweet',
  mention: 'tweet',
  file_drop: 'file_drop',
  filedrop: 'file_drop',
  file: 'file_drop',
  dropped_file: 'file_drop',
  whatsapp: 'whatsapp',
  whatsapp_message: 'whatsapp',
  whatsapp_event: 'whatsapp',
  banking: 'banking',
  bank: 'banking',
  bank_transaction: 'banking',
  task: 'task',
  note: 'task',
  todo: 'task',
};

/** What a file name says its type is, when the frontmatter does not: the watchers' `<KIND>_` prefixes. */
const NAME_TYPES: Array<[RegExp, TaskType]> = [
  [/^EMAIL_/i, 'email'],
  [/^(TWEET|X)_/i, 'tweet'],
  [/^FILE_/i, 'file_drop'],
  [/^WHATSAPP_/i, 'whatsapp'],
];

const STATUS_ALIASES: Record<string, (typeof TASK_STATUSES)[number]> = {
  new: 'new',
  pending: 'new',
  open: 'new',
  todo: 'new',
  to_do: 'new',
  unread: 'new',
  inbox: 'new',
  needs_action: 'new',
  triaged: 'new',
  in_progress: 'in_progress',
  processing: 'in_progress',
  working: 'in_progress',
  claimed: 'in_progress',
  awaiting_approval: 'awaiting_approval',
  pending_approval: 'awaiting_approval',
  waiting: 'awaiting_approval',
  done: 'done',
  completed: 'done',
  complete: 'done',
  closed: 'done',
  resolved: 'done',
  failed: 'failed',
  error: 'failed',
  rejected: 'rejected',
};

const PRIORITY_ALIASES: Record<string, (typeof PRIORITIES)[number]> = {
  low: 'low',
  lowest: 'low',
  p4: 'low',
  '4': 'low',
  normal: 'normal',
  medium: 'normal',
  med: 'normal',
  moderate: 'normal',
  default: 'normal',
  p3: 'normal',
  '3': 'normal',
  high: 'high',
  important: 'high',
  p2: 'high',
  '2': 'high',
  urgent: 'urgent',
  critical: 'urgent',
  highest: 'urgent',
  asap: 'urgent',
  p1: 'urgent',
  p0: 'urgent',
  '1': 'urgent',
  '0': 'urgent',
};

const key = (v: string) =>
  v
    .trim()
    .toLowerCase()
    .replace(/^#/, '')
    .replace(/[\s-]+/g, '_');

/** Where `created` may come from, best first (the watchers' own names for "when it arrived"). */
const CREATED_FROM = ['created', 'received', 'created_at', 'timestamp', 'detected_at', 'date'] as const;
/** Timestamp fields whose naive values are rewritten with a zone; other keys stay byte for byte. */
const REZONED = ['created', 'received'] as const;

function normalise(
  original: Record<string, unknown>,
  parsed: TaskText | undefined,
  body: string,
  text: string,
  rc: ReadContext,
): Normalised {
  const patch: Record<string, unknown> = {};
  const changes: string[] = [];
  const stem = rc.fileName.replace(/\.md$/i, '');
  const set = (k: string, value: unknown, why: string) => {
    patch[k] = value;
    changes.push(why);
  };

  // The type: ours, an alias of ours (any case), else what the file name says, else the generic task.
  const rawType = str(original['type']);
  let type: TaskType;
  let originalType: string | undefined;
  if (rawType !== undefined && rawType in TASK_SCHEMAS) type = rawType as TaskType;
  else if (rawType !== undefined && TYPE_ALIASES[key(rawType)] !== undefined) {
    type = TYPE_ALIASES[key(rawType)] as TaskType;
    if (type !== rawType) set('type', type, `type: ${rawType} → ${type}`);
  } else if (rawType !== undefined && key(rawType) in TASK_SCHEMAS) {
    type = key(rawType) as TaskType;
    set('type', type, `type: ${rawType} → ${type}`);
  } else if (rawType === undefined) {
    type = NAME_TYPES.find(([re]) => re.test(rc.fileName))?.[1] ?? 'task';
    set('type', type, `type: none → ${type} (${type === 'task' ? 'a generic task' : 'from the file name'})`);
  } else {
    type = 'task';
    originalType = String(original['type']);
    set('type', 'task', `type: ${originalType} → task (not a type this project knows; original_type keeps it)`);
  }

  // Per-type fields under the names the hackathon's watchers use.
  if (type === 'email') {
    const from = firstOf(original, ['from', 'email_from', 'sender', 'from_email', 'metadata.from']);
    if (from && from.key !== 'from') set('from', from.value, `from: copied from ${from.key}`);
    const subject = firstOf(original, ['subject', 'email_subject', 'metadata.subject', 'title']);
    if (subject && subject.key !== 'subject') set('subject', subject.value, `subject: copied from ${subject.key}`);
    if (!subject && typeof original['subject'] !== 'string') set('subject', '', 'subject: none → empty');
    const thread = firstOf(original, ['thread_id', 'threadId', 'metadata.thread_id']);
    if (thread && thread.key !== 'thread_id') set('thread_id', thread.value, `thread_id: copied from ${thread.key}`);
  }
  if (type === 'file_drop') {
    const name = firstOf(original, ['file_name', 'original_name', 'source_name', 'filename', 'name']);
    if (!name) set('file_name', stem.replace(/^FILE_/i, ''), 'file_name: from the file name');
    else if (name.key !== 'file_name') set('file_name', name.value, `file_name: copied from ${name.key}`);
    if (typeof original['size'] !== 'number') {
      const size = sizeOf(original['size'] ?? original['size_bytes'] ?? original['file_size']);
      if (size !== undefined) set('size', size, `size: ${JSON.stringify(original['size'] ?? '')} → ${size}`);
      else if (original['size'] !== undefined) {
        // Why move it aside: our schema's `size` is a byte count; the original text stays readable.
        set('size', undefined, `size: ${JSON.stringify(original['size'])} is not a byte count; kept as size_text`);
        patch['size_text'] = original['size'];
      }
    }
    const sha = original['sha256'] ?? original['hash'];
    if (typeof original['sha256'] === 'string' && !/^[0-9a-f]{64}$/.test(original['sha256'])) {
      const lower = original['sha256'].trim().toLowerCase();
      if (/^[0-9a-f]{64}$/.test(lower)) set('sha256', lower, 'sha256: lower case');
      else {
        set('sha256', undefined, 'sha256: not a SHA-256; kept as hash_text');
        patch['hash_text'] = original['sha256'];
      }
    } else if (original['sha256'] === undefined && typeof sha === 'string' && /^[0-9a-fA-F]{64}$/.test(sha.trim()))
      set('sha256', sha.trim().toLowerCase(), 'sha256: copied from hash');
  }

  // id: ours, else the source's own id, else the file name.
  if (str(original['id']) === undefined) {
    const sourceId = firstOf(original, [
      'message_id',
      'email_id',
      'gmail_id',
      'metadata.message_id',
      'tweet_id',
      'post_id',
      'comment_id',
      'event_id',
    ]);
    const prefix =
      type === 'email'
        ? 'gmail'
        : type === 'tweet'
          ? 'x'
          : (str(original['source'])?.replace(/[^\w.-]+/g, '_') ?? type);
    if (sourceId)
      set('id', `${prefix}:${sourceId.value}`, `id: none → ${prefix}:${sourceId.value} (from ${sourceId.key})`);
    else set('id', `vault:${stem}`, `id: none → vault:${stem} (from the file name)`);
  } else if (typeof original['id'] !== 'string') {
    set('id', String(original['id']), `id: ${String(original['id'])} → "${String(original['id'])}" (text)`);
  }

  // created: ours, else from received (and friends), else the file's mtime. Naive times get the local zone.
  for (const k of REZONED) {
    const value = original[k];
    if (typeof value !== 'string') continue;
    const zoned = withZone(value, rc.timeZone);
    if (zoned !== undefined && zoned !== value.trim())
      set(k, zoned, `${k}: ${value} → ${zoned} (read in ${zoneName(rc.timeZone)})`);
  }
  if (!isZonedIso(original['created'])) {
    const from = CREATED_FROM.map((k) => [k, original[k]] as const).find(
      ([, v]) => toIso(v, rc.timeZone) !== undefined,
    );
    const created = from ? (toIso(from[1], rc.timeZone) as string) : rc.mtime.toISOString();
    const why = from
      ? from[0] === 'created'
        ? undefined
        : `created: from ${from[0]}`
      : original['created'] === undefined
        ? `created: none → ${created} (the file's modification time)`
        : `created: ${JSON.stringify(original['created'])} is not a date → ${created} (the file's modification time); kept as created_text`;
    if (!(from && from[0] === 'created')) {
      patch['created'] = created;
      if (why) changes.push(why);
      // Why keep it: a person wrote it; what it said stays readable beside the date we read.
      if (original['created'] !== undefined && original['created'] !== null)
        patch['created_text'] = original['created'];
    }
  }

  // status and priority: ours, case-insensitively, and the names other vaults use.
  const status = original['status'];
  if (status === undefined || status === null) set('status', 'new', 'status: none → new');
  else if (!(TASK_STATUSES as readonly unknown[]).includes(status)) {
    const mapped = STATUS_ALIASES[key(String(status))];
    set(
      'status',
      mapped ?? 'new',
      `status: ${String(status)} → ${mapped ?? 'new'}${mapped ? '' : ' (unknown status)'}`,
    );
  }
  const priority = original['priority'];
  if (priority === undefined || priority === null) set('priority', 'normal', 'priority: none → normal');
  else if (!(PRIORITIES as readonly unknown[]).includes(priority)) {
    const mapped = PRIORITY_ALIASES[key(String(priority))];
    set(
      'priority',
      mapped ?? 'normal',
      `priority: ${String(priority)} → ${mapped ?? 'normal'}${mapped ? '' : ' (unknown priority)'}`,
    );
  }

  // A type we know whose fields still do not fit (an email with no sender, an invoice with no lines): it cannot
  // be worked as that type, but it is readable, so it becomes a generic task for a person, not a failure.
  if (type !== 'task') {
    repairOptional(merged(original, patch), type, patch, changes, rc.timeZone);
    const why = schemaProblem(merged(original, patch));
    if (why !== undefined) {
      originalType = rawType ?? type;
      type = 'task';
      patch['type'] = 'task';
      changes.push(`type: ${originalType} → task (${why.replace(/\.$/, '')}; a person looks at it)`);
    }
  }
  if (originalType !== undefined) patch['original_type'] = originalType;
  if (type === 'task') repairOptional(merged(original, patch), type, patch, changes, rc.timeZone);
  const data = merged(original, patch);
  return { data, type, patch, changes, hasFrontmatter: parsed !== undefined, parsed, body, text };
}

function merged(original: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const data = { ...original, ...patch };
  for (const [k, v] of Object.entries(patch)) if (v === undefined) delete data[k];
  return data;
}

function schemaProblem(data: Record<string, unknown>): string | undefined {
  try {
    validateTask(data);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * Optional fields in a shape our schema does not take (`claimed_by: null`, a naive `retry_after`, a `title`
 * that is a number): a naive time gets its zone, a null goes, anything else moves aside to `<key>_text` so
 * that what it said stays in the file. Required fields are not touched here: those decide the type.
 */
function repairOptional(
  data: Record<string, unknown>,
  type: TaskType,
  patch: Record<string, unknown>,
  changes: string[],
  zone?: string,
): void {
  const schema = TASK_SCHEMAS[type];
  const result = schema.safeParse(data);
  if (result.success) return;
  const shape = schema.shape as Record<string, { safeParse(v: unknown): { success: boolean } }>;
  for (const k of new Set(result.error.issues.map((i) => i.path[0]))) {
    if (typeof k !== 'string' || shape[k] === undefined || !shape[k].safeParse(undefined).success) continue;
    if (['status', 'priority'].includes(k)) continue;
    const value = data[k];
    const zoned = typeof value === 'string' ? withZone(value, zone) : undefined;
    if (zoned !== undefined && shape[k].safeParse(zoned).success) {
      patch[k] = zoned;
      changes.push(`${k}: ${String(value)} → ${zoned} (read in ${zoneName(zone)})`);
    } else if (value === null) {
      patch[k] = undefined;
      changes.push(`${k}: null → removed`);
    } else {
      patch[k] = undefined;
      patch[`${k}_text`] = value;
      changes.push(`${k}: ${JSON.stringify(value)} is not what ${k} holds here; kept as ${k}_text`);
    }
  }
}

/** `1024`, `"1024"`, `"1,024 bytes"` → 1024; anything else undefined. */
function sizeOf(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  if (typeof v !== 'string') return undefined;
  const m = /^\s*([\d,]+)\s*(bytes?|b)?\s*$/i.exec(v);
  return m ? Number((m[1] as string).replace(/,/g, '')) : undefined;
}

const ZONED_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const NAIVE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?$/;

const isZonedIso = (v: unknown) =>
  typeof v === 'string' && ZONED_ISO.test(v.trim()) && !Number.isNaN(Date.parse(v.trim()));

const zoneName = (zone?: string) => zone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'local time';

/**
 * A naive `YYYY-MM-DD[ T]HH:MM[:SS[.frac]]` (Python's isoformat() without a zone) or a bare date, read as
 * wall-clock time in `zone`, written back as ISO 8601 with that zone's offset then: the digits a person
 * typed stay as they were, the offset is added. A value with a zone comes back unchanged; undefined if the
 * value is no such timestamp.
 */
export function withZone(value: string, zone?: string): string | undefined {
  const v = value.trim();
  if (isZonedIso(v)) return v;
  const m = NAIVE.exec(v);
  if (!m) return undefined;
  const [y, mo, d, h = '00', mi = '00', s = '00'] = m.slice(1, 7) as string[];
  const frac = m[7] ?? '';
  const wall = Date.UTC(+y!, +mo! - 1, +d!, +h, +mi, +s);
  if (Number.isNaN(wall)) return undefined;
  const check = new Date(wall);
  if (check.getUTCDate() !== +d! || check.getUTCMonth() !== +mo! - 1) return undefined; // 2026-02-30
  const offset = offsetAt(wall, zone);
  return `${y}-${mo}-${d}T${h}:${mi}:${s}${frac}${formatOffset(offset)}`;
}

/** Any timestamp a watcher may write, as ISO 8601 with a zone; undefined if it is none. */
export function toIso(v: unknown, zone?: string): string | undefined {
  if (typeof v !== 'string' || v.trim() === '') return undefined;
  const zoned = withZone(v, zone);
  if (zoned !== undefined) return zoned;
  // RFC 2822 (`Tue, 7 Jan 2026 10:30:00 +0000`, a mail's Date header) and other dates that name their zone.
  if (/[+-]\d{4}\b|\bGMT\b|\bUTC\b|Z$/.test(v)) {
    const t = Date.parse(v);
    if (!Number.isNaN(t)) return new Date(t).toISOString();
  }
  return undefined;
}

/** Minutes east of UTC in `zone` for the wall-clock time `wall` (ms as if UTC). */
function offsetAt(wall: number, zone?: string): number {
  // The offset at the instant is what the wall clock shows minus UTC; the instant depends on the offset, so
  // take a guess and correct it once (right except inside a DST gap, where it lands on the later side).
  const first = offsetOfInstant(wall, zone);
  const second = offsetOfInstant(wall - first * 60_000, zone);
  return second;
}

function offsetOfInstant(instant: number, zone?: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const shown = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((shown - Math.floor(instant / 1000) * 1000) / 60_000);
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * The file as the claim writes it: the normalised fields and `extra` (the claim's own) edited into the text in
 * place, every other byte kept (patchFrontmatterText); a note with no frontmatter gets one, and its whole text
 * becomes the body. The changes are recorded in `normalised`, so a person can see what was read how.
 */
export function normalisedText(task: Normalised, extra: Record<string, unknown>): string {
  const fields: Record<string, unknown> = { ...task.patch };
  if (task.changes.length > 0) fields['normalised'] = task.changes;
  if (task.hasFrontmatter) return patchFrontmatterText(task.text, { ...fields, ...extra });
  const order = ['id', 'type', 'created', 'status', 'priority'];
  const ordered: Record<string, unknown> = {};
  for (const k of order) if (fields[k] !== undefined) ordered[k] = fields[k];
  for (const [k, v] of Object.entries({ ...fields, ...extra })) if (v !== undefined) ordered[k] = v;
  const doc = new Document(ordered);
  const body = task.body.endsWith('\n') || task.body === '' ? task.body : `${task.body}\n`;
  return renderTaskText({ doc, body });
}
