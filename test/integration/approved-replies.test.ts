import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ExecutionLedger } from '../../src/core/actions/ledger.js';
import { publishReplyHandler, sendEmailHandler } from '../../src/core/actions/reply-actions.js';
import { createGmailClient } from '../../src/core/providers/gmail-client.js';
import { createXClient } from '../../src/core/providers/x-client.js';
import { newTaskText, parseTaskText } from '../../src/core/vault/frontmatter.js';
import { runDraftWorkerOnce } from '../../src/daemons/workers/draft-worker.js';
import { templateDrafter } from '../../src/daemons/workers/drafting.js';
import { startGmailStandin } from '../../src/sandbox/gmail/server.js';
import { startXStandin } from '../../src/sandbox/x/server.js';
import { connectInProcess, textOf } from '../helpers/mcp-client.js';
import { openTestVault, ownerMovesToApproved, seedEmailTask, tempVaultDir } from '../helpers/vault.js';

async function executorFor(
  root: string,
  handlers: Parameters<typeof publishReplyHandler>[0] | 'none',
  gmail?: ReturnType<typeof createGmailClient>,
) {
  const local = await openTestVault(root, 'local');
  const state = await mkdtemp(path.join(os.tmpdir(), 'replies-state-'));
  const list = [];
  if (gmail) list.push(sendEmailHandler(gmail));
  if (handlers !== 'none') list.push(publishReplyHandler(handlers));
  return { ctx: local.ctx, ledger: new ExecutionLedger(path.join(state, 'executions')), handlers: list };
}

test('an approved email reply is sent once through the MCP tool send_email, in the thread, with the draft text', async () => {
  const gmail = await startGmailStandin();
  try {
    const original = gmail.addMessage({
      from: 'Ann <ann@example.com>',
      subject: 'Opening hours',
      messageId: '<q1@mail.example.com>',
    });
    const root = await tempVaultDir();
    await seedEmailTask(root, 1, 'Needs_Action', {
      from: 'Ann <ann@example.com>',
      subject: 'Opening hours',
      thread_id: original.threadId,
      message_id: '<q1@mail.example.com>',
    });
    await runDraftWorkerOnce(await openTestVault(root, 'cloud'), templateDrafter());
    // The owner approves by moving the file, as in Obsidian.
    const name = 'EMAIL_SEND_EMAIL_1.md';
    await ownerMovesToApproved(root, name);
    const client = createGmailClient({
      apiUrl: gmail.url,
      tokenUrl: gmail.tokenUrl,
      credentials: gmail.credentials,
      timeoutMs: 5000,
    });
    const conn = await connectInProcess(root, 'local', { deps: { executor: await executorFor(root, 'none', client) } });
    try {
      const result = await conn.call('send_email', { approval: `Approved/${name}` });
      assert.equal(result.isError, undefined, textOf(result));
      assert.equal(gmail.sent.length, 1, 'exactly one mail reached Gmail');
      const sent = gmail.sent[0]!;
      assert.equal(sent.threadId, original.threadId);
      assert.equal(sent.decoded.headers['in-reply-to'] ?? sent.decoded.headers['In-Reply-To'], '<q1@mail.example.com>');
      const draft = parseTaskText(
        await readFile(path.join(root, 'Needs_Action/cloud/DRAFT_EMAIL_1.md'), 'utf8'),
      ).body.trim();
      assert.equal(sent.decoded.text.trim(), draft, 'the approved draft text, unchanged');
      const done = parseTaskText(await readFile(path.join(root, 'Done', name), 'utf8')).data;
      assert.equal(done['result_message_id'], sent.id);
      assert.equal(parseTaskText(await readFile(path.join(root, 'Done', 'EMAIL_1.md'), 'utf8')).data['status'], 'done');

      const again = await conn.call('send_email', { approval: `Approved/${name}` });
      assert.equal(again.isError, true, 'the approval is gone from Approved/: nothing is sent twice');
      assert.equal(gmail.sent.length, 1);
    } finally {
      await conn.close();
    }
  } finally {
    await gmail.close();
  }
});

