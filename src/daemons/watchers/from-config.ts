import { createHash } from 'node:crypto';
import type { WatchConfig } from '../../config.js';
import type { Logger } from '../../core/log.js';
import { createGmailClient } from '../../core/providers/gmail-client.js';
import { createXClient, hasOAuth1 } from '../../core/providers/x-client.js';
import type { VaultContext } from '../../core/vault/context.js';
import { facebookSource } from './facebook.js';
import { gmailSource } from './gmail.js';
import { inboxSource } from './inbox.js';
import { instagramSource } from './instagram.js';
import { twitterSource } from './twitter.js';
import type { WatchSource, WatcherName } from './types.js';

export type SourceSetup = { ok: true; source: WatchSource; credentials: string } | { ok: false; missing: string[] };

/** A fingerprint of credential values: compared to end an auth pause, never logged or stored in the clear. */
export function fingerprint(...values: Array<string | undefined>): string {
  return createHash('sha256')
    .update(values.map((v) => v ?? '').join('\0'))
    .digest('hex')
    .slice(0, 16);
}

/** The variables a watcher still needs before it can poll (empty when it is configured). */
export function missingCredentials(name: WatcherName, w: WatchConfig): string[] {
  const setup =
    name === 'inbox' ? undefined : sourceFromConfig(name, w, { logger: undefined as never, ctx: undefined as never });
  return setup && !setup.ok ? setup.missing : [];
}

/** The source a watcher polls, built from the configuration, or the variables it still needs. */
export function sourceFromConfig(
  name: WatcherName,
  w: WatchConfig,
  deps: { logger: Logger; ctx: VaultContext },
): SourceSetup {
  const missing = (pairs: Array<[string, string | undefined]>) => pairs.filter(([, v]) => !v).map(([k]) => k);
  switch (name) {
    case 'gmail': {
      const g = w.gmail;
      const need = missing([
        ['GMAIL_CLIENT_ID', g.clientId],
        ['GMAIL_CLIENT_SECRET', g.clientSecret],
        ['GMAIL_REFRESH_TOKEN', g.refreshToken],
      ]);
      if (need.length || !g.clientId || !g.clientSecret || !g.refreshToken) return { ok: false, missing: need };
      const client = createGmailClient({
        apiUrl: g.apiUrl,
        tokenUrl: g.tokenUrl,
        credentials: { clientId: g.clientId, clientSecret: g.clientSecret, refreshToken: g.refreshToken },
        timeoutMs: w.httpTimeoutMs,
      });
      return {
        ok: true,
        source: gmailSource({ client, query: g.query, label: g.label, logger: deps.logger }),
        credentials: fingerprint(g.clientId, g.clientSecret, g.refreshToken),
      };
    }
    case 'twitter': {
      const x = w.x;
      if (!x.bearerToken && !hasOAuth1(x))
        return { ok: false, missing: ['X_BEARER_TOKEN (or X_API_KEY, X_API_SECRET, X_ACCESS_TOKEN, X_ACCESS_SECRET)'] };
      // Why: an app-only bearer token cannot ask /2/users/me who "me" is.
      if (!hasOAuth1(x) && !x.userId) return { ok: false, missing: ['X_USER_ID (needed with a bearer token)'] };
      const client = createXClient({ apiUrl: x.apiUrl, credentials: x, timeoutMs: w.httpTimeoutMs });
      return {
        ok: true,
        source: twitterSource({ client, userId: x.userId }),
        credentials: fingerprint(x.bearerToken, x.appKey, x.appSecret, x.accessToken, x.accessSecret),
      };
    }
    case 'facebook': {
      const g = w.graph;
      const need = missing([
        ['FACEBOOK_PAGE_ID', g.pageId],
        ['FACEBOOK_PAGE_TOKEN', g.pageToken],
      ]);
      if (need.length || !g.pageId || !g.pageToken) return { ok: false, missing: need };
      return {
        ok: true,
        source: facebookSource({
          graph: { apiUrl: g.apiUrl, version: g.version, token: g.pageToken, timeoutMs: w.httpTimeoutMs },
          pageId: g.pageId,
        }),
        credentials: fingerprint(g.pageToken),
      };
    }
    case 'instagram': {
      const g = w.graph;
      const need = missing([
        ['INSTAGRAM_USER_ID', g.igUserId],
        ['INSTAGRAM_TOKEN', g.igToken],
      ]);
      if (need.length || !g.igUserId || !g.igToken) return { ok: false, missing: need };
      return {
        ok: true,
        source: instagramSource({
          graph: { apiUrl: g.igApiUrl, version: g.version, token: g.igToken, timeoutMs: w.httpTimeoutMs },
          igUserId: g.igUserId,
          login: g.igLogin,
        }),
        credentials: fingerprint(g.igToken, g.igLogin, g.igApiUrl),
      };
    }
    case 'inbox':
      return { ok: true, source: inboxSource({ ctx: deps.ctx }), credentials: 'none' };
  }
}
