import { z } from 'zod';
import { invalidInput } from '../errors.js';

/**
 * One zod schema per task `type` (DESIGN §3). Objects are loose: a human may add notes as extra keys in
 * Obsidian, and those must survive. A file that fails its schema goes to Failed/ with the message.
 */
const isoDate = z.iso.datetime({
  offset: true,
  message: 'expected an ISO 8601 date-time such as 2026-11-26T09:00:00Z',
});

export const TASK_STATUSES = ['new', 'in_progress', 'awaiting_approval', 'done', 'failed', 'rejected'] as const;
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;

const base = {
  id: z.string().min(1, 'id is required (a stable id from the source, e.g. gmail:<messageId>)'),
  source: z.string().min(1).optional(),
  created: isoDate,
  status: z.enum(TASK_STATUSES).default('new'),
  priority: z.enum(PRIORITIES).default('normal'),
  claimed_by: z.string().optional(),
  claimed_at: isoDate.optional(),
  claimed_from: z.string().optional(),
  lease_until: isoDate.optional(),
  attempts: z.number().int().min(0).optional(),
  retry_after: isoDate.optional(),
};

const email = z.looseObject({
  ...base,
  type: z.literal('email'),
  from: z.string().min(1),
  to: z.string().optional(),
  subject: z.string(),
  thread_id: z.string().optional(),
  message_id: z.string().optional(),
});
const social = (type: string) =>
  z.looseObject({
    ...base,
    type: z.literal(type),
    author: z.string().min(1),
    text: z.string().optional(),
    post_id: z.string().optional(),
    reply_to_id: z.string().optional(),
  });
const fileDrop = z.looseObject({
  ...base,
  type: z.literal('file_drop'),
  file_name: z.string().min(1),
  // Optional: our Inbox watcher writes both; the hackathon's file watchers write neither (docs/task-files.md).
  size: z.number().int().min(0).optional(),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});
const invoiceLine = z.looseObject({
  name: z.string().min(1),
  quantity: z.number().positive(),
  price_unit: z.number().min(0),
  product_id: z.number().int().positive().optional(),
  tax_ids: z.array(z.number().int().positive()).optional(),
});
const odooDraftInvoice = z.looseObject({
  ...base,
  type: z.literal('odoo_draft_invoice'),
  partner: z.union([
    z.object({ id: z.number().int().positive() }),
    z.object({ name: z.string().min(1), email: z.string().email().optional() }),
  ]),
  lines: z.array(invoiceLine).min(1, 'an invoice needs at least one line'),
  currency: z.string().length(3).optional(),
  invoice_date: z.string().optional(),
  due_date: z.string().optional(),
  ref: z.string().optional(),
});
const generic = (type: string) => z.looseObject({ ...base, type: z.literal(type), title: z.string().optional() });
const draft = z.looseObject({
  id: z.string().min(1),
  type: z.literal('draft'),
  task: z.string().min(1),
  kind: z.string().min(1),
  created: isoDate,
});

export const TASK_SCHEMAS = {
  email,
  tweet: social('tweet'),
  facebook_comment: social('facebook_comment'),
  facebook_message: social('facebook_message'),
  instagram_comment: social('instagram_comment'),
  file_drop: fileDrop,
  odoo_draft_invoice: odooDraftInvoice,
  task: generic('task'),
  whatsapp: generic('whatsapp'),
  banking: generic('banking'),
  sync_conflict: generic('sync_conflict'),
  draft,
} as const;
export type TaskType = keyof typeof TASK_SCHEMAS;
export const TASK_TYPES = Object.keys(TASK_SCHEMAS) as TaskType[];

export type TaskFrontmatter = Record<string, unknown> & { id: string; type: string; created: string; status?: string };

/** Validates frontmatter against its type's schema; the error says which field and what to write. */
export function validateTask(data: Record<string, unknown>): TaskFrontmatter {
  const type = data['type'];
  if (typeof type !== 'string' || !(type in TASK_SCHEMAS)) {
    const got = typeof type === 'string' ? `"${type}"` : 'missing';
    throw invalidInput(`The task type is ${got}; set "type" to one of: ${TASK_TYPES.join(', ')}.`);
  }
  const result = TASK_SCHEMAS[type as TaskType].safeParse(data);
  if (!result.success) {
    const issues = result.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(frontmatter)'}: ${i.message}`);
    throw invalidInput(`The ${type} task is invalid — ${issues.join('; ')}.`);
  }
  return data as TaskFrontmatter;
}
