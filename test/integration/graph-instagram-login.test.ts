import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/core/log.js';
import type { Vault } from '../../src/core/vault/vault.js';
import { sourceFromConfig } from '../../src/daemons/watchers/from-config.js';
import { WatcherRunner } from '../../src/daemons/watchers/runner.js';
import { graphEnv } from '../../src/sandbox/graph/index.js';
import { startGraphStandin, type GraphStandin } from '../../src/sandbox/graph/server.js';
import { censusProblems, watchCensus } from '../helpers/watch-vault.js';
import { openTestVault, tempVaultDir } from '../helpers/vault.js';

/**
 * Instagram has two setups (Meta's Instagram Platform: "Instagram API with Instagram Login" on
 * graph.instagram.com with an `IG…` token, "with Facebook Login" on graph.facebook.com with a Page token), and a
 * token works on its own host only. The configuration names the setup (INSTAGRAM_LOGIN, INSTAGRAM_API_URL),
 * refuses a mismatch naming the variable, and the watcher built from it reaches the right stand-in listener.
 */
describe('instagram: Instagram Login and Facebook Login, each on its own host', () => {
  let root: string;
  let stateDir: string;
  let vault: Vault;
  let s: GraphStandin;
  const now = new Date('2026-11-26T12:00:00Z');

  beforeEach(async () => {
    root = await tempVaultDir('graph-ig-login-');
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'graph-ig-state-'));
    vault = await openTestVault(root, 'cloud', { clock: () => now });
    s = await startGraphStandin({ pageSize: 2 });
  });
  afterEach(async () => {
    await s.close();
    await rm(root, { recursive: true, force: true });
    await rm(stateDir, { recursive: true, force: true });
  });

  /** One poll of the Instagram watcher exactly as `ai-employee watch instagram` builds it from `env`. */
  const pollWith = async (env: Record<string, string>) => {
    const setup = sourceFromConfig('instagram', loadConfig(env).watch, { logger: silentLogger(), ctx: vault.ctx });
    assert.ok(setup.ok, JSON.stringify(setup));
    const runner = new WatcherRunner({
      source: setup.source,
      vault,
      stateDir,
      logger: silentLogger(),
      credentials: setup.credentials,
      clock: () => now,
      random: () => 0.5,
    });
    return runner.tick();
  };

  it('Instagram Login: the IG token goes to graph.instagram.com (the stand-in environment), every comment once', async () => {
    const ids = [1, 2, 3].map(() => `instagram:${s.addInstagramComment().id}`);
    const report = await pollWith(graphEnv(s));
    assert.equal(report.status, 'ok', JSON.stringify(report));
    assert.deepEqual(censusProblems(await watchCensus(root, 'IG_'), ids), { twice: [], missing: [], extra: [] });
    const reads = s.received.filter((r) => r.path.includes('/media') || r.path.endsWith('/comments'));
    assert.ok(reads.length > 0 && reads.every((r) => r.host === 'instagram'));
  });

  it('a media deleted between the listing and reading its comments is skipped (100/33), no pause', async () => {
    const gone = s.addInstagramComment();
    const kept = [1, 2].map(() => `instagram:${s.addInstagramComment().id}`);
    s.vanish(gone.mediaId);
    const report = await pollWith(graphEnv(s));
    assert.equal(report.status, 'ok', JSON.stringify(report));
    assert.deepEqual(censusProblems(await watchCensus(root, 'IG_'), kept), { twice: [], missing: [], extra: [] });
  });

  it('Facebook Login: the Page token goes to graph.facebook.com', async () => {
    const ids = [`instagram:${s.addInstagramComment().id}`];
    const report = await pollWith({
      GRAPH_API_URL: s.url,
      INSTAGRAM_LOGIN: 'facebook',
      INSTAGRAM_USER_ID: s.igUserId,
      INSTAGRAM_TOKEN: s.pageToken,
    });
    assert.equal(report.status, 'ok', JSON.stringify(report));
    assert.deepEqual(censusProblems(await watchCensus(root, 'IG_'), ids), { twice: [], missing: [], extra: [] });
    assert.ok(s.received.every((r) => r.host === 'facebook'));
  });

  it('an Instagram Login token sent to graph.facebook.com is refused (190): the watcher pauses, no task', async () => {
    s.addInstagramComment();
    // What the old single GRAPH_API_URL did: an IG token with an explicit Facebook host for Instagram.
    const report = await pollWith({
      INSTAGRAM_LOGIN: 'instagram',
      INSTAGRAM_API_URL: s.url,
      INSTAGRAM_USER_ID: s.igUserId,
      INSTAGRAM_TOKEN: s.igToken,
    });
    assert.equal(report.status, 'paused');
    assert.equal(report.status === 'paused' && report.kind, 'auth');
  });

  it('configuration: a mismatch between token, login and host names the variable to fix', () => {
    const base = { INSTAGRAM_USER_ID: '17841400000000001' };
    const refuse = (env: Record<string, string>, pattern: RegExp) =>
      assert.throws(() => loadConfig({ ...base, ...env }), pattern);
    refuse(
      { INSTAGRAM_TOKEN: 'IGAAxyz' },
      /INSTAGRAM_TOKEN is an Instagram Login token .* set INSTAGRAM_LOGIN=instagram/,
    );
    refuse(
      { INSTAGRAM_LOGIN: 'instagram', INSTAGRAM_TOKEN: 'EAAxyz' },
      /INSTAGRAM_TOKEN is a Facebook Login token .* INSTAGRAM_LOGIN=instagram/,
    );
    refuse(
      { INSTAGRAM_LOGIN: 'instagram', INSTAGRAM_API_URL: 'https://graph.facebook.com' },
      /INSTAGRAM_API_URL points at graph\.facebook\.com/,
    );
    refuse(
      { INSTAGRAM_LOGIN: 'facebook', INSTAGRAM_API_URL: 'https://graph.instagram.com' },
      /INSTAGRAM_API_URL points at graph\.instagram\.com/,
    );
    refuse({ INSTAGRAM_LOGIN: 'threads' }, /INSTAGRAM_LOGIN is invalid: INSTAGRAM_LOGIN is facebook or instagram/);
    refuse({ FACEBOOK_PAGE_TOKEN: 'IGAAxyz' }, /FACEBOOK_PAGE_TOKEN is an Instagram Login token/);
    // The defaults: Facebook Login on GRAPH_API_URL; Instagram Login on graph.instagram.com.
    assert.equal(loadConfig({ GRAPH_API_URL: 'http://127.0.0.1:9' }).watch.graph.igApiUrl, 'http://127.0.0.1:9');
    const igLogin = loadConfig({ INSTAGRAM_LOGIN: 'instagram', INSTAGRAM_TOKEN: 'IGAAxyz' }).watch.graph;
    assert.deepEqual([igLogin.igLogin, igLogin.igApiUrl], ['instagram', 'https://graph.instagram.com']);
  });
});
