import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { failureOf } from '../../src/core/providers/errors.js';
import { graphGet } from '../../src/core/providers/graph-client.js';
import { replyToFacebookComment, replyToInstagramComment } from '../../src/core/providers/graph-reply.js';
import { startGraphStandin, type GraphStandin } from '../../src/sandbox/graph/server.js';

interface Page<T> {
  data: T[];
  paging?: { next?: string; cursors?: unknown };
}
interface Comment {
  id: string;
  message?: string;
  parent?: { id: string };
}

/** The Facebook and Instagram reply clients (fetch) against the Graph stand-in, and its error shapes. */
describe('graph stand-in and reply clients', () => {
  let s: GraphStandin;
  const now = new Date('2026-11-26T12:00:00Z');
  const fb = () => ({ apiUrl: s.url, version: s.version, token: s.pageToken, timeoutMs: 5000, clock: () => now });
  const ig = () => ({ apiUrl: s.igUrl, version: s.version, token: s.igToken, timeoutMs: 5000, clock: () => now });
  const failure = (p: Promise<unknown>) => p.then(() => undefined).catch((e: unknown) => failureOf(e));
  before(async () => {
    s = await startGraphStandin({ pageSize: 1 });
  });
  after(async () => s.close());

  it('replies to a Facebook comment (POST /{comment-id}/comments) and an Instagram comment (POST /{id}/replies)', async () => {
    const comment = s.addFacebookComment({ message: 'Price?' });
    const igComment = s.addInstagramComment({ text: 'Where can I buy this?' });
    const a = await replyToFacebookComment(fb(), { commentId: comment.id, message: 'It is 20 EUR.' });
    const b = await replyToInstagramComment(ig(), { commentId: igComment.id, message: 'In our shop!' });
    // Instagram with Facebook Login: the Page token on graph.facebook.com, same path.
    const c = await replyToInstagramComment({ ...fb() }, { commentId: igComment.id, message: 'Also online.' });
    assert.deepEqual(s.replies, [
      { kind: 'facebook_comment', parentId: comment.id, id: a.id, message: 'It is 20 EUR.' },
      { kind: 'instagram_reply', parentId: igComment.id, id: b.id, message: 'In our shop!' },
      { kind: 'instagram_reply', parentId: igComment.id, id: c.id, message: 'Also online.' },
    ]);
    const posts = s.received.filter((r) => r.method === 'POST');
    assert.deepEqual(
      posts.map((r) => r.host),
      ['facebook', 'instagram', 'facebook'],
    );
    assert.ok(
      posts.every((r) => !('access_token' in r.query)),
      'the token travels in a header, not the URL',
    );
  });

  it('follows paging.next on the configured origin, never the echoed one, and drops the echoed token', async () => {
    s.addInstagramComment();
    const first = (await graphGet(ig(), `${s.igUserId}/media`, { fields: 'id' })) as Page<unknown>;
    assert.match(first.paging?.next ?? '', /^https:\/\/graph\.instagram\.com\//);
    const second = (await graphGet(ig(), first.paging?.next ?? '')) as Page<unknown>;
    assert.equal(second.data.length, 1);
    const last = s.received[s.received.length - 1];
    assert.equal(last?.query['access_token'], undefined);
    assert.equal(last?.host, 'instagram');
  });

  it('each token works on its own host only: anything else is OAuthException 190 (auth)', async () => {
    assert.equal((await failure(graphGet({ ...ig(), apiUrl: s.url }, `${s.igUserId}/media`)))?.reason, 'auth');
    assert.equal((await failure(graphGet({ ...fb(), apiUrl: s.igUrl }, `${s.igUserId}/media`)))?.reason, 'auth');
    const res = await fetch(`${s.url}/${s.version}/${s.igUserId}/media`, {
      headers: { authorization: `Bearer ${s.igToken}` },
    });
    const body = (await res.json()) as { error: { code: number; type: string; message: string } };
    assert.equal(body.error.code, 190);
    assert.equal(body.error.type, 'OAuthException');
    assert.match(body.error.message, /Cannot parse access token/);
  });

  it('comments: top-level by default, every depth with filter=stream (with parent), order, nested paging', async () => {
    const top = s.addFacebookComment({ message: 'top' });
    const reply = s.addFacebookComment({ parentId: top.id, message: 'reply' });
    const deeper = s.addFacebookComment({ parentId: reply.id, message: 'deeper' });
    const second = s.addFacebookComment({ postId: top.postId, message: 'second top' });
    const read = async (path: string, query: Record<string, string>) => {
      const out: Comment[] = [];
      let page = (await graphGet(fb(), path, query)) as Page<Comment>;
      for (;;) {
        out.push(...page.data);
        if (!page.paging?.next) return out;
        page = (await graphGet(fb(), page.paging.next)) as Page<Comment>;
      }
    };
    const ids = (list: Comment[]) => list.map((c) => c.id);
    assert.deepEqual(ids(await read(`${top.postId}/comments`, {})), [top.id, second.id]);
    const stream = await read(`${top.postId}/comments`, { filter: 'stream', fields: 'id,message,parent' });
    assert.deepEqual(ids(stream), [top.id, reply.id, deeper.id, second.id]);
    assert.deepEqual(
      stream.map((c) => c.parent?.id),
      [undefined, top.id, reply.id, undefined],
    );
    assert.deepEqual(ids(await read(`${top.postId}/comments`, { order: 'reverse_chronological' })), [
      second.id,
      top.id,
    ]);
    assert.deepEqual(ids(await read(`${top.id}/comments`, {})), [reply.id], 'a comment has its own /comments edge');
    // The feed's nested edge is paged too (pageSize 1 here), with its own absolute next.
    const feed = (await graphGet(fb(), `${s.pageId}/feed`, {
      fields: 'id,comments.filter(stream){id,parent}',
    })) as Page<{ id: string; comments?: Page<Comment> }>;
    const post = feed.data.find((p) => p.id === top.postId);
    assert.equal(post?.comments?.data.length, 1);
    assert.match(post?.comments?.paging?.next ?? '', /^https:\/\/graph\.facebook\.com\/v\d+\.\d+\/\d+_\d+\/comments\?/);
    const rest = await read(post?.comments?.paging?.next ?? '', {});
    assert.deepEqual(ids([...(post?.comments?.data ?? []), ...rest]), ids(stream));
  });

  it('conversations honour platform (messenger by default, or instagram)', async () => {
    const m = s.addMessengerMessage({ message: 'messenger' });
    const d = s.addMessengerMessage({ platform: 'instagram', message: 'direct' });
    const list = async (query: Record<string, string>) =>
      (
        (await graphGet({ ...fb() }, `${s.pageId}/conversations`, { ...query, limit: '100' })) as Page<{ id: string }>
      ).data.map((c) => c.id);
    assert.deepEqual(await list({}), [m.conversationId]);
    assert.deepEqual(await list({ platform: 'messenger' }), [m.conversationId]);
    assert.deepEqual(await list({ platform: 'instagram' }), [d.conversationId]);
  });

  it('a missing permission: Graph error codes 10 / 230 / 200, classified permission with what to grant', async () => {
    const comment = s.addFacebookComment();
    s.revokePermission(s.pageToken, 'pages_read_engagement');
    const feed = await failure(graphGet(fb(), `${s.pageId}/feed`, { fields: 'id' }));
    assert.deepEqual(feed && { reason: feed.reason, grant: feed.grant }, {
      reason: 'permission',
      grant: 'pages_read_engagement',
    });
    s.grantPermission(s.pageToken, 'pages_read_engagement');
    s.revokePermission(s.pageToken, 'pages_messaging');
    assert.equal((await failure(graphGet(fb(), `${s.pageId}/conversations`)))?.grant, 'pages_messaging');
    s.grantPermission(s.pageToken, 'pages_messaging');
    s.revokePermission(s.pageToken, 'pages_manage_engagement');
    const reply = await failure(replyToFacebookComment(fb(), { commentId: comment.id, message: 'x' }));
    assert.equal(reply?.grant, 'pages_manage_engagement');
    s.grantPermission(s.pageToken, 'pages_manage_engagement');
    // Instagram's error names no permission: the client names the one its login needs.
    const igComment = s.addInstagramComment();
    s.revokePermission(s.igToken, 'instagram_business_manage_comments');
    const igReply = await failure(replyToInstagramComment(ig(), { commentId: igComment.id, message: 'x' }));
    assert.equal(igReply?.reason, 'permission');
    assert.match(igReply?.grant ?? '', /instagram_business_manage_comments/);
    s.grantPermission(s.igToken, 'instagram_business_manage_comments');
  });

  it('maps throttling (code 32, regain time), OAuthException 190, 500 and an object Graph cannot load', async () => {
    s.rateLimit(7);
    const limited = await replyToFacebookComment(fb(), { commentId: '1_2', message: 'x' }).catch((e: unknown) => e);
    assert.deepEqual(failureOf(limited), {
      reason: 'rate_limited',
      retryAt: new Date(now.getTime() + 7 * 60_000),
      grant: undefined,
    });
    s.serverError();
    assert.equal(
      (await failure(replyToFacebookComment(fb(), { commentId: '1_2', message: 'x' })))?.reason,
      'transient',
    );
    s.revokeAuth();
    assert.equal((await failure(replyToInstagramComment(ig(), { commentId: '1', message: 'x' })))?.reason, 'auth');
    s.restoreAuth();
    // Graph answers an unknown id with code 100 subcode 33 ("does not exist, cannot be loaded due to missing
    // permissions"): it cannot tell which, so neither can we; the grant says both.
    const gone = await failure(replyToFacebookComment(fb(), { commentId: '999_1', message: 'x' }));
    assert.equal(gone?.reason, 'permission');
    assert.match(gone?.grant ?? '', /the id is wrong, it is gone, or the token cannot see it/);
    await assert.rejects(replyToFacebookComment(fb(), { commentId: '../me', message: 'x' }), /not a Graph id/);
  });
});
