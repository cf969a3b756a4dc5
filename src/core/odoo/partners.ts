import { notFound } from '../errors.js';
import type { GuardedCalls } from './calls.js';
import { createdIds, PARTNER_FIELDS, toPartner } from './normalise.js';
import { parseInput, PartnerQuerySchema } from './schemas.js';
import type { Partner, PartnerQuery } from './types.js';

/** Finds a customer by id, or by email (then exact name), creating it when there is none. */
export async function findOrCreatePartner(
  c: GuardedCalls,
  query: PartnerQuery,
): Promise<{ partner: Partner; created: boolean }> {
  const q = parseInput(PartnerQuerySchema, query, 'The partner query');
  if ('id' in q) {
    const found = await c.call<Array<Record<string, unknown>>>('res.partner', 'search_read', {
      kwargs: { domain: [['id', '=', q.id]], fields: PARTNER_FIELDS, limit: 1 },
    });
    const rec = found[0];
    if (!rec)
      throw notFound(`Odoo has no partner with id ${q.id}; check the id or look the partner up by name and email.`);
    return { partner: toPartner(rec), created: false };
  }
  c.guard('res.partner', 'create');
  // Why: an email is the better identity; names collide and get retyped. `=ilike` is a case-insensitive equality.
  const domain = q.email ? [['email', '=ilike', q.email]] : [['name', '=ilike', q.name]];
  const found = await c.call<Array<Record<string, unknown>>>('res.partner', 'search_read', {
    kwargs: { domain, fields: PARTNER_FIELDS, limit: 1, order: 'id' },
  });
  const existing = found[0];
  if (existing) return { partner: toPartner(existing), created: false };
  const values: Record<string, unknown> = { name: q.name };
  if (q.email) values['email'] = q.email;
  const [id] = createdIds(await c.call('res.partner', 'create', { kwargs: { vals_list: [values] } }));
  if (id === undefined) throw notFound('Odoo did not return the new partner id.');
  return { partner: { id, name: q.name, email: q.email ?? null }, created: true };
}
