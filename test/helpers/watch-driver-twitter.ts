import { createXClient } from '../../src/core/providers/x-client.js';
import { twitterSource } from '../../src/daemons/watchers/twitter.js';
import { startXStandin, type XStandin } from '../../src/sandbox/x/server.js';
import { DRIVER_TIMEOUT_MS as TIMEOUT, type WatchDriver } from './watch-driver-types.js';

export const twitterDriver: WatchDriver = {
  name: 'twitter',
  prefix: 'TWEET_',
  provider: true,
  permissions: true,
  async start() {
    const s: XStandin = await startXStandin();
    return {
      source: () =>
        twitterSource({ client: createXClient({ apiUrl: s.url, credentials: s.credentials, timeoutMs: TIMEOUT }) }),
      credentials: 'x-1',
      add: async (n, time) =>
        Array.from({ length: n }, () => `x:${s.addMention({ createdAt: time?.toISOString() }).id}`),
      rateLimit: (reset) => s.rateLimit(reset),
      serverError: () => s.serverError(),
      revokeAuth: () => s.revokeAuth(),
      restoreAuth: () => s.restoreAuth(),
      // A plan without the mentions timeline: X's client-not-enrolled 403; the alert names X's required_enrollment.
      revokePermission: () => {
        s.setAccessLevel('free');
        return 'X API access level "Appropriate Level of API Access"';
      },
      restorePermission: () => s.setAccessLevel('basic'),
      requests: () => s.received.length,
      env: {
        X_API_URL: s.url,
        X_API_KEY: s.credentials.appKey,
        X_API_SECRET: s.credentials.appSecret,
        X_ACCESS_TOKEN: s.credentials.accessToken,
        X_ACCESS_SECRET: s.credentials.accessSecret,
      },
      close: () => s.close(),
    };
  },
};
