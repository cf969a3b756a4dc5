import { z } from 'zod';
import { CAPABILITIES } from './capabilities.js';
import { ROLES } from '../roles.js';

/** `model.method`, e.g. `account.move.create`. */
const odooMethod = z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, 'expected "model.method"');
/** A vault-relative folder, written with forward slashes and no leading or trailing slash. */
const vaultFolder = z
  .string()
  .regex(/^[A-Za-z0-9_]+(\/[A-Za-z0-9_]+)*$/, 'expected a vault folder like "Needs_Action/cloud"');

/** The shape of `policies/<role>.json`. Strict everywhere: an unknown key stops the start. */
export const PolicySchema = z
  .object({
    role: z.enum(ROLES),
    description: z.string().optional(),
    capabilities: z.array(z.enum(CAPABILITIES)),
    /** Queues this role claims from, and which task types it takes from them. */
    claim: z
      .object({
        queues: z.array(vaultFolder),
        types: z.array(z.string().regex(/^[a-z][a-z0-9_]*$/)),
      })
      .strict(),
    /** Folders (and single files) this role may create, move into or rewrite. Everything else is denied. */
    writable: z.array(z.string().regex(/^[A-Za-z0-9_.]+(\/[A-Za-z0-9_.]+)*$/)),
    /** Odoo calls allowed, as `model.method`. Everything else is denied. */
    odoo_methods: z.array(odooMethod),
    /** Extra file-name patterns (globs) the security guard blocks on this role's machine. */
    guard_blocked_names: z.array(z.string().min(1)),
    /**
     * What this role accepts from the other role's commits on a pull (DESIGN §6 trust boundary).
     * Paths are vault folders or files; anything else in an incoming commit is refused.
     */
    accept_from_peer: z.array(z.string().regex(/^[A-Za-z0-9_.*]+(\/[A-Za-z0-9_.*]+)*$/)),
    /**
     * The queues the other machine claims from. A task this role claimed from one of them, which the other
     * machine also moved, is a claim conflict settled by the first-to-origin rule; a task claimed from any
     * other queue is this role's alone, and a peer's deletion of it never takes the claim away.
     */
    peer_claims: z.array(vaultFolder).optional(),
  })
  .strict();

export type PolicyFile = z.infer<typeof PolicySchema>;
