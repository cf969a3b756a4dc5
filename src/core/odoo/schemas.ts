import { z } from 'zod';
import { invalidInput } from '../errors.js';

/** Input checks for the domain helpers: bad input fails here, with a clear message, before Odoo sees it. */
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');
const id = z.number().int().positive();

export const InvoiceLineSchema = z
  .object({
    name: z.string().min(1),
    quantity: z.number(),
    price_unit: z.number(),
    product_id: id.optional(),
    tax_ids: z.array(id).optional(),
  })
  .strict();

export const DraftInvoiceSchema = z
  .object({
    partnerId: id,
    lines: z.array(InvoiceLineSchema).min(1, 'an invoice needs at least one line'),
    invoice_date: isoDate.optional(),
    invoice_date_due: isoDate.optional(),
    ref: z.string().min(1).optional(),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'expected an ISO currency code like EUR')
      .optional(),
    origin: z.string().min(1).max(256),
  })
  .strict();

export const PaymentSchema = z
  .object({
    payment_date: isoDate,
    amount: z.number().positive().optional(),
    communication: z.string().min(1).optional(),
  })
  .strict();

export const PartnerQuerySchema = z.union([
  z.object({ id }).strict(),
  z.object({ name: z.string().min(1), email: z.email().optional() }).strict(),
]);

/** Parses or throws invalid_input naming the first bad field. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.join('.') || '(top level)';
  throw invalidInput(`${what} is invalid at ${where}: ${issue?.message ?? 'bad value'}.`);
}
