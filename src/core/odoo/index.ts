/** The Odoo client: one interface over JSON-2 and XML-RPC, guarded by policy and the draft-only wall. */
export { createOdooClient, type CreateOdooClientOptions, type OdooCallPolicy } from './client.js';
export { OdooError, type OdooErrorFacts } from './errors.js';
export { assertDraftOnlyAllows, draftOnlyRefusal } from './draft-only-wall.js';
export type * from './types.js';
