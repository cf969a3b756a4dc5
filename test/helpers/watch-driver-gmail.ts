import { createGmailClient } from '../../src/core/providers/gmail-client.js';
import { silentLogger } from '../../src/core/log.js';
import { gmailSource } from '../../src/daemons/watchers/gmail.js';
import { SCOPES, startGmailStandin, type GmailStandin } from '../../src/sandbox/gmail/server.js';
import { DRIVER_TIMEOUT_MS as TIMEOUT, type WatchDriver } from './watch-driver-types.js';

export const gmailDriver: WatchDriver = {
  name: 'gmail',
  prefix: 'EMAIL_',
  provider: true,
  permissions: true,
  async start() {
    const s: GmailStandin = await startGmailStandin();
    return {
      source: () =>
        gmailSource({
          client: createGmailClient({
            apiUrl: `${s.url}/`,
            tokenUrl: s.tokenUrl,
            credentials: s.credentials,
            timeoutMs: TIMEOUT,
          }),
          query: 'in:inbox',
          label: 'INBOX',
          logger: silentLogger(),
          pageSize: 7,
        }),
      credentials: 'gmail-1',
      add: async (n, time) => Array.from({ length: n }, () => `gmail:${s.addMessage({ date: time?.getTime() }).id}`),
      rateLimit: (reset, now) => s.rateLimit(Math.ceil((reset.getTime() - now.getTime()) / 1000)),
      serverError: () => s.serverError(),
      revokeAuth: () => s.revokeGrant(),
      restoreAuth: () => s.restoreAuth(),
      // A token granted only gmail.send: Google answers every read with its 403 insufficient scopes.
      revokePermission: () => {
        s.setScopes([SCOPES.send]);
        return SCOPES.readonly;
      },
      restorePermission: () => s.setScopes([SCOPES.modify]),
      requests: () => s.received.length,
      env: {
        GMAIL_API_URL: `${s.url}/`,
        GMAIL_TOKEN_URL: s.tokenUrl,
        GMAIL_CLIENT_ID: s.credentials.clientId,
        GMAIL_CLIENT_SECRET: s.credentials.clientSecret,
        GMAIL_REFRESH_TOKEN: s.credentials.refreshToken,
      },
      close: () => s.close(),
    };
  },
};
