import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '../../src/core/log.js';
import { createGmailClient } from '../../src/core/providers/gmail-client.js';
import { gmailSource } from '../../src/daemons/watchers/gmail.js';
import { WatcherRunner } from '../../src/daemons/watchers/runner.js';
import { startGmailStandin, type GmailStandin } from '../../src/sandbox/gmail/server.js';
import { watchCensus } from '../helpers/watch-vault.js';
import { openTestVault, tempVaultDir } from '../helpers/vault.js';

/**
 * GMAIL_QUERY decides what a first run (and a full sync after a stale cursor) takes. The stand-in evaluates a
 * subset of Gmail search against its mailbox (in:, label:, is:, newer_than:, from:, negation, AND) and refuses
 * the rest, so a query is tested for what it selects, not waved through.
 */
const DAY = 86_400_000;

describe('GMAIL_QUERY decides what a full sync takes', () => {
  let s: GmailStandin;
  const now = new Date('2026-11-26T12:00:00Z');
  const ids: Record<string, string> = {};
  const client = () =>
    createGmailClient({ apiUrl: `${s.url}/`, tokenUrl: s.tokenUrl, credentials: s.credentials, timeoutMs: 5000 });

  /** One first run with `query` on a fresh vault: the task ids it wrote. */
  async function firstRun(query: string): Promise<string[]> {
    const root = await tempVaultDir('gmail-query-');
    const stateDir = await mkdtemp(path.join(os.tmpdir(), 'gmail-query-state-'));
    try {
      const report = await new WatcherRunner({
        source: gmailSource({ client: client(), query, label: 'INBOX', logger: silentLogger() }),
        vault: await openTestVault(root, 'cloud', { clock: () => now }),
        stateDir,
        logger: silentLogger(),
        credentials: 'c',
        clock: () => now,
      }).tick();
      assert.equal(report.status, 'ok', JSON.stringify(report));
      const names = Object.fromEntries(Object.entries(ids).map(([name, id]) => [`gmail:${id}`, name]));
      return [...(await watchCensus(root, 'EMAIL_')).keys()].map((id) => names[id] ?? id).sort();
    } finally {
      await rm(root, { recursive: true, force: true });
      await rm(stateDir, { recursive: true, force: true });
    }
  }

  before(async () => {
    s = await startGmailStandin({ clock: () => now });
    const support = s.createLabel('Support');
    const at = (days: number) => now.getTime() - days * DAY;
    const mail = {
      recent: s.addMessage({ date: at(1) }),
      old: s.addMessage({ date: at(10) }),
      read: s.addMessage({ date: at(2), labelIds: ['INBOX'] }),
      archived: s.addMessage({ date: at(1), labelIds: ['UNREAD'] }),
      spam: s.addMessage({ date: at(1), labelIds: ['SPAM', 'UNREAD'] }),
      support: s.addMessage({ date: at(3), labelIds: ['INBOX', 'UNREAD', support] }),
      noreply: s.addMessage({
        date: at(1),
        from: 'Shop <noreply@shop.example>',
        labelIds: ['INBOX', 'UNREAD', support],
      }),
      sent: s.addMessage({ date: at(1), labelIds: ['SENT'], from: 'owner@example.com' }),
      draft: s.addMessage({ date: at(1), labelIds: ['DRAFT'], from: 'owner@example.com' }),
    };
    for (const [name, m] of Object.entries(mail)) ids[name] = m.id;
  });
  after(async () => s.close());

  it('the default in:inbox newer_than:7d takes recent inbox mail only (not old, archived, Spam or own mail)', async () => {
    assert.deepEqual(await firstRun('in:inbox newer_than:7d'), ['noreply', 'read', 'recent', 'support']);
  });

  it('label:, is:unread and a negated from: narrow it (AND of terms)', async () => {
    assert.deepEqual(await firstRun('label:support is:unread -from:noreply'), ['support']);
    assert.deepEqual(await firstRun('in:inbox is:unread -label:support'), ['old', 'recent']);
  });

  it('a query without in:inbox still makes no task of the owner’s sent mail or drafts; Spam only when asked', async () => {
    assert.deepEqual(await firstRun('newer_than:7d'), ['archived', 'noreply', 'read', 'recent', 'support']);
    assert.deepEqual(await firstRun('in:spam'), ['spam']);
  });

  it('search the stand-in does not understand is refused with a 400 naming the term, not matched to everything', async () => {
    for (const q of ['invoice', 'in:inbox OR label:support', 'has:attachment', 'newer_than:7h', '{from:a from:b}']) {
      await assert.rejects(
        client().users.messages.list({ userId: 'me', q }),
        (err: { status?: number; message?: string }) =>
          err.status === 400 && /stand-in|needs a number/.test(err.message ?? ''),
        q,
      );
    }
  });
});
