import { facebookSource } from '../../src/daemons/watchers/facebook.js';
import { instagramSource } from '../../src/daemons/watchers/instagram.js';
import { startGraphStandin, type GraphStandin } from '../../src/sandbox/graph/server.js';
import { DRIVER_TIMEOUT_MS as TIMEOUT, type WatchDriver } from './watch-driver-types.js';

export function graphDriver(name: 'facebook' | 'instagram'): WatchDriver {
  return {
    name,
    prefix: name === 'facebook' ? 'FB_' : 'IG_',
    provider: true,
    permissions: false,
    async start() {
      // pageSize 2: every poll follows paging.next, whose origin (graph.facebook.com) the client must swap.
      const s: GraphStandin = await startGraphStandin({ pageSize: 2 });
      // The injected clock reaches the Graph client: a throttle says "N minutes from now".
      const graph = (token: string, clock: () => Date) => ({
        apiUrl: s.url,
        version: s.version,
        token,
        timeoutMs: TIMEOUT,
        clock,
      });
      let flip = false;
      return {
        source: (_ctx, clock) =>
          name === 'facebook'
            ? facebookSource({ graph: graph(s.pageToken, clock), pageId: s.pageId })
            : instagramSource({ graph: graph(s.igToken, clock), igUserId: s.igUserId, mediaPages: 50 }),
        credentials: `${name}-1`,
        add: async (n, time) =>
          Array.from({ length: n }, () => {
            if (name === 'instagram') return `instagram:${s.addInstagramComment({ time }).id}`;
            // Alternate page comments and Messenger messages: the Facebook watcher reads both.
            flip = !flip;
            return flip
              ? `facebook:${s.addFacebookComment({ time }).id}`
              : `messenger:${s.addMessengerMessage({ time }).id}`;
          }),
        rateLimit: (reset, now) => s.rateLimit(Math.ceil((reset.getTime() - now.getTime()) / 60_000)),
        serverError: () => s.serverError(),
        revokeAuth: () => s.revokeAuth(),
        restoreAuth: () => s.restoreAuth(),
        requests: () => s.received.length,
        env: (name === 'facebook'
          ? { GRAPH_API_URL: s.url, FACEBOOK_PAGE_ID: s.pageId, FACEBOOK_PAGE_TOKEN: s.pageToken }
          : { GRAPH_API_URL: s.url, INSTAGRAM_USER_ID: s.igUserId, INSTAGRAM_TOKEN: s.igToken }) as Record<
          string,
          string
        >,
        close: () => s.close(),
      };
    },
  };
}
