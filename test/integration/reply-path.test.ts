import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { ExecutionOutcome } from '../../src/core/actions/executor.js';
import { ExecutionLedger } from '../../src/core/actions/ledger.js';
import { sendEmailHandler } from '../../src/core/actions/reply-actions.js';
import { silentLogger } from '../../src/core/log.js';
import { createGmailClient } from '../../src/core/providers/gmail-client.js';
import { parseTaskText } from '../../src/core/vault/frontmatter.js';
import { gmailSource } from '../../src/daemons/watchers/gmail.js';
import { WatcherRunner } from '../../src/daemons/watchers/runner.js';
import { runDraftWorkerOnce } from '../../src/daemons/workers/draft-worker.js';
import { templateDrafter } from '../../src/daemons/workers/drafting.js';
import { startLocalExecutor } from '../../src/daemons/workers/local-executor.js';
import { startGmailStandin } from '../../src/sandbox/gmail/server.js';
import { openTestVault, tempVaultDir } from '../helpers/vault.js';

/**
 * The reply path end to end on one vault, every step by the real component: a mail arrives at the Gmail
 * stand-in → the Gmail watcher (real client library) writes its task → the cloud draft worker (template) writes
 * the draft and the approval request → the owner moves the request to Approved/ → the local executor daemon
 * (chokidar on Approved/, the send_email handler, the real Gmail client) sends it. The stand-in must have
 * received exactly one reply, in the original's thread, with the draft's text; approving the same file again
 * (the executed copy put back into Approved/) sends nothing.
 */

const mdFiles = async (root: string, folder: string) =>
  (await readdir(path.join(root, folder))).filter((n) => n.endsWith('.md')).sort();

