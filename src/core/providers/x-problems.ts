import type { TwitterRateLimit } from 'twitter-api-v2';

/**
 * Reading X's answers where the HTTP status alone misleads: which rate-limit window ran out, and which 403
 * "problem" means the owner must grant something (docs/standin-x.md lists the vendor references).
 */

const PROBLEMS = 'https://api.twitter.com/2/problems/';

/** The user-context keys our configuration takes (docs/configuration.md). */
const USER_KEYS = 'X_API_KEY, X_API_SECRET, X_ACCESS_TOKEN, X_ACCESS_SECRET';

/**
 * For a 403 problem that a grant fixes: what is missing, and what the owner must grant (the alert names it).
 * Undefined for any other 403 (a reply to a deleted tweet, a duplicate post: the request itself is refused).
 */
export function xPermissionGrant(data: unknown): { what: string; grant: string } | undefined {
  const p = (data ?? {}) as { type?: unknown; reason?: unknown; required_enrollment?: unknown; detail?: unknown };
  const type = typeof p.type === 'string' ? p.type : '';
  if (type === `${PROBLEMS}client-forbidden` || p.reason === 'client-not-enrolled') {
    const level = typeof p.required_enrollment === 'string' ? p.required_enrollment : 'a higher access level';
    return {
      what: "the app's access level does not include this endpoint (client-not-enrolled)",
      grant: `X API access level "${level}" for the app's Project (developer portal: a plan that includes this endpoint)`,
    };
  }
  if (type === `${PROBLEMS}unsupported-authentication`) {
    const detail = typeof p.detail === 'string' ? p.detail : '';
    const supported = /Supported authentication types are \[([^\]]*)\]/.exec(detail)?.[1];
    // App-only (bearer) auth where a user is needed: the user-context keys are what fixes it.
    if (/Application-Only is forbidden/.test(detail) || !supported)
      return {
        what: 'this endpoint needs user-context credentials, not an app-only bearer token',
        grant: `user-context keys ${USER_KEYS} (OAuth 1.0a, from the app's "Keys and tokens")`,
      };
    return { what: 'this endpoint refuses these credentials', grant: `credentials of a supported type: ${supported}` };
  }
  if (type === `${PROBLEMS}oauth1-permissions`)
    return {
      what: 'the app may only read (its permissions are not "Read and write")',
      grant:
        '"Read and write" app permissions (developer portal, User authentication settings), then regenerate the access token and secret',
    };
  return undefined;
}

/**
 * When to try again after a 429: the reset of the window that ran out. twitter-api-v2 parses X's three windows
 * (TwitterRateLimit: `x-rate-limit-*` = 15 minutes, `.day` = `x-app-limit-24hour-*`, `.userDay` =
 * `x-user-limit-24hour-*`); the latest reset among the exhausted ones, else the 15-minute reset.
 */
export function xRetryAt(rateLimit: TwitterRateLimit | undefined): { at: Date; window: string } | undefined {
  if (!rateLimit) return undefined;
  const windows = [
    { name: '15-minute', w: rateLimit },
    { name: 'daily app', w: rateLimit.day },
    { name: 'daily user', w: rateLimit.userDay },
  ].filter((x) => x.w && Number.isFinite(x.w.reset) && x.w.reset > 0);
  const exhausted = windows.filter((x) => x.w && x.w.remaining <= 0);
  const pick = (exhausted.length ? exhausted : windows.slice(0, 1)).reduce<(typeof windows)[number] | undefined>(
    (best, x) => (!best || (x.w?.reset ?? 0) > (best.w?.reset ?? 0) ? x : best),
    undefined,
  );
  if (!pick?.w) return undefined;
  return { at: new Date(pick.w.reset * 1000), window: pick.name };
}
