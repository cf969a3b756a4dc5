import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { silentLogger } from '../../src/core/log.js';
import { createGmailClient } from '../../src/core/providers/gmail-client.js';
import type { Vault } from '../../src/core/vault/vault.js';
import { gmailSource } from '../../src/daemons/watchers/gmail.js';
import { WatcherRunner } from '../../src/daemons/watchers/runner.js';
import { startGmailStandin, type GmailStandin } from '../../src/sandbox/gmail/server.js';
import { censusProblems, watchCensus } from '../helpers/watch-vault.js';
import { openTestVault, tempVaultDir } from '../helpers/vault.js';

/**
 * Gmail's history log has four kinds of record (users.history.list, HistoryType). Mail can reach the inbox
 * without a messageAdded record under INBOX: rescued from Spam, or moved back in by a filter or by hand, it
 * arrives as labelsAdded. The stand-in records every kind as Gmail does; the watcher must take those, and
 * must not take the label churn of mail it already knows (read/unread, stars, importance) or the owner's own.
 */
const DAY = 86_400_000;

describe('gmail history: every kind of change, and which are new work', () => {
  let s: GmailStandin;
  let root: string;
  let stateDir: string;
  let vault: Vault;
  const now = new Date('2026-11-26T12:00:00Z');
  const clock = () => now;
  const client = () =>
    createGmailClient({ apiUrl: `${s.url}/`, tokenUrl: s.tokenUrl, credentials: s.credentials, timeoutMs: 5000 });
  const runner = () =>
    new WatcherRunner({
      source: gmailSource({
        client: client(),
        query: 'in:inbox newer_than:7d',
        label: 'INBOX',
        logger: silentLogger(),
      }),
      vault,
      stateDir,
      logger: silentLogger(),
      credentials: 'c',
      clock,
    });
  const written = async () => {
    const report = await runner().tick();
    assert.equal(report.status, 'ok', JSON.stringify(report));
    return report.status === 'ok' ? report.written : -1;
  };

  beforeEach(async () => {
    s = await startGmailStandin({ clock });
    root = await tempVaultDir('gmail-history-');
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'gmail-history-state-'));
    vault = await openTestVault(root, 'cloud', { clock });
  });
  afterEach(async () => {
    await s.close();
    await rm(root, { recursive: true, force: true });
    await rm(stateDir, { recursive: true, force: true });
  });

  it('history.list answers all four kinds in Gmail shapes, filtered by historyTypes and by the message labels', async () => {
    const gmail = client();
    const start = (await gmail.users.getProfile({ userId: 'me' })).data.historyId ?? '';
    const inbox = s.addMessage();
    s.modifyLabels(inbox.id, { remove: ['UNREAD'] });
    s.modifyLabels(inbox.id, { add: ['STARRED', 'INBOX'] }); // INBOX is already there: only STARRED is a change
    const spam = s.addMessage({ labelIds: ['SPAM', 'UNREAD'] });
    s.modifyLabels(spam.id, { remove: ['SPAM'], add: ['INBOX'] });
    s.deleteMessage(spam.id);

    const all = (await gmail.users.history.list({ userId: 'me', startHistoryId: start })).data.history ?? [];
    const kinds = all.map((h) =>
      h.messagesAdded ? 'added' : h.messagesDeleted ? 'deleted' : h.labelsAdded ? 'labelAdded' : 'labelRemoved',
    );
    assert.deepEqual(kinds, ['added', 'labelRemoved', 'labelAdded', 'added', 'labelRemoved', 'labelAdded', 'deleted']);
    assert.deepEqual(all[2]?.labelsAdded, [
      { message: { id: inbox.id, threadId: inbox.threadId, labelIds: ['INBOX', 'STARRED'] }, labelIds: ['STARRED'] },
    ]);
    assert.deepEqual(all[1]?.labelsRemoved?.[0]?.labelIds, ['UNREAD']);
    assert.deepEqual(all[6]?.messagesDeleted, [{ message: { id: spam.id, threadId: spam.threadId } }]);
    assert.ok(
      all.every((h) => h.messages?.length === 1 && h.id),
      'each record lists its message and has an id',
    );

    const labelsOnly = await gmail.users.history.list({
      userId: 'me',
      startHistoryId: start,
      historyTypes: ['labelAdded'],
    });
    assert.equal(labelsOnly.data.history?.length, 2);
    assert.ok(labelsOnly.data.history?.every((h) => h.labelsAdded && !h.messagesAdded));

    const inInbox = await gmail.users.history.list({
      userId: 'me',
      startHistoryId: start,
      historyTypes: ['messageAdded', 'labelAdded'],
      labelId: 'INBOX',
    });
    const seen = (inInbox.data.history ?? []).map((h) => [
      h.messagesAdded?.[0]?.message?.id ?? h.labelsAdded?.[0]?.message?.id,
      h.labelsAdded?.[0]?.labelIds?.join() ?? 'added',
    ]);
    // The star on the inbox message comes back under labelId=INBOX too: labelId filters by the message's labels.
    assert.deepEqual(seen, [
      [inbox.id, 'added'],
      [inbox.id, 'STARRED'],
      [spam.id, 'INBOX'],
    ]);

    await assert.rejects(
      gmail.users.history.list({ userId: 'me', startHistoryId: start, historyTypes: ['labelsAdded'] }),
      (err: { status?: number }) => err.status === 400,
      'the enum is labelAdded; a misspelt type is refused, not ignored',
    );
  });

  it('mail rescued from Spam, or moved back into the inbox from the archive, becomes a task', async () => {
    const spam = s.addMessage({ labelIds: ['SPAM', 'UNREAD'], date: now.getTime() - DAY });
    const archived = s.addMessage({ labelIds: [], date: now.getTime() - 30 * DAY });
    assert.equal(await written(), 0, 'the first run: neither is in the inbox');
    s.modifyLabels(spam.id, { remove: ['SPAM'], add: ['INBOX'] });
    s.modifyLabels(archived.id, { add: ['INBOX'] }); // a filter or the owner moves it back
    assert.equal(await written(), 2);
    assert.deepEqual(censusProblems(await watchCensus(root, 'EMAIL_'), [`gmail:${spam.id}`, `gmail:${archived.id}`]), {
      twice: [],
      missing: [],
      extra: [],
    });
  });

  it('read/unread, stars and importance on known inbox mail, and the owner’s sent mail and drafts, are no new work', async () => {
    const old = s.addMessage({ date: now.getTime() - 30 * DAY }); // in the inbox, outside GMAIL_QUERY
    assert.equal(await written(), 0);
    s.modifyLabels(old.id, { remove: ['UNREAD'] });
    s.modifyLabels(old.id, { add: ['UNREAD', 'STARRED', 'IMPORTANT'] });
    s.addMessage({ labelIds: ['SENT', 'INBOX'], from: 'owner@example.com', to: 'owner@example.com' }); // to self
    const draft = s.addMessage({ labelIds: ['DRAFT'] });
    s.modifyLabels(draft.id, { add: ['INBOX'] });
    assert.equal(await written(), 0);
    assert.equal((await watchCensus(root, 'EMAIL_')).size, 0);
  });

  it('a message that leaves the inbox and comes back makes one task only', async () => {
    await written();
    const m = s.addMessage();
    assert.equal(await written(), 1);
    s.modifyLabels(m.id, { remove: ['INBOX'] });
    assert.equal(await written(), 0);
    s.modifyLabels(m.id, { add: ['INBOX'] });
    const back = await runner().tick();
    assert.deepEqual(back, { status: 'ok', written: 0, skipped: 1 }, 'seen again, and known by its task id');
    assert.deepEqual(censusProblems(await watchCensus(root, 'EMAIL_'), [`gmail:${m.id}`]), {
      twice: [],
      missing: [],
      extra: [],
    });
  });
});
