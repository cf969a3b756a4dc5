import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { failureOf } from '../../src/core/providers/errors.js';
import { createXClient } from '../../src/core/providers/x-client.js';
import { postXReply } from '../../src/core/providers/x-reply.js';
import { startXStandin, type XStandin } from '../../src/sandbox/x/server.js';

/** The X reply client with the real twitter-api-v2 (through its plugin seam) against the stand-in. */
describe('x stand-in and reply client', () => {
  let s: XStandin;
  before(async () => {
    s = await startXStandin();
  });
  after(async () => s.close());

  it('posts a reply to the tweet with OAuth 1.0a user keys', async () => {
    const mention = s.addMention({ text: '@acme_shop is the shop open on Sunday?' });
    const client = createXClient({ apiUrl: s.url, credentials: s.credentials, timeoutMs: 5000 });
    const reply = await postXReply(client, { inReplyToId: mention.id, text: 'Yes, 10 to 4!' });
    assert.deepEqual(s.posted, [
      { id: reply.id, text: 'Yes, 10 to 4!', inReplyTo: mention.id, authorization: 'OAuth' },
    ]);
  });

  it('maps 429 (reset in unix seconds), 401 and 500', async () => {
    const client = createXClient({ apiUrl: s.url, credentials: s.credentials, timeoutMs: 5000 });
    const reset = new Date('2026-11-26T12:15:00Z');
    s.rateLimit(reset);
    assert.deepEqual(failureOf(await postXReply(client, { inReplyToId: '1', text: 'x' }).catch((e: unknown) => e)), {
      reason: 'rate_limited',
      retryAt: reset,
      grant: undefined,
    });
    s.serverError();
    assert.equal(
      failureOf(await postXReply(client, { inReplyToId: '1', text: 'x' }).catch((e: unknown) => e))?.reason,
      'transient',
    );
    s.revokeAuth();
    assert.equal(
      failureOf(await postXReply(client, { inReplyToId: '1', text: 'x' }).catch((e: unknown) => e))?.reason,
      'auth',
    );
    s.restoreAuth();
  });

  it('never lets a non-numeric id reach the API', async () => {
    const client = createXClient({ apiUrl: s.url, credentials: s.credentials, timeoutMs: 5000 });
    await assert.rejects(postXReply(client, { inReplyToId: '../2/users', text: 'x' }), /numeric id/);
  });
});
