import { policyDenied } from '../errors.js';

/**
 * The draft-only wall (DESIGN §4): with draft-only on, nothing that posts, confirms, pays, reconciles,
 * sends or resets a journal entry may leave this process, whatever the policy file says. It is a second,
 * hard-coded layer on purpose: a bad edit of policies/cloud.json must not let the exposed machine post or
 * pay. Odoo itself cannot help here: posting needs the same access group as creating a draft.
 *
 * Three checks, each enough on its own:
 * 1. whole models that exist to move money, send messages or run server code;
 * 2. methods by exact name, and by the words that name a live action;
 * 3. create/write values that would post or pay without a posting method (`state`, `auto_post`...).
 */
const WALLED_MODELS = new Set([
  'account.payment',
  'account.payment.register',
  'account.batch.payment',
  'account.partial.reconcile',
  'account.full.reconcile',
  'account.reconcile.wizard',
  'account.bank.statement',
  'account.bank.statement.line',
  'account.move.reversal',
  'account.move.send',
  'account.move.send.wizard',
  'account.move.send.batch.wizard',
  'account.resequence.wizard',
  'payment.transaction',
  'mail.mail',
  'mail.compose.message',
  // Why: these run arbitrary server code or scheduled jobs (an auto-post cron among them).
  'ir.cron',
  'ir.actions.server',
  'base.automation',
]);

const WALLED_METHODS = new Set([
  'action_post',
  '_post',
  'action_confirm',
  'button_confirm',
  'action_register_payment',
  'action_force_register_payment',
  'action_create_payments',
  'reconcile',
  'js_assign_outstanding_line',
  'js_remove_outstanding_partial',
  'remove_move_reconcile',
  'button_draft',
  'button_cancel',
  'button_request_cancel',
  'action_reverse',
  '_reverse_moves',
  'action_invoice_sent',
  'action_send_and_print',
  'action_invoice_paid',
  'message_post',
  'send_mail',
  'action_validate',
  'button_validate',
  'action_done',
  'method_direct_trigger',
  'run',
]);

/** Words that name a live action when they appear as a whole `_`-separated part of a method name. */
const LIVE_ACTION_WORD =
  /(^|_)(post|posted|confirm|validate|reconcile|unreconcile|pay|paid|payment|payments|send|sent|mail|draft|cancel|reverse|refund|done|approve|lock|unlock)(_|$)/;

/** Field values that would post or pay a record through create/write. */
function dangerousValue(vals: unknown): string | undefined {
  const list = Array.isArray(vals) ? vals : [vals];
  for (const v of list) {
    if (typeof v !== 'object' || v === null) continue;
    const rec = v as Record<string, unknown>;
    if ('state' in rec && rec['state'] !== 'draft') return `state=${JSON.stringify(rec['state'])}`;
    if ('payment_state' in rec) return 'payment_state';
    if ('auto_post' in rec && rec['auto_post'] !== 'no') return `auto_post=${JSON.stringify(rec['auto_post'])}`;
  }
  return undefined;
}

/** Why draft-only refuses this call, or undefined when it may go. */
export function draftOnlyRefusal(model: string, method: string, kwargs?: Record<string, unknown>): string | undefined {
  if (WALLED_MODELS.has(model)) return `the model ${model} moves money, sends or runs server code`;
  if (WALLED_METHODS.has(method) || LIVE_ACTION_WORD.test(method)) {
    return `${method} posts, confirms, pays, reconciles, sends or resets`;
  }
  if (method === 'create' || method === 'write') {
    const bad = dangerousValue(method === 'create' ? kwargs?.['vals_list'] : kwargs?.['vals']);
    if (bad !== undefined) return `setting ${bad} would post or pay without approval`;
  }
  return undefined;
}

/** Throws policy_denied when draft-only forbids the call. Called before any request is made. */
export function assertDraftOnlyAllows(model: string, method: string, kwargs?: Record<string, unknown>): void {
  const why = draftOnlyRefusal(model, method, kwargs);
  if (why === undefined) return;
  throw policyDenied(
    `Odoo call ${model}.${method} is refused in draft-only mode: ${why}. Write an approval request instead; only Local, after a human approves, may do this.`,
    { model, method, guard: 'draft_only' },
  );
}
