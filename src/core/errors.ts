/**
 * The one error type of the project. Every failure that can reach a user or an AI agent is an AppError
 * with a code the caller can branch on and a message that says how to recover. Anything else is a bug,
 * and is reported as `internal` without its stack (see toAppError).
 */
export const ERROR_CODES = [
  'invalid_input',
  'not_found',
  'conflict',
  'policy_denied',
  'upstream',
  'timeout',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class AppError extends Error {
  readonly code: ErrorCode;
  /** Extra facts for the caller (never secrets, never stacks). */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
}

export const invalidInput = (message: string, details?: Record<string, unknown>) =>
  new AppError('invalid_input', message, details);
export const notFound = (message: string, details?: Record<string, unknown>) =>
  new AppError('not_found', message, details);
export const conflict = (message: string, details?: Record<string, unknown>) =>
  new AppError('conflict', message, details);
export const policyDenied = (message: string, details?: Record<string, unknown>) =>
  new AppError('policy_denied', message, details);

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

/** Turns anything thrown into an AppError whose message is safe to show (no stack, no internals). */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return notFound('The file does not exist (it may have been moved by another agent).');
  if (code === 'EEXIST') return conflict('The target already exists; nothing was overwritten.');
  if (code === 'ENOSPC') return new AppError('internal', 'The disk is full; free space and try again.');
  if (code === 'EACCES' || code === 'EPERM')
    return new AppError('internal', 'Permission denied on a vault file; check the vault folder permissions.');
  return new AppError('internal', 'An unexpected error occurred; it was logged. Try again or report it.', undefined, {
    cause: err,
  });
}
