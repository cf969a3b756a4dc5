import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { silentLogger } from '../../src/core/log.js';
import type { Vault } from '../../src/core/vault/vault.js';
import { facebookSource } from '../../src/daemons/watchers/facebook.js';
import { WatcherRunner } from '../../src/daemons/watchers/runner.js';
import { startGraphStandin, type GraphStandin } from '../../src/sandbox/graph/server.js';
import { censusProblems, watchCensus } from '../helpers/watch-vault.js';
import { openTestVault, tempVaultDir } from '../helpers/vault.js';

/**
 * The Facebook watcher against a Graph stand-in that pages like Graph: nested comment edges 25 at a time with
 * their own `paging.next`, top-level comments only unless `filter=stream`, replies nested under comments,
 * Messenger messages paged inside each conversation, and pages cut before filtering (so one can be empty and
 * still have `next`). Every comment, reply and message must become exactly one task, checked in the vault.
 */
describe('facebook watcher: every comment, reply and message, however Graph pages them', () => {
  let root: string;
  let stateDir: string;
  let vault: Vault;
  let s: GraphStandin;
  const now = new Date('2026-11-26T12:00:00Z');
  const expected: string[] = [];

  const runner = () =>
    new WatcherRunner({
      source: facebookSource({
        graph: { apiUrl: s.url, version: s.version, token: s.pageToken, timeoutMs: 10_000, clock: () => now },
        pageId: s.pageId,
      }),
      vault,
      stateDir,
      logger: silentLogger(),
      credentials: 'facebook-test',
      clock: () => now,
      random: () => 0.5,
    });
  const tick = async () => {
    const report = await runner().tick();
    assert.equal(report.status, 'ok', JSON.stringify(report));
    return report.status === 'ok' ? report.written : -1;
  };
  const exactlyOnce = async () =>
    assert.deepEqual(censusProblems(await watchCensus(root, 'FB_'), expected), { twice: [], missing: [], extra: [] });

  beforeEach(async () => {
    root = await tempVaultDir('graph-fb-paging-');
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'graph-fb-state-'));
    vault = await openTestVault(root, 'cloud', { clock: () => now });
    s = await startGraphStandin({ pageSize: 25 });
    expected.length = 0;
  });
  afterEach(async () => {
    await s.close();
    await rm(root, { recursive: true, force: true });
    await rm(stateDir, { recursive: true, force: true });
  });

  it('a backlog of 1,000 comments on 10 posts, nested 3 deep, paged at 25: one task each; a second run adds none', async () => {
    for (let p = 0; p < 10; p += 1) {
      const first = s.addFacebookComment();
      const postId = first.postId;
      expected.push(`facebook:${first.id}`);
      // Per post: 25 comments, each with one reply, each reply with two replies of its own = 100.
      for (let t = 0; t < 25; t += 1) {
        const top = t === 0 ? first : s.addFacebookComment({ postId });
        if (t > 0) expected.push(`facebook:${top.id}`);
        const reply = s.addFacebookComment({ parentId: top.id });
        expected.push(`facebook:${reply.id}`);
        for (let r = 0; r < 2; r += 1) expected.push(`facebook:${s.addFacebookComment({ parentId: reply.id }).id}`);
      }
    }
    assert.equal(expected.length, 1000);
    assert.equal(await tick(), 1000);
    await exactlyOnce();
    assert.equal(await tick(), 0, 'a second run adds none');
    await exactlyOnce();
    // The replies were asked for (filter=stream) and followed through the nested paging.next.
    const follows = s.received.filter((r) => /\/comments$/.test(r.path) && r.method === 'GET');
    assert.ok(follows.length >= 30, `followed the nested comment pages (${follows.length})`);
    assert.ok(follows.every((r) => r.query['filter'] === 'stream'));
  });

  it('a post deleted while its comments are followed is skipped (Graph: 100/33), the others all read, no pause', async () => {
    const gone = s.addFacebookComment();
    expected.push(`facebook:${gone.id}`);
    for (let i = 1; i < 30; i += 1) expected.push(`facebook:${s.addFacebookComment({ postId: gone.postId }).id}`);
    const kept = s.addFacebookComment();
    const keptIds = [`facebook:${kept.id}`];
    for (let i = 1; i < 30; i += 1) keptIds.push(`facebook:${s.addFacebookComment({ postId: kept.postId }).id}`);
    // The feed lists the post with its first 25 comments; following its paging.next, Graph no longer has it.
    s.vanish(gone.postId);
    assert.equal(await tick(), 55, 'the other post in full, and the first page of the one that went');
    const census = await watchCensus(root, 'FB_');
    assert.deepEqual(censusProblems(census, [...expected.slice(0, 25), ...keptIds]), {
      twice: [],
      missing: [],
      extra: [],
    });
  });

  it('a page that comes back empty but has paging.next is followed past', async () => {
    const first = s.addFacebookComment({ filtered: true });
    for (let i = 0; i < 29; i += 1) s.addFacebookComment({ postId: first.postId, filtered: true });
    expected.push(`facebook:${s.addFacebookComment({ postId: first.postId }).id}`);
    assert.equal(await tick(), 1);
    await exactlyOnce();
  });

  it('more than 5 Messenger messages in one conversation between polls: all of them', async () => {
    const hello = s.addMessengerMessage();
    expected.push(`messenger:${hello.id}`);
    assert.equal(await tick(), 1);
    for (let i = 0; i < 60; i += 1)
      expected.push(`messenger:${s.addMessengerMessage({ conversationId: hello.conversationId }).id}`);
    assert.equal(await tick(), 60);
    await exactlyOnce();
    assert.equal(await tick(), 0);
  });

  it('Instagram Direct conversations (platform=instagram) are not Messenger tasks', async () => {
    s.addMessengerMessage({ platform: 'instagram' });
    expected.push(`messenger:${s.addMessengerMessage().id}`);
    assert.equal(await tick(), 1);
    await exactlyOnce();
  });
});
