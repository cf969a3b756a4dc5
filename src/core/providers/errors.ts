import { AppError } from '../errors.js';

/**
 * How a provider call failed, in the terms a watcher or the executor acts on. Every provider error becomes
 * one AppError (code `upstream`, or `timeout`) whose `details.reason` is one of these, so callers branch on
 * data instead of on three client libraries' error classes.
 */
export const PROVIDER_FAILURES = ['rate_limited', 'auth', 'permission', 'not_found', 'transient', 'rejected'] as const;
export type ProviderFailure = (typeof PROVIDER_FAILURES)[number];
export type Provider = 'gmail' | 'x' | 'graph';

const HINTS: Record<ProviderFailure, string> = {
  rate_limited: 'wait until the reset time; the watcher does this by itself',
  auth: 'the credentials were refused: renew them (for Gmail, a new refresh token) and restart the process',
  permission:
    'the credentials lack a permission or scope: grant it to the app, renew the token and restart the process',
  not_found: 'the item or cursor no longer exists',
  transient: 'a temporary failure; it is retried with backoff',
  rejected: 'the request was refused; check the parameters and the configuration',
};

export function providerError(
  provider: Provider,
  reason: ProviderFailure,
  what: string,
  extra: { status?: number; retryAt?: Date; cause?: unknown; grant?: string; providerCode?: string } = {},
): AppError {
  const code = reason === 'transient' && isTimeout(extra.cause) ? 'timeout' : 'upstream';
  return new AppError(
    code,
    `${provider}: ${what} (${HINTS[reason]}).`,
    {
      provider,
      reason,
      ...(extra.status !== undefined ? { status: extra.status } : {}),
      ...(extra.retryAt ? { retry_at: extra.retryAt.toISOString() } : {}),
      ...(extra.grant ? { grant: extra.grant } : {}),
      ...(extra.providerCode ? { provider_code: extra.providerCode } : {}),
    },
    { cause: extra.cause },
  );
}

/** The failure reason of an error made by providerError, or undefined for anything else (a bug, a disk error). */
export function failureOf(
  err: unknown,
): { reason: ProviderFailure; retryAt: Date | undefined; grant: string | undefined } | undefined {
  if (!(err instanceof AppError)) return undefined;
  const reason = err.details?.['reason'];
  if (typeof reason !== 'string' || !(PROVIDER_FAILURES as readonly string[]).includes(reason)) return undefined;
  const at = err.details?.['retry_at'];
  const grant = err.details?.['grant'];
  return {
    reason: reason as ProviderFailure,
    retryAt: typeof at === 'string' ? new Date(at) : undefined,
    grant: typeof grant === 'string' ? grant : undefined,
  };
}

function isTimeout(err: unknown): boolean {
  const e = err as { name?: string; code?: string } | undefined;
  return e?.name === 'TimeoutError' || e?.code === 'ETIMEDOUT' || e?.code === 'ECONNABORTED';
}

/** Network-level failures (no HTTP answer at all): always worth retrying later. */
export function isNetworkError(err: unknown): boolean {
  const e = err as { name?: string; code?: string; cause?: { code?: string } } | undefined;
  const code = e?.code ?? e?.cause?.code;
  return (
    e?.name === 'TimeoutError' ||
    e?.name === 'AbortError' ||
    (typeof code === 'string' && /^(ECONN|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|UND_ERR|ECONNABORTED)/.test(code)) ||
    (e instanceof TypeError && /fetch failed/i.test(e.message))
  );
}

/** `Retry-After` as seconds or an HTTP date, relative to `now` (an injected clock in tests). */
export function parseRetryAfter(value: string | null | undefined, now: Date): Date | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return new Date(now.getTime() + Math.max(0, seconds) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : new Date(at);
}

/** Reads one header from either a fetch `Headers` or a plain object (gaxios and node:http give either). */
export function headerOf(headers: unknown, name: string): string | undefined {
  if (headers === null || headers === undefined) return undefined;
  const h = headers as { get?: (n: string) => string | null };
  if (typeof h.get === 'function') return h.get(name) ?? undefined;
  const rec = headers as Record<string, unknown>;
  const value = rec[name] ?? rec[name.toLowerCase()];
  return Array.isArray(value) ? String(value[0]) : typeof value === 'string' ? value : undefined;
}