test('an approved X reply is posted once; a platform without credentials is refused with its reason', async () => {
  const x = await startXStandin();
  try {
    const root = await tempVaultDir();
    await writeFile(
      path.join(root, 'Needs_Action', 'TWEET_77.md'),
      newTaskText(
        {
          id: 'x:77',
          type: 'tweet',
          created: '2026-11-26T09:00:00Z',
          author: '@bob',
          text: 'Open on Sunday?',
          reply_to_id: '77',
        },
        'Open on Sunday?',
      ),
    );
    await writeFile(
      path.join(root, 'Needs_Action', 'IG_5.md'),
      newTaskText(
        {
          id: 'instagram:5',
          type: 'instagram_comment',
          created: '2026-11-26T09:00:00Z',
          author: 'eve',
          reply_to_id: '5',
        },
        'Nice!',
      ),
    );
    await runDraftWorkerOnce(await openTestVault(root, 'cloud'), templateDrafter());
    for (const n of ['SOCIAL_REPLY_TWEET_77.md', 'SOCIAL_REPLY_IG_5.md']) await ownerMovesToApproved(root, n);
    const xClient = createXClient({ apiUrl: x.url, credentials: x.credentials, timeoutMs: 5000 });
    const conn = await connectInProcess(root, 'local', { deps: { executor: await executorFor(root, { x: xClient }) } });
    try {
      const posted = await conn.call('publish_reply', { approval: 'Approved/SOCIAL_REPLY_TWEET_77.md' });
      assert.equal(posted.isError, undefined, textOf(posted));
      assert.equal(x.posted.length, 1);
      assert.equal(x.posted[0]!.inReplyTo, '77');
      const refused = await conn.call('publish_reply', { approval: 'Approved/SOCIAL_REPLY_IG_5.md' });
      assert.equal(refused.isError, true);
      assert.match(textOf(refused), /No Instagram credentials/);
    } finally {
      await conn.close();
    }
  } finally {
    await x.close();
  }
});

test('an hourly limit on replies: over it, an approved reply waits in Approved/ and goes out in the next hour', async () => {
  const gmail = await startGmailStandin();
  try {
    const root = await tempVaultDir();
    for (const n of [1, 2]) {
      const m = gmail.addMessage({
        from: `C${n} <c${n}@example.com>`,
        subject: `Q${n}`,
        messageId: `<q${n}@mail.example.com>`,
      });
      await seedEmailTask(root, n, 'Needs_Action', {
        from: `c${n}@example.com`,
        subject: `Q${n}`,
        thread_id: m.threadId,
        message_id: `<q${n}@mail.example.com>`,
      });
    }
    await runDraftWorkerOnce(await openTestVault(root, 'cloud'), templateDrafter());
    for (const n of [1, 2]) await ownerMovesToApproved(root, `EMAIL_SEND_EMAIL_${n}.md`);
    const client = createGmailClient({
      apiUrl: gmail.url,
      tokenUrl: gmail.tokenUrl,
      credentials: gmail.credentials,
      timeoutMs: 5000,
    });
    const deps = {
      ...(await executorFor(root, 'none', client)),
      limit: { hourly: 1, actions: ['send_email', 'publish_reply'] },
    };
    const { executeApproved } = await import('../../src/core/actions/executor.js');
    assert.equal((await executeApproved(deps, 'Approved/EMAIL_SEND_EMAIL_1.md')).status, 'executed');
    const second = await executeApproved(deps, 'Approved/EMAIL_SEND_EMAIL_2.md');
    assert.equal(second.status, 'deferred');
    assert.match(second.reason ?? '', /hourly limit of 1/);
    assert.equal(gmail.sent.length, 1);
    assert.ok(
      (await readdir(path.join(root, 'Approved'))).includes('EMAIL_SEND_EMAIL_2.md'),
      'it waits where the owner put it',
    );

    const later = await openTestVault(root, 'local', { clock: () => new Date(Date.now() + 61 * 60_000) });
    const next = await executeApproved({ ...deps, ctx: later.ctx }, 'Approved/EMAIL_SEND_EMAIL_2.md');
    assert.equal(next.status, 'executed');
    assert.equal(gmail.sent.length, 2);
  } finally {
    await gmail.close();
  }
});
