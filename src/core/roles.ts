/** The two roles. There is no default: a process that needs one and has none refuses to start. */
export const ROLES = ['cloud', 'local'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** The machine on the other side of the sync. */
export const otherRole = (role: Role): Role => (role === 'cloud' ? 'local' : 'cloud');
