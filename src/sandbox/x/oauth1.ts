import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Checks an `Authorization: OAuth ...` header the way X does (RFC 5849 §3.4, HMAC-SHA1): the consumer key and
 * access token must be the configured ones, and the signature must be the HMAC of the signature base string
 * rebuilt here from the request as it arrived (method, base URL, query and form parameters, the oauth_*
 * parameters), keyed with the two secrets. Why rebuild it ourselves instead of trusting the header: a client
 * that signs the wrong URL or drops a parameter fails against X, so it must fail here too.
 */

export interface OAuth1Keys {
  appKey: string;
  appSecret: string;
  accessToken: string;
  accessSecret: string;
}

export interface OAuth1Request {
  method: string;
  /** Scheme, host (with a non-default port) and path, no query: RFC 5849 §3.4.1.2. */
  baseUrl: string;
  /** Decoded query parameters, repeated names kept. */
  query: Array<[string, string]>;
  /** Decoded form parameters (only for `application/x-www-form-urlencoded` bodies; JSON bodies are not signed). */
  form: Array<[string, string]>;
}

/** RFC 3986 unreserved characters stay; everything else is %XX (encodeURIComponent leaves !'()* alone). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The header's parameters, decoded; undefined if it is not an OAuth header at all. */
export function parseOAuthHeader(header: string): Map<string, string> | undefined {
  const m = /^OAuth\s+(.*)$/i.exec(header.trim());
  if (!m?.[1]) return undefined;
  const params = new Map<string, string>();
  for (const part of m[1].split(',')) {
    const kv = /^\s*([^=\s]+)\s*=\s*"([^"]*)"\s*$/.exec(part);
    if (!kv?.[1] || kv[2] === undefined) return undefined;
    try {
      params.set(decodeURIComponent(kv[1]), decodeURIComponent(kv[2]));
    } catch {
      return undefined;
    }
  }
  return params;
}

export function signatureBaseString(request: OAuth1Request, oauth: Map<string, string>): string {
  const pairs: Array<[string, string]> = [...request.query, ...request.form];
  for (const [k, v] of oauth) if (k !== 'oauth_signature' && k !== 'realm') pairs.push([k, v]);
  const encoded = pairs.map(([k, v]) => [percentEncode(k), percentEncode(v)] as const);
  encoded.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const normalized = encoded.map(([k, v]) => `${k}=${v}`).join('&');
  return [request.method.toUpperCase(), percentEncode(request.baseUrl), percentEncode(normalized)].join('&');
}

export function sign(base: string, appSecret: string, accessSecret: string): string {
  return createHmac('sha1', `${percentEncode(appSecret)}&${percentEncode(accessSecret)}`)
    .update(base)
    .digest('base64');
}

/**
 * Why the request is refused, or undefined if it is signed by the configured keys. `seenNonces` makes a
 * replayed header fail, as X refuses a nonce it has already seen.
 */
export function verifyOAuth1(
  header: string,
  request: OAuth1Request,
  keys: OAuth1Keys,
  seenNonces: Set<string>,
): string | undefined {
  const oauth = parseOAuthHeader(header);
  if (!oauth) return 'not an OAuth header';
  if (oauth.get('oauth_signature_method') !== 'HMAC-SHA1') return 'signature method is not HMAC-SHA1';
  const version = oauth.get('oauth_version');
  if (version !== undefined && version !== '1.0') return 'oauth_version is not 1.0';
  if (oauth.get('oauth_consumer_key') !== keys.appKey) return 'unknown consumer key';
  if (oauth.get('oauth_token') !== keys.accessToken) return 'unknown access token';
  const nonce = oauth.get('oauth_nonce');
  if (!nonce || !oauth.get('oauth_timestamp')) return 'no nonce or timestamp';
  const given = Buffer.from(oauth.get('oauth_signature') ?? '');
  const expected = Buffer.from(sign(signatureBaseString(request, oauth), keys.appSecret, keys.accessSecret));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'bad signature';
  if (seenNonces.has(nonce)) return 'nonce used before';
  seenNonces.add(nonce);
  return undefined;
}
