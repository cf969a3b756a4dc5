import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { executeApproved } from '../../src/core/actions/executor.js';
import { ExecutionLedger } from '../../src/core/actions/ledger.js';
import { sendEmailHandler } from '../../src/core/actions/reply-actions.js';
import { isAppError } from '../../src/core/errors.js';
import { isBusyError } from '../../src/core/vault/busy.js';
import { createGmailClient } from '../../src/core/providers/gmail-client.js';
import { claimPath } from '../../src/core/vault/claim.js';
import { parseTaskText } from '../../src/core/vault/frontmatter.js';
import { runDraftWorkerOnce } from '../../src/daemons/workers/draft-worker.js';
import { templateDrafter } from '../../src/daemons/workers/drafting.js';
import { startGmailStandin } from '../../src/sandbox/gmail/server.js';
import { simulateWindowsHeldFiles, type HeldFiles } from '../helpers/held-files.js';
import { openTestVault, ownerMovesToApproved, seedEmailTask, tempVaultDir } from '../helpers/vault.js';

/**
 * Issue 16: on Windows, a file that Obsidian (or a virus scanner) holds open cannot be renamed or deleted; Node
 * says EPERM or EBUSY. A move must wait that out, and when it cannot, leave the file where it was: never lost,
 * never in two places, never done twice.
 */
const list = async (root: string, folder: string) =>
  (await readdir(path.join(root, folder))).filter((n) => n.endsWith('.md')).sort();

