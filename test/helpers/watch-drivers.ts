import { mkdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createGmailClient } from '../../src/core/providers/gmail-client.js';
import { createXClient } from '../../src/core/providers/x-client.js';
import { silentLogger } from '../../src/core/log.js';
import type { VaultContext } from '../../src/core/vault/context.js';
import { facebookSource } from '../../src/daemons/watchers/facebook.js';
import { gmailSource } from '../../src/daemons/watchers/gmail.js';
import { inboxSource } from '../../src/daemons/watchers/inbox.js';
import { instagramSource } from '../../src/daemons/watchers/instagram.js';
import { twitterSource } from '../../src/daemons/watchers/twitter.js';
import type { WatchSource, WatcherName } from '../../src/daemons/watchers/types.js';
import { startGmailStandin, type GmailStandin } from '../../src/sandbox/gmail/server.js';
import { startGraphStandin, type GraphStandin } from '../../src/sandbox/graph/server.js';
import { startXStandin, type XStandin } from '../../src/sandbox/x/server.js';

/**
 * One driver per watcher for the shared contract suite: it starts the watcher's stand-in, builds the real
 * source (real client library, only the base URL differs), and adds items or arms faults in the stand-in's
 * own terms. The contract test never knows which provider it is testing.
 */
export interface WatchHandle {
  /** A new source with a new client, as a restarted process would build it. */
  source(ctx: VaultContext, clock: () => Date): WatchSource;
  credentials: string;
  /** Adds `n` new items (all at `time` when given) and returns the task ids they must become. */
  add(n: number, time?: Date): Promise<string[]>;
  /** Arms a rate-limit answer whose reset is `reset` (the driver converts to the provider's own format, against `now`). */
  rateLimit(reset: Date, now: Date): void;
  serverError(): void;
  revokeAuth(): void;
  restoreAuth(): void;
  /** Requests the stand-in has received so far. */
  requests(): number;
  /** Environment for `ai-employee watch <name>` against this stand-in. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export interface WatchDriver {
  name: WatcherName;
  prefix: string;
  /** False for the Inbox: no provider, so no 429, 500 or 401 to test. */
  provider: boolean;
  start(vaultRoot: string): Promise<WatchHandle>;
}

const TIMEOUT = 5_000;

const gmail: WatchDriver = {
  name: 'gmail',
  prefix: 'EMAIL_',
  provider: true,
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

const twitter: WatchDriver = {
  name: 'twitter',
  prefix: 'TWEET_',
  provider: true,
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

function graphDriver(name: 'facebook' | 'instagram'): WatchDriver {
  return {
    name,
    prefix: name === 'facebook' ? 'FB_' : 'IG_',
    provider: true,
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

const inbox: WatchDriver = {
  name: 'inbox',
  prefix: 'FILE_',
  provider: false,
  async start(vaultRoot) {
    const dir = path.join(vaultRoot, 'Inbox');
    await mkdir(dir, { recursive: true });
    let n = 0;
    const { sha256File } = await import('../../src/daemons/watchers/inbox.js');
    return {
      source: (ctx, clock) => inboxSource({ ctx, clock, settleMs: 0 }),
      credentials: 'none',
      add: async (count, time) => {
        const ids: string[] = [];
        for (let i = 0; i < count; i += 1) {
          n += 1;
          const file = path.join(dir, `scan ${n}.txt`);
          await writeFile(file, `invoice number ${n}\n`);
          const t = time ?? new Date(Date.UTC(2026, 10, 26, 8, 0, n));
          await utimes(file, t, t);
          ids.push(`inbox:${await sha256File(file)}`);
        }
        return ids;
      },
      rateLimit: () => undefined,
      serverError: () => undefined,
      revokeAuth: () => undefined,
      restoreAuth: () => undefined,
      requests: () => 0,
      env: {},
      close: async () => undefined,
    };
  },
};

export const WATCH_DRIVERS: WatchDriver[] = [gmail, twitter, graphDriver('facebook'), graphDriver('instagram'), inbox];
