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
  config?: { url?: unknown };
  response?: { status?: number; headers?: unknown; data?: unknown };
}

interface GoogleErrorBody {
  error?:
    | string
    | {
        errors?: Array<{ reason?: string }>;
        message?: string;
        details?: Array<{ reason?: string }>;
      };
  error_description?: string;
}

export const GMAIL_SCOPE_READ = 'https://www.googleapis.com/auth/gmail.readonly';
export const GMAIL_SCOPE_SEND = 'https://www.googleapis.com/auth/gmail.send';

/** Turns what the Gmail library throws into the project's AppError (see errors.ts), or undefined if it is not a Gmail error. */
export function classifyGmailError(err: unknown, now: Date): AppError | undefined {
  const e = err as GaxiosLike | undefined;
  if (isNetworkError(err)) return providerError('gmail', 'transient', 'Gmail did not answer', { cause: err });
  if (e === undefined || typeof e !== 'object' || (e.response === undefined && e.status === undefined))
    return undefined;
  const status = e.response?.status ?? e.status ?? 0;
  const data = e.response?.data as GoogleErrorBody | undefined;
  const tokenError = typeof data?.error === 'string' ? data.error : undefined;
  const body = typeof data?.error === 'object' ? data.error : undefined;
  const reason = body?.errors?.[0]?.reason;
  if (tokenError) return tokenFailure(tokenError, data?.error_description ?? '', status, err);
  if (status === 401)
    return providerError('gmail', 'auth', 'Gmail refused the access token (401)', { status, cause: err });
  if (
    status === 403 &&
    (reason === 'insufficientPermissions' || body?.details?.some((d) => d.reason === 'ACCESS_TOKEN_SCOPE_INSUFFICIENT'))
  ) {
    // Why by URL: the 403 lists every scope the method accepts; the owner needs the one to add for what we do.
    const grant = /\/messages\/send(\?|$)/.test(String(e.config?.url ?? '')) ? GMAIL_SCOPE_SEND : GMAIL_SCOPE_READ;
    return providerError('gmail', 'permission', `the Gmail token lacks the scope ${grant} (403 insufficient scopes)`, {
      status,
      cause: err,
      grant,
    });
  }
  if (status === 403 && /metadata scope/i.test(body?.message ?? ''))
    return providerError(
      'gmail',
      'permission',
      `the Gmail token holds the gmail.metadata scope, and Google then refuses search queries and full reads even ` +
        `next to broader scopes ("${body?.message ?? ''}"): make a new refresh token with ${GMAIL_SCOPE_READ} ` +
        'and without gmail.metadata',
      { status, cause: err, grant: GMAIL_SCOPE_READ },
    );
  if (status === 429 || (status === 403 && (reason === 'rateLimitExceeded' || reason === 'userRateLimitExceeded'))) {
    const message = body?.message ?? '';
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

/** What Google's token endpoint refused, named by the variable the owner has to fix. */
function tokenFailure(error: string, description: string, status: number, cause: unknown): AppError {
  const what =
    error === 'invalid_client'
      ? /not found/i.test(description)
        ? 'Google does not know the OAuth client in GMAIL_CLIENT_ID (invalid_client)'
        : 'Google refused the client secret: GMAIL_CLIENT_SECRET is not the secret of GMAIL_CLIENT_ID (invalid_client)'
      : error === 'invalid_grant'
        ? 'Google refused GMAIL_REFRESH_TOKEN: it expired or was revoked (invalid_grant; an app in "Testing" loses ' +
          'its refresh tokens after 7 days)'
        : `the OAuth2 token endpoint refused the credentials (${error}): check GMAIL_CLIENT_ID, GMAIL_CLIENT_SECRET ` +
          'and GMAIL_REFRESH_TOKEN';
  return providerError('gmail', 'auth', what, { status, cause });
}

// Why: Gmail's 429 body says "User-rate limit exceeded.  Retry after 2026-11-26T09:15:00.000Z" instead of a header.
function retryAfterInMessage(message: string): Date | undefined {
  const match = /Retry after (\S+Z)/.exec(message);
  if (!match?.[1]) return undefined;
  const at = Date.parse(match[1]);
  return Number.isNaN(at) ? undefined : new Date(at);
}
