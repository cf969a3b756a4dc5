import http from 'node:http';
import { ApiRequestError, ApiResponseError, TwitterApi, type ITwitterApiClientPlugin } from 'twitter-api-v2';
import type { AppError } from '../errors.js';
import { isNetworkError, providerError } from './errors.js';
import { xPermissionGrant, xRetryAt } from './x-problems.js';

export const X_DEFAULT_API_URL = 'https://api.x.com';
// Why this origin: twitter-api-v2 1.29 hard-codes it (globals.js) and has no base-URL option.
const LIBRARY_ORIGIN = 'https://api.x.com';

/** Either an app bearer token (reading mentions) or OAuth 1.0a user keys (reading and replying). */
export interface XCredentials {
  bearerToken?: string;
  appKey?: string;
  appSecret?: string;
  accessToken?: string;
  accessSecret?: string;
}

export interface XClientOptions {
  apiUrl: string;
  credentials: XCredentials;
  timeoutMs: number;
}

export function hasOAuth1(c: XCredentials): boolean {
  return Boolean(c.appKey && c.appSecret && c.accessToken && c.accessSecret);
}

/**
 * A twitter-api-v2 client whose requests go to `apiUrl`. Why a plugin: the library has no base-URL option,
 * and `cloneWithPrefix` is unreliable; rewriting the URL before each request is its documented plugin seam.
 * The rewrite happens before the library signs an OAuth 1.0a request, so the signature covers the URL the
 * request really goes to.
 */
export function createXClient(options: XClientOptions): TwitterApi {
  const origin = new URL(options.apiUrl).origin;
  const redirect: ITwitterApiClientPlugin = {
    onBeforeRequestConfig({ params }) {
      if (origin !== LIBRARY_ORIGIN && params.url.startsWith(LIBRARY_ORIGIN))
        params.url = origin + params.url.slice(LIBRARY_ORIGIN.length);
      params.timeout = options.timeoutMs;
    },
  };
  // Why an http.Agent for http: origins: the library defaults to an https agent, which cannot speak to a plain
  // HTTP stand-in on 127.0.0.1.
  const settings = {
    plugins: [redirect],
    ...(origin.startsWith('http:') ? { httpAgent: new http.Agent() } : {}),
  };
  const c = options.credentials;
  if (hasOAuth1(c))
    return new TwitterApi(
      {
        appKey: c.appKey ?? '',
        appSecret: c.appSecret ?? '',
        accessToken: c.accessToken,
        accessSecret: c.accessSecret,
      },
      settings,
    );
  return new TwitterApi(c.bearerToken ?? '', settings);
}

/** Turns what twitter-api-v2 throws into the project's AppError, or undefined if it is not an X error. */
export function classifyXError(err: unknown, now: Date): AppError | undefined {
  if (err instanceof ApiResponseError) {
    const status = err.code;
    if (err.rateLimitError || status === 429) {
      // X sends no Retry-After: the resets are in the rate-limit headers, in unix seconds, and the one that
      // counts is that of the window that ran out (a daily cap resets hours after the 15-minute window).
      const limit = xRetryAt(err.rateLimit);
      const what = limit
        ? `X ${limit.window} limit reached (${status}); it resets at ${limit.at.toISOString()}`
        : `X rate limit (${status})`;
      return providerError('x', 'rate_limited', what, { status, retryAt: limit?.at, cause: err });
    }
    if (status === 401 || err.isAuthError)
      return providerError('x', 'auth', `X refused the credentials (${status})`, { status, cause: err });
    if (status === 403) {
      const missing = xPermissionGrant(err.data);
      if (missing)
        return providerError('x', 'permission', `X: ${missing.what} (${status}); grant: ${missing.grant}`, {
          status,
          cause: err,
          grant: missing.grant,
        });
    }
    if (status === 404) return providerError('x', 'not_found', 'X answered 404', { status, cause: err });
    if (status >= 500) return providerError('x', 'transient', `X answered ${status}`, { status, cause: err });
    return providerError('x', 'rejected', `X refused the request (${status})`, { status, cause: err });
  }
  if (err instanceof ApiRequestError || isNetworkError(err))
    return providerError('x', 'transient', 'X did not answer', { cause: err });
  void now;
  return undefined;
}
