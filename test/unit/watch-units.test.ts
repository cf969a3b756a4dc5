import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildReplyMessage } from '../../src/core/providers/gmail-reply.js';
import { graphUrl } from '../../src/core/providers/graph-client.js';
import { parseRetryAfter } from '../../src/core/providers/errors.js';
import { backoffMs } from '../../src/daemons/watchers/backoff.js';
import { trimSeen } from '../../src/daemons/watchers/state.js';
import { taskStem } from '../../src/daemons/watchers/task-file.js';
import { stemOfFileName } from '../../src/daemons/watchers/vault-index.js';

describe('watcher units', () => {
  it('backoff: exponential, capped, equal jitter from the injected random source', () => {
    const o = { baseMs: 1000, maxMs: 8000 };
    assert.equal(backoffMs(1, { ...o, random: () => 0 }), 500);
    assert.equal(backoffMs(1, { ...o, random: () => 1 }), 1000);
    assert.equal(backoffMs(3, { ...o, random: () => 0.5 }), 3000);
    assert.equal(backoffMs(30, { ...o, random: () => 1 }), 8000);
  });

  it('vault names map back to their task stem: plain, claimed in flight, Done with a timestamp; temp files are not tasks', () => {
    assert.equal(stemOfFileName('EMAIL_18c1.md'), 'EMAIL_18c1');
    assert.equal(stemOfFileName('EMAIL_18c1.2026-11-26T09-00-00-000Z.md'), 'EMAIL_18c1');
    assert.equal(stemOfFileName('.claiming-mfx1a2b-0123456789ab-TWEET_1.md'), 'TWEET_1');
    assert.equal(stemOfFileName('.tmp-abcdef-EMAIL_1.md'), undefined);
    assert.equal(stemOfFileName('notes.txt'), undefined);
  });

  it('task stems keep safe ids readable and hash anything else', () => {
    assert.equal(taskStem({ kind: 'FB', sourceId: '123_456' }), 'FB_123_456');
    assert.match(taskStem({ kind: 'FB', sourceId: 'm_a/b:c.d' }), /^FB_[0-9a-f]{32}$/);
  });

  it('seen ids keep the newest', () => {
    assert.deepEqual(trimSeen(['a', 'b', 'c'], 2), ['b', 'c']);
  });

  it('Retry-After in seconds or as a date', () => {
    const now = new Date('2026-11-26T12:00:00Z');
    assert.equal(parseRetryAfter('30', now)?.toISOString(), '2026-11-26T12:00:30.000Z');
    assert.equal(parseRetryAfter('Thu, 26 Nov 2026 12:05:00 GMT', now)?.toISOString(), '2026-11-26T12:05:00.000Z');
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });

  it('graphUrl swaps the origin of paging.next and drops its token', () => {
    const url = graphUrl(
      { apiUrl: 'http://127.0.0.1:9', version: 'v23.0' },
      'https://evil.example/v23.0/1/feed?after=x&access_token=T',
    );
    assert.equal(url.toString(), 'http://127.0.0.1:9/v23.0/1/feed?after=x');
  });

  it('a reply is RFC 822 with Re:, threading headers and an encoded non-ASCII subject', () => {
    const text = buildReplyMessage({
      to: 'a@example.com',
      subject: 'Größe',
      body: 'ok',
      threadId: 't',
      inReplyTo: '<m@x>',
    });
    assert.match(text, /^To: a@example\.com\r\n/);
    assert.match(text, /\r\nSubject: =\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=\r\n/);
    assert.match(text, /\r\nIn-Reply-To: <m@x>\r\nReferences: <m@x>\r\n/);
    assert.equal(
      buildReplyMessage({ to: 'a', subject: 'RE: x', body: '', threadId: 't', inReplyTo: '<m>' }).includes(
        'Subject: RE: x',
      ),
      true,
    );
  });
});
