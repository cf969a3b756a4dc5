import { AppError } from '../errors.js';
import { isNetworkError, providerError } from './errors.js';

export const GRAPH_DEFAULT_API_URL = 'https://graph.facebook.com';
export const GRAPH_DEFAULT_VERSION = 'v23.0';

export interface GraphOptions {
  /** Origin of the Graph API (the stand-in's URL in tests). */
  apiUrl: string;
  /** e.g. v23.0 */
  version: string;
  /** A Page token for Facebook, an Instagram user token for Instagram. Sent as a header, never in a URL. */
  token: string;
  timeoutMs: number;
  signal?: AbortSignal;
  clock?: () => Date;
}

/**
 * The URL for `pathOrNext`: a Graph path (`me/feed`), or an absolute `paging.next` URL from a response.
 * Why swap the origin of `paging.next`: it is whatever the server echoed; trusting it could send a test (or a
 * token) to another host. The access_token Graph puts into `next` is dropped too: the token goes in a header.
 */
export function graphUrl(
  options: Pick<GraphOptions, 'apiUrl' | 'version'>,
  pathOrNext: string,
  query: Record<string, string> = {},
): URL {
  const base = new URL(options.apiUrl);
  let url: URL;
  if (/^https?:\/\//i.test(pathOrNext)) {
    const next = new URL(pathOrNext);
    url = new URL(next.pathname + next.search, base.origin);
    url.searchParams.delete('access_token');
  } else {
    url = new URL(`/${options.version}/${pathOrNext.replace(/^\//, '')}`, base.origin);
  }
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return url;
}

async function graphRequest(
  options: GraphOptions,
  method: 'GET' | 'POST',
  url: URL,
  form: Record<string, string> | undefined,
  needs: string | undefined,
): Promise<unknown> {
  const signal = options.signal
    ? AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)])
    : AbortSignal.timeout(options.timeoutMs);
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      signal,
      headers: {
        authorization: `Bearer ${options.token}`,
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
  } catch (err) {
    if (isNetworkError(err)) throw providerError('graph', 'transient', 'the Graph API did not answer', { cause: err });
    throw err;
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text === '' ? {} : JSON.parse(text);
  } catch {
    body = { raw: text.slice(0, 200) };
  }
  if (!res.ok)
    throw classifyGraphResponse(res.status, body, res.headers, (options.clock ?? (() => new Date()))(), needs);
  return body;
}

/**
 * `needs`: the permission(s) this call needs, in the owner's words. Graph names the missing permission in some
 * errors ("(#10) This endpoint requires the 'pages_read_engagement' permission") and not in others (every
 * Instagram endpoint says "Application does not have permission for this action"); then the alert names these.
 */
export function graphGet(
  options: GraphOptions,
  pathOrNext: string,
  query: Record<string, string> = {},
  needs?: string,
): Promise<unknown> {
  return graphRequest(options, 'GET', graphUrl(options, pathOrNext, query), undefined, needs);
}

export function graphPost(
  options: GraphOptions,
  path: string,
  form: Record<string, string>,
  needs?: string,
): Promise<unknown> {
  return graphRequest(options, 'POST', graphUrl(options, path), form, needs);
}

// Graph's throttling codes: 4 app, 17 user, 32 page, 613 custom; 80001-80014 business use case.
const THROTTLE_CODES = new Set([4, 17, 32, 613]);
// 190 invalid/expired token, 102 session.
const AUTH_CODES = new Set([190, 102]);

interface GraphErrorBody {
  code?: number;
  error_subcode?: number;
  message?: string;
  is_transient?: boolean;
}

/**
 * Graph's "missing permission" errors: code 10 and 200-299 ("(#10) This endpoint requires the
 * 'pages_read_engagement' permission", "(#230) Requires pages_messaging permission"), and code 100 with
 * subcode 33 ("Object with ID … cannot be loaded due to missing permissions", also Graph's answer for an id the
 * token cannot see). Why not `rejected`/`not_found`: those back off for ever; this needs the owner.
 */
