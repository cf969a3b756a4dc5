import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { normaliseApprovalText } from '../../src/core/vault/approval-text.js';
import { approvalContentHash } from '../../src/core/vault/approval-actions.js';
import { newTaskText, parseTaskText } from '../../src/core/vault/frontmatter.js';
import { runDraftWorkerOnce } from '../../src/daemons/workers/draft-worker.js';
import { commandDrafter, templateDrafter } from '../../src/daemons/workers/drafting.js';
import { openTestVault, seedEmailTask, tempVaultDir } from '../helpers/vault.js';

const read = async (root: string, rel: string) => parseTaskText(await readFile(path.join(root, rel), 'utf8'));

test('an email becomes a template draft and a send_email approval that replies in its thread', async () => {
  const root = await tempVaultDir();
  await seedEmailTask(root, 1, 'Needs_Action', {
    from: 'Ann Example <ann@example.com>',
    thread_id: 't-1',
    message_id: '<m1@example.com>',
  });
  const vault = await openTestVault(root, 'cloud');
  assert.deepEqual(await runDraftWorkerOnce(vault, templateDrafter()), {
    drafted: 1,
    noted: 0,
    released: 0,
    failed: 0,
  });

  const draft = await read(root, 'Needs_Action/cloud/DRAFT_EMAIL_1.md');
  assert.match(draft.body, /TEMPLATE — not written by an AI/);
  assert.match(draft.body, /> Hello, this is message 1\./, 'the message is quoted');
  const approval = await read(root, 'Pending_Approval/EMAIL_SEND_EMAIL_1.md');
  assert.equal(approval.data['action'], 'send_email');
  assert.equal(approval.data['to'], 'ann@example.com');
  assert.equal(approval.data['subject'], 'Re: Question 1');
  assert.equal(approval.data['thread_id'], 't-1');
  assert.equal(approval.data['in_reply_to'], '<m1@example.com>');
  const params = {
    to: 'ann@example.com',
    subject: 'Re: Question 1',
    thread_id: 't-1',
    in_reply_to: '<m1@example.com>',
  };
  assert.equal(
    approval.data['content_sha256'],
    approvalContentHash('send_email', params, normaliseApprovalText(draft.body)),
  );
  assert.equal((await read(root, 'In_Progress/cloud/EMAIL_1.md')).data['status'], 'awaiting_approval');
  assert.deepEqual(
    await runDraftWorkerOnce(vault, templateDrafter()),
    { drafted: 0, noted: 0, released: 0, failed: 0 },
    'nothing twice',
  );
});

test('the drafting command gets the task on stdin and its stdout is the draft; social items become publish_reply', async () => {
  const root = await tempVaultDir();
  await writeFile(
    path.join(root, 'Needs_Action', 'TWEET_99.md'),
    newTaskText(
      { id: 'x:99', type: 'tweet', created: '2026-11-26T09:00:00Z', author: '@carol', text: 'Do you ship to Spain?' },
      'Do you ship to Spain?',
    ),
  );
  const vault = await openTestVault(root, 'cloud');
  const drafter = commandDrafter('grep -c "ship" >/dev/null && printf "Yes, we do! (for %s)" "$TASK_PATH"', 10_000);
  assert.equal((await runDraftWorkerOnce(vault, drafter)).drafted, 1);
  assert.equal(
    (await read(root, 'Needs_Action/cloud/DRAFT_TWEET_99.md')).body.trim(),
    'Yes, we do! (for In_Progress/cloud/TWEET_99.md)',
  );
  const approval = await read(root, 'Pending_Approval/SOCIAL_REPLY_TWEET_99.md');
  assert.equal(approval.data['action'], 'publish_reply');
  assert.equal(approval.data['platform'], 'x');
  assert.equal(approval.data['target_id'], '99');
});

test('a failing or hanging drafting command releases the task with backoff, then Failed/ after the attempts limit', async () => {
  const root = await tempVaultDir();
  await seedEmailTask(root, 5);
  const vault = await openTestVault(root, 'cloud', { lease: { minutes: 30, maxAttempts: 2 } });
  const hanging = commandDrafter('sleep 30', 200);
  assert.deepEqual(await runDraftWorkerOnce(vault, hanging), { drafted: 0, noted: 0, released: 1, failed: 0 });
  const released = await read(root, 'Needs_Action/EMAIL_5.md');
  assert.match(String(released.data['last_release_reason']), /did not finish within/);
  assert.ok(String(released.data['retry_after']) > new Date().toISOString(), 'backoff: not before retry_after');
  assert.deepEqual(
    await runDraftWorkerOnce(vault, hanging),
    { drafted: 0, noted: 0, released: 0, failed: 0 },
    'waits for retry_after',
  );

  const later = await openTestVault(root, 'cloud', {
    lease: { minutes: 30, maxAttempts: 2 },
    clock: () => new Date(Date.now() + 3_600_000),
  });
  assert.deepEqual(await runDraftWorkerOnce(later, commandDrafter('echo broken >&2; exit 3', 5_000)), {
    drafted: 0,
    noted: 0,
    released: 0,
    failed: 1,
  });
  const failed = await read(root, 'Failed/EMAIL_5.md');
  assert.match(String(failed.data['failed_reason']), /exited with 3: broken/);
  assert.deepEqual(await readdir(path.join(root, 'Pending_Approval')), ['.gitkeep'], 'no approval for a failed draft');
});

test('a dropped file gets a note for the owner and is done', async () => {
  const root = await tempVaultDir();
  await writeFile(
    path.join(root, 'Needs_Action', 'FILE_abc.md'),
    newTaskText(
      {
        id: 'file:abc',
        type: 'file_drop',
        created: '2026-11-26T09:00:00Z',
        file_name: 'contract.pdf',
        size: 1234,
        sha256: 'a'.repeat(64),
      },
      'A file was dropped in Inbox/.',
    ),
  );
  const vault = await openTestVault(root, 'cloud');
  assert.deepEqual(await runDraftWorkerOnce(vault, templateDrafter()), {
    drafted: 0,
    noted: 1,
    released: 0,
    failed: 0,
  });
  assert.equal((await read(root, 'Done/FILE_abc.md')).data['outcome'], 'noted for the owner');
  assert.equal((await readdir(path.join(root, 'Updates'))).filter((n) => n.endsWith('.md')).length, 1);
});