/** Outcomes of the executor daemon, awaited one at a time with a bound (no sleeping). */
function outcomeQueue() {
  const outcomes: ExecutionOutcome[] = [];
  let wake: (() => void) | undefined;
  return {
    push(o: ExecutionOutcome) {
      outcomes.push(o);
      wake?.();
    },
    async next(timeoutMs = 15_000): Promise<ExecutionOutcome> {
      const deadline = Date.now() + timeoutMs;
      while (outcomes.length === 0) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no executor outcome within ${timeoutMs} ms`);
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, left);
        });
        clearTimeout(timer);
        wake = undefined;
      }
      return outcomes.shift()!;
    },
    get pending() {
      return outcomes.length;
    },
  };
}

test('a mail in the stand-in → task → draft and approval → Approved/ → exactly one reply in its thread; again → none', async () => {
  const gmail = await startGmailStandin();
  const root = await tempVaultDir('reply-path-');
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'reply-path-state-'));
  const client = () =>
    createGmailClient({
      apiUrl: `${gmail.url}/`,
      tokenUrl: gmail.tokenUrl,
      credentials: gmail.credentials,
      timeoutMs: 5000,
    });
  try {
    // A mail in an existing thread (its thread id differs from its own id), as a customer's follow-up would be.
    const original = gmail.addMessage({
      from: 'Ann Smith <ann@example.com>',
      subject: 'Opening hours on Sunday',
      snippet: 'Hello, are you open on Sunday afternoon? Thanks, Ann',
      threadId: '18c00000000abc01',
      messageId: '<sunday-question@mail.example.com>',
    });
    assert.notEqual(original.threadId, original.id);

    // 1. Cloud: the Gmail watcher writes the task.
    const cloud = await openTestVault(root, 'cloud');
    const watcher = new WatcherRunner({
      source: gmailSource({ client: client(), query: 'in:inbox', label: 'INBOX', logger: silentLogger() }),
      vault: cloud,
      stateDir,
      logger: silentLogger(),
      credentials: 'sandbox',
    });
    assert.deepEqual(await watcher.tick(), { status: 'ok', written: 1, skipped: 0 });
    const taskName = `EMAIL_${original.id}.md`;
    assert.deepEqual(await mdFiles(root, 'Needs_Action'), [taskName]);
    const task = parseTaskText(await readFile(path.join(root, 'Needs_Action', taskName), 'utf8')).data;
    assert.equal(task['id'], `gmail:${original.id}`);
    assert.equal(task['thread_id'], original.threadId);
    assert.equal(task['message_id'], '<sunday-question@mail.example.com>');

    // 2. Cloud: the draft worker writes the draft and the approval request; the task awaits the owner.
    const report = await runDraftWorkerOnce(cloud, templateDrafter());
    assert.deepEqual(report, { drafted: 1, noted: 0, released: 0, failed: 0 });
    const approvalName = `EMAIL_SEND_EMAIL_${original.id}.md`;
    const draftRel = `Needs_Action/cloud/DRAFT_EMAIL_${original.id}.md`;
    assert.deepEqual(await mdFiles(root, 'Pending_Approval'), [approvalName]);
    const approval = parseTaskText(await readFile(path.join(root, 'Pending_Approval', approvalName), 'utf8')).data;
    assert.equal(approval['action'], 'send_email');
    assert.equal(approval['draft'], draftRel);
    const draftBody = parseTaskText(await readFile(path.join(root, draftRel), 'utf8')).body.trim();
    assert.match(draftBody, /TEMPLATE/);
    assert.match(draftBody, /are you open on Sunday afternoon/, 'the template quotes the message');
    assert.equal(gmail.sent.length, 0, 'nothing is sent before the owner approves');

    // 3. Local: the executor daemon watches Approved/; the owner moves the request there, as in Obsidian.
    const local = await openTestVault(root, 'local');
    const ledgerDir = await mkdtemp(path.join(os.tmpdir(), 'reply-path-ledger-'));
    const outcomes = outcomeQueue();
    const executor = startLocalExecutor(
      {
        ctx: local.ctx,
        ledger: new ExecutionLedger(path.join(ledgerDir, 'executions')),
        handlers: [sendEmailHandler(client())],
        limit: { hourly: 20, actions: ['send_email', 'publish_reply'] },
      },
      { logger: silentLogger(), onOutcome: (o) => outcomes.push(o) },
    );
    try {
      await executor.ready;
      assert.equal(outcomes.pending, 0, 'an empty Approved/ at start: nothing to do');
      await rename(path.join(root, 'Pending_Approval', approvalName), path.join(root, 'Approved', approvalName));
      const first = await outcomes.next();
      assert.equal(first.status, 'executed', first.reason);
      assert.equal(first.filedAt, `Done/${approvalName}`);

      assert.equal(gmail.sent.length, 1, 'exactly one mail reached Gmail');
      const sent = gmail.sent[0]!;
      assert.equal(sent.threadId, original.threadId, 'in the original thread');
      assert.equal(sent.decoded.headers['in-reply-to'], '<sunday-question@mail.example.com>');
      assert.match(sent.decoded.headers['references'] ?? '', /<sunday-question@mail\.example\.com>/);
      assert.match(sent.decoded.headers['to'] ?? '', /ann@example\.com/);
      assert.equal(sent.decoded.headers['subject'], 'Re: Opening hours on Sunday');
      assert.equal(sent.decoded.text.trim(), draftBody, "the draft's text, unchanged");
      assert.equal(first.result?.['message_id'], sent.id);
      const filedTask = parseTaskText(await readFile(path.join(root, 'Done', taskName), 'utf8')).data;
      assert.equal(filedTask['status'], 'done');

      // 4. The same approval once more: the executed copy put back into Approved/. Why the rescan: chokidar
      // (atomic) reports a file that reappears within 100 ms of its removal as a change, not an add; the daemon's
      // periodic rescan (every 30 s) is what hands it over then. Either way it must be refused.
      await copyFile(path.join(root, 'Done', approvalName), path.join(root, 'Approved', approvalName));
      await executor.rescan();
      const again = [await outcomes.next()];
      await executor.idle();
      while (outcomes.pending > 0) again.push(await outcomes.next());
      for (const o of again) {
        assert.notEqual(o.status, 'executed');
        assert.match(o.reason ?? '', /already executed/);
      }
      assert.deepEqual(await mdFiles(root, 'Approved'), [], 'the refused copy is filed away, not left to retry');
      assert.equal(gmail.sent.length, 1, 'approving the same file again sends nothing');
      assert.equal(gmail.received.filter((r) => r.path.endsWith('/messages/send')).length, 1);
    } finally {
      await executor.close();
      await rm(ledgerDir, { recursive: true, force: true });
    }
  } finally {
    await gmail.close();
    await rm(root, { recursive: true, force: true });
    await rm(stateDir, { recursive: true, force: true });
  }
});