function isPermissionError(e: GraphErrorBody | undefined): boolean {
  const code = e?.code ?? 0;
  return code === 10 || (code >= 200 && code <= 299) || (code === 100 && e?.error_subcode === 33);
}

/** The permission the error names (Meta's permission names are snake_case words like pages_messaging). */
export function grantNamedIn(message: string | undefined): string | undefined {
  const m = /\b((?:pages|instagram|business|publish|read|manage|user|ads|leads|whatsapp|catalog)_[a-z_]*[a-z])\b/.exec(
    message ?? '',
  );
  return m?.[1];
}

/** Turns a Graph error answer into the project's AppError (see errors.ts). */
export function classifyGraphResponse(
  status: number,
  body: unknown,
  headers: Headers,
  now: Date,
  needs?: string,
): AppError {
  const error = (body as { error?: GraphErrorBody } | undefined)?.error;
  const code = error?.code ?? 0;
  const what = `Graph answered ${status}${code ? ` (code ${code})` : ''}`;
  if (THROTTLE_CODES.has(code) || (code >= 80001 && code <= 80014) || status === 429)
    return providerError('graph', 'rate_limited', what, { status, retryAt: regainAccessAt(headers, now) });
  if (AUTH_CODES.has(code) || status === 401) return providerError('graph', 'auth', what, { status });
  if (isPermissionError(error)) {
    // Subcode 33 names no permission and may also mean the id is wrong or gone: say so rather than guess.
    const grant =
      code === 100
        ? `access to the object this call reads${needs ? ` (${needs})` : ''}; Graph cannot load it: the id is wrong, it is gone, or the token cannot see it`
        : (grantNamedIn(error?.message) ??
          needs ??
          `the permission this call needs (Graph code ${code}: ${(error?.message ?? '').slice(0, 120)})`);
    const providerCode = code === 100 ? '100/33' : String(code);
    return providerError('graph', 'permission', `${what}: missing ${grant}`, { status, grant, providerCode });
  }
  if (status >= 500 || error?.is_transient === true || code === 1 || code === 2)
    return providerError('graph', 'transient', what, { status });
  if (status === 404 || code === 100) return providerError('graph', 'not_found', what, { status });
  return providerError('graph', 'rejected', what, { status });
}

/** When throttled, Graph says how long in `X-Business-Use-Case-Usage` (minutes until access is regained). */
function regainAccessAt(headers: Headers, now: Date): Date | undefined {
  let minutes = 0;
  for (const name of ['x-business-use-case-usage', 'x-app-usage', 'x-page-usage']) {
    const raw = headers.get(name);
    if (!raw) continue;
    try {
      const parsed = JSON.parse(raw) as unknown;
      const entries = Array.isArray(parsed) ? parsed : Object.values(parsed as Record<string, unknown>).flat();
      for (const entry of [parsed, ...entries]) {
        const m = Number((entry as { estimated_time_to_regain_access?: unknown })?.estimated_time_to_regain_access);
        if (Number.isFinite(m) && m > minutes) minutes = m;
      }
    } catch {
      // a malformed usage header: fall back to the watcher's own backoff
    }
  }
  return minutes > 0 ? new Date(now.getTime() + minutes * 60_000) : undefined;
}

/** True for errors made by graphGet/graphPost (so a watcher can tell them from its own bugs). */
export function isGraphError(err: unknown): err is AppError {
  return err instanceof AppError && err.details?.['provider'] === 'graph';
}

/**
 * True for Graph's "cannot load this object" (code 100, subcode 33) answer. Reading one of our own posts' or
 * media's edges, it means the object went away between listing it and reading it (deleted, hidden): the
 * watcher skips that object. On the Page's or account's own edges it stays a permission problem for the owner.
 */
export function isVanishedObject(err: unknown): boolean {
  return isGraphError(err) && err.details?.['provider_code'] === '100/33';
}
