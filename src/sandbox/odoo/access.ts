import { StandinFault } from './faults.js';
import type { Env } from './models/types.js';

/**
 * Odoo's model access rights (ir.model.access), reduced to the one case the invoice flow meets: a user
 * without accounting rights (the seed's `salesUser`, flagged `__no_accounting`) may not touch `account.*`
 * models. The message is `ir.model.access._make_access_error`'s three paragraphs; the group list is the
 * stand-in's, since real groups depend on the installed modules.
 */
const OPERATION_WORD = { read: 'access', write: 'modify', create: 'create', unlink: 'delete' } as const;

type Operation = keyof typeof OPERATION_WORD;

/** Which right a method needs: ORM writes their own; any other method reads the records first. */
function operationOf(method: string): Operation {
  return method === 'create' || method === 'write' || method === 'unlink' ? method : 'read';
}

export function modelAccessError(description: string, model: string, operation: Operation): StandinFault {
  return new StandinFault(
    'access',
    `You are not allowed to ${OPERATION_WORD[operation]} '${description}' (${model}) records.\n\n` +
      'This operation is allowed for the following groups:\n\t- Accounting/Billing\n\t- Accounting/Read-only\n\n' +
      'Contact your administrator to request access if necessary.',
  );
}

export function checkModelAccess(env: Env, model: string, method: string): void {
  if (!model.startsWith('account.')) return;
  if (env.store.get('res.users', env.uid)?.['__no_accounting'] !== true) return;
  throw modelAccessError(env.registry.get(model)?.description ?? model, model, operationOf(method));
}
