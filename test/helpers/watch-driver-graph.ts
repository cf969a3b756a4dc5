import { facebookSource } from '../../src/daemons/watchers/facebook.js';
import { instagramSource } from '../../src/daemons/watchers/instagram.js';
import { startGraphStandin, type GraphStandin } from '../../src/sandbox/graph/server.js';
import { DRIVER_TIMEOUT_MS as TIMEOUT, type WatchDriver } from './watch-driver-types.js';

/**
 * Facebook (Page token on the graph.facebook.com listener) and Instagram (Instagram Login: its `IG…` token on
 * the graph.instagram.com listener), each against the Graph stand-in. A missing permission is the one each
 * watcher's first read needs: pages_read_engagement (Graph names it in its error) and
 * instagram_business_manage_comments (Graph's Instagram error names none; the watcher names it).
 */
export function graphDriver(name: 'facebook' | 'instagram'): WatchDriver {
  return {
    name,
    prefix: name === 'facebook' ? 'FB_' : 'IG_',
    provider: true,
    permissions: true,
    async start() {
      // pageSize 2: every poll follows paging.next, whose origin (graph.facebook.com) the client must swap.
      const s: GraphStandin = await startGraphStandin({ pageSize: 2 });
      // The injected clock reaches the Graph client: a throttle says "N minutes from now".
      const graph = (apiUrl: string, token: string, clock: () => Date) => ({
        apiUrl,
        version: s.version,
        token,
        timeoutMs: TIMEOUT,
        clock,
      });
      const [token, permission] =
        name === 'facebook'
          ? [s.pageToken, 'pages_read_engagement']
          : [s.igToken, 'instagram_business_manage_comments'];
      let flip = false;
      return {
        source: (_ctx, clock) =>
          name === 'facebook'
            ? facebookSource({ graph: graph(s.url, s.pageToken, clock), pageId: s.pageId })
            : instagramSource({
                graph: graph(s.igUrl, s.igToken, clock),
                igUserId: s.igUserId,
                login: 'instagram',
                mediaPages: 50,
              }),
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
        revokePermission: () => {
          s.revokePermission(token, permission);
          return permission;
        },
        restorePermission: () => s.grantPermission(token, permission),
        requests: () => s.received.length,
        env: (name === 'facebook'
          ? { GRAPH_API_URL: s.url, FACEBOOK_PAGE_ID: s.pageId, FACEBOOK_PAGE_TOKEN: s.pageToken }
          : {
              INSTAGRAM_LOGIN: 'instagram',
              INSTAGRAM_API_URL: s.igUrl,
              INSTAGRAM_USER_ID: s.igUserId,
              INSTAGRAM_TOKEN: s.igToken,
            }) as Record<string, string>,
        close: () => s.close(),
      };
    },
  };
}
