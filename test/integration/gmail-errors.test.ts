import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { silentLogger } from '../../src/core/log.js';
import { failureOf } from '../../src/core/providers/errors.js';
import { createGmailClient, type GmailCredentials } from '../../src/core/providers/gmail-client.js';
import { sendGmailReply } from '../../src/core/providers/gmail-reply.js';
import type { Vault } from '../../src/core/vault/vault.js';
import { gmailSource } from '../../src/daemons/watchers/gmail.js';
import { WatcherRunner, type TickReport } from '../../src/daemons/watchers/runner.js';
import { SCOPES, startGmailStandin, type GmailStandin } from '../../src/sandbox/gmail/server.js';
import { openTestVault, tempVaultDir } from '../helpers/vault.js';

/**
 * Gmail's refusals as Google sends them, through the real client: a wrong client secret or id (401
 * invalid_client) names the variable to fix; a token without the scope a method needs (403 insufficient
 * scopes) or holding gmail.metadata (q refused) is a `permission` failure naming the scope to grant; the 403
 * rate limits (no Retry-After) make the watcher back off.
 */
describe('gmail refusals: client, scopes, 403 rate limits', () => {
  let s: GmailStandin;
  let root: string;
  let stateDir: string;
  let vault: Vault;
  let now: Date;
  const clock = () => now;
  const client = (credentials: Partial<GmailCredentials> = {}) =>
    createGmailClient({
      apiUrl: `${s.url}/`,
      tokenUrl: s.tokenUrl,
      credentials: { ...s.credentials, ...credentials },
      timeoutMs: 5000,
    });
  const runner = (credentials: Partial<GmailCredentials> = {}) =>
    new WatcherRunner({
      source: gmailSource({ client: client(credentials), query: 'in:inbox', label: 'INBOX', logger: silentLogger() }),
      vault,
      stateDir,
      logger: silentLogger(),
      credentials: JSON.stringify(credentials),
      clock,
      random: () => 0.5,
      backoff: { baseMs: 60_000, maxMs: 600_000 },
    });
  const paused = (report: TickReport) => {
    assert.equal(report.status, 'paused', JSON.stringify(report));
    return report as Extract<TickReport, { status: 'paused' }>;
  };
  const reply = { to: 'ann@example.com', subject: 'Hours', body: 'Open at 9.', inReplyTo: '<q@mail.example.com>' };

  beforeEach(async () => {
    now = new Date('2026-11-26T12:00:00Z');
    s = await startGmailStandin({ clock });
    root = await tempVaultDir('gmail-errors-');
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'gmail-errors-state-'));
    vault = await openTestVault(root, 'cloud', { clock });
  });
  afterEach(async () => {
    await s.close();
    await rm(root, { recursive: true, force: true });
    await rm(stateDir, { recursive: true, force: true });
  });

  it('a wrong client secret, client id or refresh token: paused (auth), naming the variable to fix', async () => {
    const secret = paused(await runner({ clientSecret: 'not-the-secret' }).tick());
    assert.equal(secret.kind, 'auth');
    assert.match(secret.reason, /GMAIL_CLIENT_SECRET/);
    assert.match(secret.reason, /invalid_client/);
    const id = paused(await runner({ clientId: 'someone-else.apps.googleusercontent.com' }).tick());
    assert.match(id.reason, /GMAIL_CLIENT_ID/);
    const token = paused(await runner({ refreshToken: 'revoked-long-ago' }).tick());
    assert.match(token.reason, /GMAIL_REFRESH_TOKEN/);
    assert.doesNotMatch(`${secret.reason}${id.reason}${token.reason}`, /sandbox-client-secret|revoked-long-ago/);
  });

  it('a token without a read scope: the watcher pauses on a permission failure naming gmail.readonly', async () => {
    s.setScopes([SCOPES.send]);
    const report = paused(await runner().tick());
    assert.equal(report.kind, 'permission');
    assert.equal(report.grant, SCOPES.readonly);
  });

  it('a token holding gmail.metadata: the full sync’s q is refused, even next to gmail.readonly; the failure says so', async () => {
    s.setScopes([SCOPES.metadata, SCOPES.readonly]);
    const report = paused(await runner().tick());
    assert.equal(report.kind, 'permission');
    assert.equal(report.grant, SCOPES.readonly);
    assert.match(report.reason, /without gmail\.metadata/);
    assert.match(report.reason, /Metadata scope does not support 'q' parameter/);
  });

  it('a reply with a read-only token: a permission failure naming gmail.send; nothing sent', async () => {
    const original = s.addMessage({ subject: 'Hours', messageId: '<q@mail.example.com>' });
    s.setScopes([SCOPES.readonly]);
    const err = await sendGmailReply(client(), { ...reply, threadId: original.threadId }).catch((e: unknown) => e);
    assert.deepEqual(failureOf(err), { reason: 'permission', retryAt: undefined, grant: SCOPES.send });
    assert.equal(s.sent.length, 0);
    s.setScopes([SCOPES.send]);
    const sent = await sendGmailReply(client(), { ...reply, threadId: original.threadId });
    assert.equal(sent.threadId, original.threadId, 'gmail.send alone is enough to reply');
  });

  for (const reason of ['userRateLimitExceeded', 'rateLimitExceeded'] as const) {
    it(`403 ${reason} (no Retry-After): backs off, asks nothing meanwhile, then recovers`, async () => {
      await runner().tick();
      const mail = s.addMessage();
      s.rateLimit403(reason);
      const r = runner();
      const failed = await r.tick();
      assert.equal(failed.status, 'backoff', JSON.stringify(failed));
      const asked = s.received.length;
      now = new Date(now.getTime() + 30_000);
      assert.equal((await r.tick()).status, 'waiting');
      assert.equal(s.received.length, asked, 'no request during the backoff');
      now = new Date(now.getTime() + 16_000);
      assert.deepEqual(await r.tick(), { status: 'ok', written: 1, skipped: 0 });
      assert.ok(s.messages.some((m) => m.id === mail.id));
    });
  }
});
