/** Every capability a policy may grant. An unknown one in a policy file stops the start. */
export const CAPABILITIES = [
  'vault.read',
  'vault.claim',
  'vault.draft',
  'vault.update',
  'vault.sync',
  'approval.request',
  'approval.execute',
  'odoo.read',
  'odoo.draft_invoice',
  'odoo.post_invoice',
  'odoo.register_payment',
  'mail.send',
  'social.reply',
  'guard.run',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

/**
 * Capabilities that act on the world (send, post, pay). With draft-only on they are removed whatever the
 * policy file says: this is the hard-coded second wall of DESIGN §4.
 */
export const LIVE_ACTION_CAPABILITIES: readonly Capability[] = [
  'approval.execute',
  'odoo.post_invoice',
  'odoo.register_payment',
  'mail.send',
  'social.reply',
];
