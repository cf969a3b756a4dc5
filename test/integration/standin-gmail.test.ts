import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { failureOf } from '../../src/core/providers/errors.js';
import { createGmailClient, type GmailApi } from '../../src/core/providers/gmail-client.js';
import { sendGmailReply } from '../../src/core/providers/gmail-reply.js';
import { startGmailStandin, type GmailStandin } from '../../src/sandbox/gmail/server.js';

/** The Gmail reply client with the real @googleapis/gmail against the stand-in, and the stand-in's faults. */
describe('gmail stand-in and reply client', () => {
  let s: GmailStandin;
  let gmail: GmailApi;
  const fresh = () =>
    createGmailClient({ apiUrl: `${s.url}/`, tokenUrl: s.tokenUrl, credentials: s.credentials, timeoutMs: 5000 });
  before(async () => {
    s = await startGmailStandin();
    gmail = fresh();
  });
  after(async () => s.close());

  it('sends a reply in the same thread with In-Reply-To and References; the stand-in logs the decoded mail', async () => {
    const original = s.addMessage({
      from: 'Jane <jane@example.com>',
      subject: 'Invoice question',
      messageId: '<abc@mail.example.com>',
    });
    const sent = await sendGmailReply(gmail, {
      to: 'Jane <jane@example.com>',
      subject: 'Invoice question',
      body: 'Dear Jane,\nthe invoice is attached. Grüße!',
      threadId: original.threadId,
      inReplyTo: '<abc@mail.example.com>',
      references: '<root@mail.example.com>',
    });
    assert.equal(sent.threadId, original.threadId);
    assert.equal(s.sent.length, 1);
    const mail = s.sent[0];
    assert.equal(mail?.threadId, original.threadId);
    assert.equal(mail?.id, sent.id);
    assert.equal(mail?.decoded.headers['subject'], 'Re: Invoice question');
    assert.equal(mail?.decoded.headers['to'], 'Jane <jane@example.com>');
    assert.equal(mail?.decoded.headers['in-reply-to'], '<abc@mail.example.com>');
    assert.equal(mail?.decoded.headers['references'], '<root@mail.example.com> <abc@mail.example.com>');
    assert.equal(mail?.decoded.text, 'Dear Jane,\nthe invoice is attached. Grüße!');
  });

  it('refuses a header with a line break (no header injection)', async () => {
    await assert.rejects(
      sendGmailReply(gmail, {
        to: 'x@example.com\r\nBcc: evil@example.com',
        subject: 's',
        body: 'b',
        threadId: 't',
        inReplyTo: '<m@x>',
      }),
      (err: Error & { code?: string }) => err.code === 'invalid_input',
    );
  });

  it('maps 429 (with its reset), 500 and invalid_grant to rate_limited, transient and auth', async () => {
    const now = new Date('2026-11-26T12:00:00Z');
    const reply = { to: 'a@example.com', subject: 's', body: 'b', threadId: 't', inReplyTo: '<m@x>' };
    s.rateLimit(120, { match: '/send' });
    const limited = await sendGmailReply(gmail, reply, { clock: () => now }).catch((e: unknown) => e);
    assert.deepEqual(failureOf(limited), {
      reason: 'rate_limited',
      retryAt: new Date(now.getTime() + 120_000),
      grant: undefined,
    });
    s.serverError({ match: '/send' });
    assert.equal(failureOf(await sendGmailReply(gmail, reply).catch((e: unknown) => e))?.reason, 'transient');
    s.revokeGrant();
    assert.equal(failureOf(await sendGmailReply(fresh(), reply).catch((e: unknown) => e))?.reason, 'auth');
    assert.equal(
      failureOf(await sendGmailReply(gmail, reply).catch((e: unknown) => e))?.reason,
      'auth',
      'an old token too',
    );
    s.restoreAuth();
    assert.ok(
      s.received.some((r) => r.path === '/token' && r.body === '[redacted]'),
      'token requests are logged without secrets',
    );
  });
});
