import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { ApprovalDoc } from '../../src/core/actions/approval-file.js';
import { replyPlanFor } from '../../src/core/actions/reply-plan.js';
import { sendEmailHandler } from '../../src/core/actions/reply-actions.js';
import { silentLogger } from '../../src/core/log.js';
import { failureOf } from '../../src/core/providers/errors.js';
import { createGmailClient } from '../../src/core/providers/gmail-client.js';
import { sendGmailReply } from '../../src/core/providers/gmail-reply.js';
import { parseTaskText } from '../../src/core/vault/frontmatter.js';
import { gmailSource } from '../../src/daemons/watchers/gmail.js';
import { WatcherRunner } from '../../src/daemons/watchers/runner.js';
import { startGmailStandin, type GmailStandin } from '../../src/sandbox/gmail/server.js';
import { openTestVault, tempVaultDir } from '../helpers/vault.js';

/**
 * Gmail threads a sent message only when the request names the thread, In-Reply-To/References name a message
 * of it, and the subjects match; otherwise the mail still goes out, in a new thread, and the customer's
 * conversation splits. An unknown thread id is Gmail's 404. The approved reply, built from the watcher's task
 * by the same plan and handler the executor uses, must land in the customer's thread.
 */
describe('gmail replies thread like Gmail', () => {
  let s: GmailStandin;
  let root: string;
  let stateDir: string;
  const client = () =>
    createGmailClient({ apiUrl: `${s.url}/`, tokenUrl: s.tokenUrl, credentials: s.credentials, timeoutMs: 5000 });

  beforeEach(async () => {
    s = await startGmailStandin();
    root = await tempVaultDir('gmail-thread-');
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'gmail-thread-state-'));
  });
  afterEach(async () => {
    await s.close();
    await rm(root, { recursive: true, force: true });
    await rm(stateDir, { recursive: true, force: true });
  });

  it('the approved reply to a follow-up, from the watcher’s task, lands in the customer’s thread', async () => {
    const first = s.addMessage({ from: 'Åsa <asa@example.com>', subject: 'Größe der Stühle', messageId: '<a1@ex>' });
    const vault = await openTestVault(root, 'cloud');
    const runner = () =>
      new WatcherRunner({
        source: gmailSource({ client: client(), query: 'in:inbox', label: 'INBOX', logger: silentLogger() }),
        vault,
        stateDir,
        logger: silentLogger(),
        credentials: 'c',
      });
    await runner().tick();
    // The customer writes again in the same conversation; her client threads it by References.
    const followUp = s.addMessage({
      from: 'Åsa <asa@example.com>',
      subject: 'Re: Größe der Stühle',
      threadId: first.threadId,
      messageId: '<a2@ex>',
      references: '<a1@ex>',
    });
    assert.equal((await runner().tick()).status, 'ok');
    const name = `EMAIL_${followUp.id}.md`;
    assert.ok((await readdir(path.join(root, 'Needs_Action'))).includes(name));
    const task = parseTaskText(await readFile(path.join(root, 'Needs_Action', name), 'utf8')).data;
    const plan = replyPlanFor(task);
    assert.ok(plan);
    const approval = { params: plan.params, sendText: 'Hej Åsa, 45 cm.' } as ApprovalDoc;
    const done = await sendEmailHandler(client()).execute(approval);
    assert.equal(s.sent.length, 1);
    const sent = s.sent[0];
    assert.equal(sent?.notThreaded, undefined, sent?.notThreaded);
    assert.equal(sent?.threadId, first.threadId, 'in the customer’s thread');
    assert.equal(done['thread_id'], first.threadId);
    assert.deepEqual(await runner().tick(), { status: 'ok', written: 0, skipped: 0 }, 'our own reply is no task');
  });

  it('a reply that breaks a threading rule goes out in a new thread, as Gmail does', async () => {
    const original = s.addMessage({ subject: 'Invoice 17', messageId: '<inv17@ex>' });
    const other = s.addMessage({ subject: 'Invoice 18', messageId: '<inv18@ex>' });
    const base = { to: 'c@example.com', body: 'Paid.', threadId: original.threadId };
    const wrongSubject = await sendGmailReply(client(), { ...base, subject: 'Payment', inReplyTo: '<inv17@ex>' });
    assert.notEqual(wrongSubject.threadId, original.threadId);
    const wrongParent = await sendGmailReply(client(), { ...base, subject: 'Invoice 17', inReplyTo: '<inv18@ex>' });
    assert.notEqual(wrongParent.threadId, original.threadId);
    assert.notEqual(wrongParent.threadId, other.threadId);
    const right = await sendGmailReply(client(), { ...base, subject: 'RE: invoice 17', inReplyTo: '<inv17@ex>' });
    assert.equal(right.threadId, original.threadId, 'prefixes and case do not matter');
    assert.deepEqual(
      s.sent.map((m) => m.notThreaded),
      ['the subject does not match the thread', 'In-Reply-To/References name no message of the thread', undefined],
    );
  });

  it('an unknown thread id: Gmail’s 404, nothing sent, and an error that says which thread', async () => {
    const reply = { to: 'c@example.com', subject: 'Hi', body: 'b', inReplyTo: '<x@ex>' };
    const unknown = await sendGmailReply(client(), { ...reply, threadId: '18cffffffffffff0' }).catch((e: unknown) => e);
    assert.equal(failureOf(unknown)?.reason, 'not_found');
    assert.match(String((unknown as Error).message), /18cffffffffffff0/);
    const malformed = await sendGmailReply(client(), { ...reply, threadId: 'not-a-thread' }).catch((e: unknown) => e);
    assert.equal(failureOf(malformed)?.reason, 'rejected');
    assert.equal(s.sent.length, 0);
  });
});