describe('a vault file held open by another program (Windows)', () => {
  let held: HeldFiles;
  beforeEach(() => {
    held = simulateWindowsHeldFiles();
  });
  afterEach(() => held.restore());

  it('a claim waits until the note is let go, then moves it once', async () => {
    const root = await tempVaultDir('held-');
    await seedEmailTask(root, 1);
    held.hold('EMAIL_1.md', { times: 3, code: 'EBUSY' });
    const cloud = await openTestVault(root, 'cloud');
    const claimed = await claimPath(cloud.ctx, 'Needs_Action/EMAIL_1.md');
    assert.equal(claimed.path, 'In_Progress/cloud/EMAIL_1.md');
    assert.deepEqual(held.refused, ['rename EMAIL_1.md', 'rename EMAIL_1.md', 'rename EMAIL_1.md']);
    assert.deepEqual(held.waitsMs, [25, 50, 100], 'backoff, growing');
    assert.deepEqual(await list(root, 'Needs_Action'), []);
    assert.deepEqual(await list(root, 'In_Progress/cloud'), ['EMAIL_1.md']);
  });

  it('a claim of a note that stays held fails with a clear reason, and the task stays in its queue', async () => {
    const root = await tempVaultDir('held-');
    await seedEmailTask(root, 2);
    held.hold('EMAIL_2.md');
    const cloud = await openTestVault(root, 'cloud');
    const err = await claimPath(cloud.ctx, 'Needs_Action/EMAIL_2.md').then(
      () => assert.fail('the claim should not succeed'),
      (e: unknown) => e,
    );
    assert.ok(isAppError(err), 'an AppError, never a raw EPERM');
    assert.equal(err.code, 'timeout');
    assert.match(err.message, /open in another program/);
    assert.deepEqual(await list(root, 'Needs_Action'), ['EMAIL_2.md']);
    assert.deepEqual(await readdir(path.join(root, 'In_Progress/cloud')), ['.gitkeep'], 'no take left behind');

    held.release('EMAIL_2.md');
    const claimed = await claimPath(cloud.ctx, 'Needs_Action/EMAIL_2.md');
    assert.equal(claimed.path, 'In_Progress/cloud/EMAIL_2.md', 'claimed once the note is closed');
  });

  it('picking the next task passes over a held one instead of stopping', async () => {
    const root = await tempVaultDir('held-');
    await seedEmailTask(root, 6);
    await seedEmailTask(root, 7);
    held.hold('EMAIL_6.md');
    const cloud = await openTestVault(root, 'cloud');
    const claimed = await cloud.claim({});
    assert.equal(claimed.path, 'In_Progress/cloud/EMAIL_7.md');
    assert.deepEqual(await list(root, 'Needs_Action'), ['EMAIL_6.md']);
  });

  it('EPERM means a held file only on Windows; elsewhere it is a real permission error, not waited on', () => {
    const eperm = Object.assign(new Error('EPERM'), { code: 'EPERM' });
    assert.equal(isBusyError(eperm, 'win32'), true);
    assert.equal(isBusyError(eperm, 'linux'), false);
    assert.equal(isBusyError(eperm, 'darwin'), false);
    assert.equal(isBusyError(Object.assign(new Error('EBUSY'), { code: 'EBUSY' }), 'linux'), true);
    assert.equal(isBusyError(Object.assign(new Error('ENOENT'), { code: 'ENOENT' }), 'win32'), false);
  });

  it('a release whose task stays held is finished by recovery once the note is closed, with one copy', async () => {
    const root = await tempVaultDir('held-');
    await seedEmailTask(root, 3);
    const cloud = await openTestVault(root, 'cloud');
    await claimPath(cloud.ctx, 'Needs_Action/EMAIL_3.md');
    // Held only against deletion, and the hold follows the file to its new name: the move's link works, its
    // unlink and the undo of the link do not. Both names are one file, the state a crash mid-move leaves.
    held.hold('EMAIL_3.md', { only: 'unlink' });
    await assert.rejects(
      cloud.release('In_Progress/cloud/EMAIL_3.md', 'try later'),
      /finished by "ai-employee recover"/,
    );
    assert.deepEqual(await list(root, 'In_Progress/cloud'), ['EMAIL_3.md']);
    assert.deepEqual(await list(root, 'Needs_Action'), ['EMAIL_3.md']);
    held.release('EMAIL_3.md');
    // Recovery leaves a move younger than a minute to the process that may still be making it.
    const later = await openTestVault(root, 'cloud', { clock: () => new Date(Date.now() + 3_600_000) });
    const report = await later.recover();
    assert.equal(report.completedMoves, 1);
    assert.deepEqual(await list(root, 'In_Progress/cloud'), []);
    assert.deepEqual(await list(root, 'Needs_Action'), ['EMAIL_3.md'], 'released once, nothing lost');
    const task = parseTaskText(await readFile(path.join(root, 'Needs_Action/EMAIL_3.md'), 'utf8')).data;
    assert.equal(task['status'], 'new');
  });

  it('a move held only for a moment is waited out: the link is never left behind', async () => {
    const root = await tempVaultDir('held-');
    await seedEmailTask(root, 5);
    const cloud = await openTestVault(root, 'cloud');
    await claimPath(cloud.ctx, 'Needs_Action/EMAIL_5.md');
    held.hold('EMAIL_5.md', { only: 'unlink', times: 2 });
    await cloud.release('In_Progress/cloud/EMAIL_5.md', 'try later');
    assert.deepEqual(held.refused, ['unlink EMAIL_5.md', 'unlink EMAIL_5.md']);
    assert.deepEqual(await list(root, 'In_Progress/cloud'), []);
    assert.deepEqual(await list(root, 'Needs_Action'), ['EMAIL_5.md']);
  });

  it('an approved email is sent once; a filing cut short by a held note is finished on the next pass', async () => {
    const gmail = await startGmailStandin();
    try {
      const original = gmail.addMessage({ from: 'Ann <ann@example.com>', subject: 'Hours', messageId: '<h@x>' });
      const root = await tempVaultDir('held-');
      await seedEmailTask(root, 4, 'Needs_Action', {
        from: 'Ann <ann@example.com>',
        subject: 'Hours',
        thread_id: original.threadId,
        message_id: '<h@x>',
      });
      held.restore(); // the cloud side runs on Linux: nothing is held there
      await runDraftWorkerOnce(await openTestVault(root, 'cloud'), templateDrafter());
      const name = 'EMAIL_SEND_EMAIL_4.md';
      await ownerMovesToApproved(root, name);
      held = simulateWindowsHeldFiles();

      const client = createGmailClient({
        apiUrl: gmail.url,
        tokenUrl: gmail.tokenUrl,
        credentials: gmail.credentials,
        timeoutMs: 5000,
      });
      const local = await openTestVault(root, 'local');
      const state = await mkdtemp(path.join(os.tmpdir(), 'held-state-'));
      const deps = {
        ctx: local.ctx,
        ledger: new ExecutionLedger(path.join(state, 'executions')),
        handlers: [sendEmailHandler(client)],
      };
      // The owner still has the approval open in Obsidian when the executor runs it.
      held.hold(name);
      await assert.rejects(executeApproved(deps, `Approved/${name}`), /open in another program/);
      assert.equal(gmail.sent.length, 1, 'sent once');
      assert.deepEqual(await list(root, 'Approved'), [name], 'still in Approved/, in one piece');
      assert.deepEqual(await list(root, 'Done'), []);

      held.release(name);
      const outcome = await executeApproved(deps, `Approved/${name}`);
      assert.equal(outcome.status, 'executed');
      assert.equal(outcome.filedAt, `Done/${name}`);
      assert.equal(gmail.sent.length, 1, 'finishing the filing sends nothing');
      const filed = parseTaskText(await readFile(path.join(root, 'Done', name), 'utf8')).data;
      assert.equal(filed['status'], 'executed');
      assert.equal(filed['result_message_id'], gmail.sent[0]!.id);
      assert.deepEqual(await list(root, 'Approved'), []);

      // Filed now: the same approval again (the owner drags it back) is refused as run before, not sent.
      assert.equal(
        (await deps.ledger.get(ExecutionLedger.keyOf(String(filed['id']), String(filed['created']))))?.filed,
        true,
      );
    } finally {
      await gmail.close();
    }
  });
});
