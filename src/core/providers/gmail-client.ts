import { auth, gmail, type gmail_v1 } from '@googleapis/gmail';
import { headerOf, isNetworkError, parseRetryAfter, providerError } from './errors.js';
import type { AppError } from '../errors.js';

export const GMAIL_DEFAULT_API_URL = 'https://gmail.googleapis.com/';
export const GMAIL_DEFAULT_TOKEN_URL = 'https://oauth2.googleapis.com/token';

export interface GmailCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

export interface GmailClientOptions {
  /** Root URL of the API; the client appends `/gmail/v1/...` (a path here is dropped by the library). */
  apiUrl: string;
  /** OAuth2 token endpoint: Google's in production, the stand-in's `/token` in tests. */
  tokenUrl: string;
  credentials: GmailCredentials;
  timeoutMs: number;
}

export type GmailApi = gmail_v1.Gmail;

/**
 * A Gmail client on an OAuth2 refresh token. Why `retry: false`: the library would retry 429/5xx itself for
 * seconds, hiding the reset time from the watcher, which backs off and persists the wait on its own.
 */
export function createGmailClient(options: GmailClientOptions): GmailApi {
  const oauth = new auth.OAuth2({
    clientId: options.credentials.clientId,
    clientSecret: options.credentials.clientSecret,
    endpoints: { oauth2TokenUrl: options.tokenUrl },
  });
  oauth.setCredentials({ refresh_token: options.credentials.refreshToken });
  const rootUrl = options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/`;
  return gmail({ version: 'v1', auth: oauth, rootUrl, retry: false, timeout: options.timeoutMs });
}

interface GaxiosLike {
  status?: number;
  message?: string;
  response?: { status?: number; headers?: unknown; data?: unknown };
}

/** Turns what the Gmail library throws into the project's AppError (see errors.ts), or undefined if it is not a Gmail error. */
export function classifyGmailError(err: unknown, now: Date): AppError | undefined {
  const e = err as GaxiosLike | undefined;
  if (isNetworkError(err)) return providerError('gmail', 'transient', 'Gmail did not answer', { cause: err });
  if (e === undefined || typeof e !== 'object' || (e.response === undefined && e.status === undefined))
    return undefined;
  const status = e.response?.status ?? e.status ?? 0;
  const data = e.response?.data as
    | { error?: string | { errors?: Array<{ reason?: string }>; message?: string }; error_description?: string }
    | undefined;
  const tokenError = typeof data?.error === 'string' ? data.error : undefined;
  const reason = typeof data?.error === 'object' ? data.error.errors?.[0]?.reason : undefined;
  if (tokenError === 'invalid_grant' || tokenError === 'invalid_client' || tokenError === 'unauthorized_client')
    return providerError('gmail', 'auth', `the OAuth2 token endpoint refused the credentials (${tokenError})`, {
      status,
      cause: err,
    });
  if (status === 401)
    return providerError('gmail', 'auth', 'Gmail refused the access token (401)', { status, cause: err });
  if (status === 429 || (status === 403 && (reason === 'rateLimitExceeded' || reason === 'userRateLimitExceeded'))) {
    const message = typeof data?.error === 'object' ? (data.error.message ?? '') : '';
    const retryAt = parseRetryAfter(headerOf(e.response?.headers, 'retry-after'), now) ?? retryAfterInMessage(message);
    return providerError('gmail', 'rate_limited', `Gmail rate limit (${status} ${reason ?? ''})`.trim(), {
      status,
      retryAt,
      cause: err,
    });
  }
  if (status === 404) return providerError('gmail', 'not_found', 'Gmail answered 404', { status, cause: err });
  if (status >= 500 || status === 408)
    return providerError('gmail', 'transient', `Gmail answered ${status}`, { status, cause: err });
  return providerError('gmail', 'rejected', `Gmail refused the request (${status} ${reason ?? ''})`, {
    status,
    cause: err,
  });
}

// Why: Gmail's 429 body says "User-rate limit exceeded.  Retry after 2026-11-26T09:15:00.000Z" instead of a header.
function retryAfterInMessage(message: string): Date | undefined {
  const match = /Retry after (\S+Z)/.exec(message);
  if (!match?.[1]) return undefined;
  const at = Date.parse(match[1]);
  return Number.isNaN(at) ? undefined : new Date(at);
}
