import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { failureOf } from '../../src/core/providers/errors.js';
import { graphGet } from '../../src/core/providers/graph-client.js';
import { replyToFacebookComment, replyToInstagramComment } from '../../src/core/providers/graph-reply.js';
import { startGraphStandin, type GraphStandin } from '../../src/sandbox/graph/server.js';

/** The Facebook and Instagram reply clients (fetch) against the Graph stand-in, and its error shapes. */
describe('graph stand-in and reply clients', () => {
  let s: GraphStandin;
  const now = new Date('2026-11-26T12:00:00Z');
  const fb = () => ({ apiUrl: s.url, version: s.version, token: s.pageToken, timeoutMs: 5000, clock: () => now });
  const ig = () => ({ apiUrl: s.url, version: s.version, token: s.igToken, timeoutMs: 5000, clock: () => now });
  before(async () => {
    s = await startGraphStandin({ pageSize: 1 });
  });
  after(async () => s.close());

  it('replies to a Facebook comment (POST /{comment-id}/comments) and an Instagram comment (POST /{id}/replies)', async () => {
    const comment = s.addFacebookComment({ message: 'Price?' });
    const igComment = s.addInstagramComment({ text: 'Where can I buy this?' });
    const a = await replyToFacebookComment(fb(), { commentId: comment.id, message: 'It is 20 EUR.' });
    const b = await replyToInstagramComment(ig(), { commentId: igComment.id, message: 'In our shop!' });
    assert.deepEqual(s.replies, [
      { kind: 'facebook_comment', parentId: comment.id, id: a.id, message: 'It is 20 EUR.' },
      { kind: 'instagram_reply', parentId: igComment.id, id: b.id, message: 'In our shop!' },
    ]);
    const posts = s.received.filter((r) => r.method === 'POST');
    assert.ok(
      posts.every((r) => !('access_token' in r.query)),
      'the token travels in a header, not the URL',
    );
  });

  it('follows paging.next on the configured origin, never the echoed one, and drops the echoed token', async () => {
    s.addInstagramComment();
    const first = (await graphGet(ig(), `${s.igUserId}/media`, { fields: 'id' })) as { paging?: { next?: string } };
    assert.match(first.paging?.next ?? '', /^https:\/\/graph\.facebook\.com\//);
    const second = (await graphGet(ig(), first.paging?.next ?? '')) as { data: unknown[] };
    assert.equal(second.data.length, 1);
    const last = s.received[s.received.length - 1];
    assert.equal(last?.query['access_token'], undefined);
  });

  it('maps throttling (code 32, regain time), OAuthException 190, 500 and an unknown comment', async () => {
    s.rateLimit(7);
    const limited = await replyToFacebookComment(fb(), { commentId: '1_2', message: 'x' }).catch((e: unknown) => e);
    assert.deepEqual(failureOf(limited), { reason: 'rate_limited', retryAt: new Date(now.getTime() + 7 * 60_000) });
    s.serverError();
    assert.equal(
      failureOf(await replyToFacebookComment(fb(), { commentId: '1_2', message: 'x' }).catch((e: unknown) => e))
        ?.reason,
      'transient',
    );
    s.revokeAuth();
    assert.equal(
      failureOf(await replyToInstagramComment(ig(), { commentId: '1', message: 'x' }).catch((e: unknown) => e))?.reason,
      'auth',
    );
    s.restoreAuth();
    assert.equal(
      failureOf(await replyToFacebookComment(fb(), { commentId: '999_1', message: 'x' }).catch((e: unknown) => e))
        ?.reason,
      'not_found',
    );
    await assert.rejects(replyToFacebookComment(fb(), { commentId: '../me', message: 'x' }), /not a Graph id/);
  });
});
