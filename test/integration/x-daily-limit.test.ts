import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { ApiResponseError } from 'twitter-api-v2';
import { executeApproved } from '../../src/core/actions/executor.js';
import { ExecutionLedger } from '../../src/core/actions/ledger.js';
import { publishReplyHandler } from '../../src/core/actions/reply-actions.js';
import { failureOf } from '../../src/core/providers/errors.js';
import { createXClient } from '../../src/core/providers/x-client.js';
import { postXReply } from '../../src/core/providers/x-reply.js';
import { newTaskText } from '../../src/core/vault/frontmatter.js';
import { runDraftWorkerOnce } from '../../src/daemons/workers/draft-worker.js';
import { templateDrafter } from '../../src/daemons/workers/drafting.js';
import { startXStandin } from '../../src/sandbox/x/server.js';
import { openTestVault, ownerMovesToApproved, tempVaultDir } from '../helpers/vault.js';

/**
 * X's 24-hour posting caps: the stand-in sends `x-app-limit-24hour-*` and `x-user-limit-24hour-*` on
 * `POST /2/tweets` (twitter-api-v2: TwitterRateLimit.day / .userDay) and answers 429 over the cap. A reply refused
 * by the daily cap must name the 24-hour reset, not the 15-minute one that X also sends (and that is not exhausted).
 */
const NOW = new Date('2026-11-26T12:00:00Z');
const unix = (d: Date) => Math.floor(d.getTime() / 1000);
const DAY_RESET = new Date(NOW.getTime() + 24 * 3_600_000);
const SHORT_RESET = new Date(NOW.getTime() + 15 * 60_000);

describe('x: the 24-hour posting cap', () => {
  it('POST /2/tweets sends the 24-hour headers that twitter-api-v2 reads as rateLimit.day and .userDay', async () => {
    const s = await startXStandin({ clock: () => NOW, postLimits: { userPerDay: 3, appPerDay: 50 } });
    try {
      const client = createXClient({ apiUrl: s.url, credentials: s.credentials, timeoutMs: 5000 });
      const res = await client.v2.post('tweets', { text: 'hello' }, { fullResponse: true });
      assert.deepEqual(res.rateLimit?.userDay, { limit: 3, remaining: 2, reset: unix(DAY_RESET) });
      assert.deepEqual(res.rateLimit?.day, { limit: 50, remaining: 49, reset: unix(DAY_RESET) });
      assert.equal(res.rateLimit?.reset, unix(SHORT_RESET));
    } finally {
      await s.close();
    }
  });

  it("over the daily cap: X's 429 problem, and the reply's retry time is the 24-hour reset", async () => {
    const s = await startXStandin({ clock: () => NOW, postLimits: { userPerDay: 2 } });
    try {
      const client = createXClient({ apiUrl: s.url, credentials: s.credentials, timeoutMs: 5000 });
      for (const n of [1, 2]) await postXReply(client, { inReplyToId: s.addMention().id, text: `reply ${n}` });
      const err = await postXReply(client, { inReplyToId: s.addMention().id, text: 'reply 3' }).catch(
        (e: unknown) => e,
      );
      assert.deepEqual(failureOf(err), { reason: 'rate_limited', retryAt: DAY_RESET, grant: undefined });
      assert.match((err as Error).message, new RegExp(DAY_RESET.toISOString()));
      const cause = (err as { cause?: unknown }).cause as ApiResponseError;
      assert.deepEqual(cause.data, {
        title: 'Too Many Requests',
        detail: 'Too Many Requests',
        type: 'about:blank',
        status: 429,
      });
      assert.equal(cause.headers['content-type'], 'application/problem+json');
      assert.equal(cause.rateLimit?.remaining, 98, 'the 15-minute window is not what ran out');
      assert.equal(s.posted.length, 2, 'nothing posted over the cap');
    } finally {
      await s.close();
    }
  });

  it('a 429 of the 15-minute window keeps the 15-minute reset', async () => {
    const s = await startXStandin({ clock: () => NOW, postLimits: { per15Minutes: 1 } });
    try {
      const client = createXClient({ apiUrl: s.url, credentials: s.credentials, timeoutMs: 5000 });
      await postXReply(client, { inReplyToId: s.addMention().id, text: 'one' });
      const err = await postXReply(client, { inReplyToId: s.addMention().id, text: 'two' }).catch((e: unknown) => e);
      assert.deepEqual(failureOf(err)?.retryAt, SHORT_RESET);
    } finally {
      await s.close();
    }
  });

  it('through the approved-reply path: a reply over the daily cap is not posted and its reason names the 24-hour reset', async () => {
    const s = await startXStandin({ clock: () => NOW, postLimits: { userPerDay: 1 } });
    try {
      const root = await tempVaultDir();
      const tweets = [s.addMention({ text: 'Open on Sunday?' }), s.addMention({ text: 'Do you ship abroad?' })];
      for (const t of tweets)
        await writeFile(
          path.join(root, 'Needs_Action', `TWEET_${t.id}.md`),
          newTaskText(
            { id: `x:${t.id}`, type: 'tweet', created: t.created_at, author: '@bob', text: t.text, reply_to_id: t.id },
            t.text,
          ),
        );
      await runDraftWorkerOnce(await openTestVault(root, 'cloud'), templateDrafter());
      const names = tweets.map((t) => `SOCIAL_REPLY_TWEET_${t.id}.md`);
      for (const n of names) await ownerMovesToApproved(root, n);
      const local = await openTestVault(root, 'local');
      const deps = {
        ctx: local.ctx,
        ledger: new ExecutionLedger(path.join(await mkdtemp(path.join(os.tmpdir(), 'x-cap-')), 'executions')),
        handlers: [
          publishReplyHandler({ x: createXClient({ apiUrl: s.url, credentials: s.credentials, timeoutMs: 5000 }) }),
        ],
      };
      assert.equal((await executeApproved(deps, `Approved/${names[0]}`)).status, 'executed');
      const over = await executeApproved(deps, `Approved/${names[1]}`);
      assert.equal(over.status, 'failed');
      assert.equal(s.posted.length, 1, 'the second reply did not reach X');
      assert.match(over.reason ?? '', new RegExp(DAY_RESET.toISOString()), over.reason);
      assert.doesNotMatch(over.reason ?? '', new RegExp(SHORT_RESET.toISOString()));
    } finally {
      await s.close();
    }
  });
});
