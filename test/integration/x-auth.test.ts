import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiResponseError, type ITwitterApiClientPlugin } from 'twitter-api-v2';
import { failureOf } from '../../src/core/providers/errors.js';
import { createXClient, type XCredentials } from '../../src/core/providers/x-client.js';
import { postXReply } from '../../src/core/providers/x-reply.js';
import { twitterSource } from '../../src/daemons/watchers/twitter.js';
import { percentEncode, sign, signatureBaseString } from '../../src/sandbox/x/oauth1.js';
import { startXStandin, type XStandin } from '../../src/sandbox/x/server.js';

/**
 * X's authentication and access checks, against the stand-in held to them, with the real twitter-api-v2:
 * a wrong bearer or a bad OAuth 1.0a signature is X's 401; app-only auth where a user is needed, a read-only app
 * posting and a plan without the mentions timeline are X's 403 problems, each a `permission` failure naming what
 * the owner must grant.
 */
describe('x stand-in: auth and permissions as X checks them', () => {
  let s: XStandin;
  before(async () => {
    s = await startXStandin();
  });
  after(async () => s.close());

  const client = (credentials: XCredentials, plugins: ITwitterApiClientPlugin[] = []) => {
    const c = createXClient({ apiUrl: s.url, credentials, timeoutMs: 5000 });
    for (const p of plugins) c.getPlugins().push(p);
    return c;
  };
  const reply = (c: ReturnType<typeof client>) =>
    postXReply(c, { inReplyToId: s.addMention().id, text: 'Thanks!' }).catch((e: unknown) => e);
  const poll = async (c: ReturnType<typeof client>, userId?: string) => {
    try {
      for await (const batch of twitterSource({ client: c, userId }).poll(undefined, new AbortController().signal))
        void batch;
      return undefined;
    } catch (err) {
      return twitterSource({ client: c }).classify(err, new Date());
    }
  };

  it('OAuth 1.0a with the configured keys reads and posts', async () => {
    const c = client(s.credentials);
    assert.equal((await c.v2.me()).data.id, s.me.id);
    assert.equal(failureOf(await reply(c)), undefined);
    assert.equal(s.posted.at(-1)?.authorization, 'OAuth');
  });

  for (const [what, change] of [
    ['a wrong consumer secret (bad signature)', { appSecret: 'not-the-secret' }],
    ['a wrong access token secret (bad signature)', { accessSecret: 'not-the-secret' }],
    ['an unknown consumer key', { appKey: 'someone-elses-key' }],
    ['an unknown access token', { accessToken: 'someone-elses-token' }],
  ] as const) {
    it(`${what}: X's 401, an auth failure`, async () => {
      const err = await reply(client({ ...s.credentials, ...change }));
      assert.equal(failureOf(err)?.reason, 'auth');
      const cause = (err as { cause?: unknown }).cause;
      assert.ok(cause instanceof ApiResponseError);
      assert.deepEqual(cause.data, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
      assert.equal(cause.headers['content-type'], 'application/problem+json');
    });
  }

  it('a request changed after it was signed (a query parameter added) is refused', async () => {
    const tamper: ITwitterApiClientPlugin = {
      // Why computedParams: it holds the URL the request goes to, already signed.
      onBeforeRequest({ computedParams }) {
        computedParams.url.searchParams.set('max_results', '5');
      },
    };
    const err = await poll(client(s.credentials, [tamper]), s.me.id);
    assert.equal(failureOf(err)?.reason, 'auth');
  });

  it('the signature covers the query: a correctly signed GET with parameters passes, the same header twice does not', async () => {
    const url = `${s.url}/2/users/${s.me.id}/mentions?max_results=5&tweet.fields=created_at,author_id`;
    const oauth = new Map([
      ['oauth_consumer_key', s.credentials.appKey],
      ['oauth_nonce', 'a-nonce-used-once'],
      ['oauth_signature_method', 'HMAC-SHA1'],
      ['oauth_timestamp', String(Math.floor(Date.now() / 1000))],
      ['oauth_token', s.credentials.accessToken],
      ['oauth_version', '1.0'],
    ]);
    const u = new URL(url);
    const base = signatureBaseString(
      { method: 'GET', baseUrl: `${u.origin}${u.pathname}`, query: [...u.searchParams], form: [] },
      oauth,
    );
    oauth.set('oauth_signature', sign(base, s.credentials.appSecret, s.credentials.accessSecret));
    const header = `OAuth ${[...oauth].map(([k, v]) => `${percentEncode(k)}="${percentEncode(v)}"`).join(', ')}`;
    assert.equal((await fetch(url, { headers: { authorization: header } })).status, 200);
    assert.equal((await fetch(url, { headers: { authorization: header } })).status, 401, 'a replayed nonce');
  });

  it("a wrong app-only bearer token is X's 401", async () => {
    assert.equal(failureOf(await poll(client({ bearerToken: 'not-the-token' }), s.me.id))?.reason, 'auth');
  });

  it('the configured app-only bearer reads mentions', async () => {
    s.addMention();
    assert.equal(await poll(client({ bearerToken: s.credentials.bearerToken }), s.me.id), undefined);
  });

  it("app-only auth on /2/users/me and POST /2/tweets: X's unsupported-authentication 403, a permission failure naming the user-context keys", async () => {
    const app = client({ bearerToken: s.credentials.bearerToken });
    for (const err of [await poll(app), await reply(app)]) {
      const f = failureOf(err);
      assert.equal(f?.reason, 'permission', String(err));
      assert.match(f?.grant ?? '', /X_API_KEY, X_API_SECRET, X_ACCESS_TOKEN, X_ACCESS_SECRET/);
      const cause = (err as { cause?: unknown }).cause as ApiResponseError;
      assert.equal(cause.data.type, 'https://api.twitter.com/2/problems/unsupported-authentication');
      assert.equal(cause.data.title, 'Unsupported Authentication');
    }
  });

  it('a read-only app posting: X\'s oauth1-permissions 403, a permission failure naming "Read and write"', async () => {
    s.setAppPermissions('read');
    try {
      const err = await reply(client(s.credentials));
      const f = failureOf(err);
      assert.equal(f?.reason, 'permission');
      assert.match(f?.grant ?? '', /"Read and write" app permissions/);
      assert.match(f?.grant ?? '', /regenerate the access token/);
      const cause = (err as { cause?: unknown }).cause as ApiResponseError;
      assert.equal(cause.data.type, 'https://api.twitter.com/2/problems/oauth1-permissions');
      assert.equal(s.posted.filter((p) => p.text === 'Thanks!').length, 1, 'nothing more was posted');
    } finally {
      s.setAppPermissions('read-write');
    }
  });

  it("a plan without the mentions timeline: X's client-not-enrolled 403, a permission failure naming the required enrollment", async () => {
    s.setAccessLevel('free');
    try {
      const err = await poll(client(s.credentials));
      const f = failureOf(err);
      assert.equal(f?.reason, 'permission');
      assert.match(f?.grant ?? '', /Appropriate Level of API Access/);
      const cause = (err as { cause?: unknown }).cause as ApiResponseError;
      assert.equal((cause.data as { reason?: string }).reason, 'client-not-enrolled');
      assert.equal(cause.data.type, 'https://api.twitter.com/2/problems/client-forbidden');
      assert.equal(failureOf(await reply(client(s.credentials))), undefined, 'posting is still in the plan');
    } finally {
      s.setAccessLevel('basic');
    }
  });
});
