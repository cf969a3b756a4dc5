import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { newTaskText, parseTaskText } from '../../src/core/vault/frontmatter.js';
import { ProcessGroup } from '../../src/cli/up/processes.js';
import { standinEnv, startStandins } from '../../src/cli/up/standins.js';
import { createWorkspace, type Workspace } from '../../src/cli/up/workspace.js';

const run = promisify(execFile);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(repo, 'dist/src/cli.js');

/** Polls until `probe` gives a value: real processes and git act on their own time. Bounded. */
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
const list = (dir: string) => readdir(dir).catch(() => [] as string[]);
const onRemote = async (ws: Workspace) =>
  (await run('git', ['--git-dir', ws.remote, 'ls-tree', '-r', '--name-only', 'main'])).stdout.split('\n');
const readLogLines = async (vault: string, role: string) => {
  const lines: string[] = [];
  for (const name of await list(path.join(vault, 'Logs')))
    if (name.endsWith(`.${role}.jsonl`))
      lines.push(...(await readFile(path.join(vault, 'Logs', name), 'utf8')).trim().split('\n'));
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
};
const auditActions = async (vault: string, role: string) =>
  (await readLogLines(vault, role)).map((l) => String(l['action_type']));

test(
  'the Platinum gate: mail and invoice arrive while Local is offline; Local comes back, the owner approves, the MCP tools act once; Done/ on both',
  { timeout: 240_000 },
  async () => {
    const ws = await createWorkspace(await mkdtemp(path.join(os.tmpdir(), 'platinum-')));
    const standins = await startStandins();
    const group = new ProcessGroup(cli, ws.logs);
    const base = {
      PATH: process.env['PATH'] ?? '',
      HOME: ws.root,
      LOG_LEVEL: 'info',
      VAULT_REMOTE: ws.remote,
      SYNC_INTERVAL_SECONDS: '1',
      GIT_COMMITTER_NAME: 'e2e',
      GIT_COMMITTER_EMAIL: 'e2e@example.invalid',
      ...standinEnv(standins),
    };
    const cloudEnv = {
      ...base,
      AGENT_ROLE: 'cloud',
      CLOUD_DRAFT_ONLY: 'true',
      VAULT_PATH: ws.cloudVault,
      AI_EMPLOYEE_STATE_DIR: ws.cloudState,
      WATCH_GMAIL_SCHEDULE: '*/1 * * * * *',
    };
    const localEnv = { ...base, AGENT_ROLE: 'local', VAULT_PATH: ws.localVault, AI_EMPLOYEE_STATE_DIR: ws.localState };
    let client: Client | undefined;
    try {
      assert.equal(await group.run('local-sync-init', ['sync', '--once'], localEnv), 0, 'local seeds the remote');
      assert.equal(await group.run('cloud-sync-init', ['sync', '--once'], cloudEnv), 0, 'cloud joins it');

      // Local is offline from here: only cloud runs.
      group.start('cloud-gmail-watcher', ['watch', 'gmail'], cloudEnv);
      group.start('cloud-draft-worker', ['worker', 'draft', '--interval', '1'], cloudEnv);
      group.start('cloud-odoo-mcp', ['worker', 'odoo', '--interval', '1'], cloudEnv);
      group.start('cloud-git-sync', ['sync'], cloudEnv);
      const mail = standins.gmail.addMessage({
        from: 'Dana <dana@example.com>',
        subject: 'Blue chairs?',
        snippet: 'Do you have 12 blue chairs?',
      });
      await writeFile(
        path.join(ws.cloudVault, 'Needs_Action/cloud/ODOO_DRAFT_INVOICE_e2e.md'),
        newTaskText(
          {
            id: 'invoice-req:e2e',
            type: 'odoo_draft_invoice',
            created: new Date().toISOString(),
            partner: { name: 'Dana', email: 'dana@example.com' },
            lines: [{ name: 'Blue chair', quantity: 12, price_unit: 45 }],
            currency: 'EUR',
          },
          'Invoice Dana.',
        ),
      );
      const [mailApproval, invoiceApproval] = await until('both approvals on the remote', async () => {
        const files = await onRemote(ws);
        const mailFile = files.find((f) => f.startsWith('Pending_Approval/EMAIL_SEND_'));
        const invoiceFile = files.find((f) => f.startsWith('Pending_Approval/ODOO_POST_INVOICE_'));
        return mailFile && invoiceFile ? [path.basename(mailFile), path.basename(invoiceFile)] : undefined;
      });
      assert.equal(standins.gmail.sent.length, 0, 'cloud sent nothing');
      assert.equal(
        standins.odoo.records('account.move').filter((r) => r['state'] === 'posted').length,
        0,
        'cloud posted nothing',
      );

      // Local comes back and pulls; the owner approves by moving the files, as in Obsidian.
      assert.equal(await group.run('local-sync-back', ['sync', '--once'], localEnv), 0);
      for (const name of [mailApproval, invoiceApproval])
        await rename(path.join(ws.localVault, 'Pending_Approval', name), path.join(ws.localVault, 'Approved', name));

      // Local acts through the MCP tools, called by a real MCP client over stdio.
      client = new Client({ name: 'platinum-e2e', version: '1.0.0' });
      await client.connect(
        new StdioClientTransport({ command: process.execPath, args: [cli, 'serve'], env: localEnv, stderr: 'ignore' }),
      );
      const sent = (await client.callTool({
        name: 'send_email',
        arguments: { approval: `Approved/${mailApproval}` },
      })) as CallToolResult;
      assert.equal(sent.isError, undefined, JSON.stringify(sent.content));
      const posted = (await client.callTool({
        name: 'odoo_post_invoice',
        arguments: { approval: `Approved/${invoiceApproval}` },
      })) as CallToolResult;
      assert.equal(posted.isError, undefined, JSON.stringify(posted.content));
      const invoiceNumber = String(
        (posted.structuredContent as { result: { invoice_number: string } }).result.invoice_number,
      );
      assert.match(invoiceNumber, /^INV\/\d{4}\/\d{5}$/);

      assert.equal(standins.gmail.sent.length, 1, 'exactly one reply');
      const reply = standins.gmail.sent[0]!;
      assert.equal(reply.threadId, mail.threadId, 'in the customer thread');
      const draftName = (await list(path.join(ws.localVault, 'Needs_Action/cloud'))).find((n) =>
        n.startsWith('DRAFT_EMAIL_'),
      )!;
      const draft = parseTaskText(
        await readFile(path.join(ws.localVault, 'Needs_Action/cloud', draftName), 'utf8'),
      ).body.trim();
      assert.equal(reply.decoded.text.trim(), draft, "the stand-in received the draft's text");

      // Local syncs; cloud's running sync pulls the result.
      assert.equal(await group.run('local-sync-done', ['sync', '--once'], localEnv), 0);
      const mailTask = draftName.replace(/^DRAFT_/, '');
      for (const vault of [ws.localVault, ws.cloudVault]) {
        await until(`Done/ filed in ${vault}`, async () => {
          const done = await list(path.join(vault, 'Done'));
          return [mailApproval, invoiceApproval, mailTask, 'ODOO_DRAFT_INVOICE_e2e.md'].every((n) => done.includes(n))
            ? true
            : undefined;
        });
      }
      const filedInvoice = parseTaskText(
        await readFile(path.join(ws.cloudVault, 'Done', 'ODOO_DRAFT_INVOICE_e2e.md'), 'utf8'),
      ).data;
      assert.equal(filedInvoice['result_invoice_number'], invoiceNumber, 'the invoice number is in Done/');

      const cloudAudit = await auditActions(ws.cloudVault, 'cloud');
      for (const step of ['task.claim', 'draft.write', 'approval.request', 'odoo.draft_invoice'])
        assert.ok(cloudAudit.includes(step), `cloud audit has ${step}`);
      const localAudit = await auditActions(ws.localVault, 'local');
      for (const step of ['execute.send_email', 'tool.send_email', 'execute.post_invoice', 'tool.odoo_post_invoice'])
        assert.ok(localAudit.includes(step), `local audit has ${step}`);
      assert.equal(standins.gmail.sent.length, 1, 'still exactly one reply');

      // Each role's log is an intact hash chain, and local's shows the owner's decision and the execution of each.
      for (const vault of [ws.localVault, ws.cloudVault]) {
        const verified = await run(process.execPath, [cli, 'audit', 'verify', '--vault', vault], {
          env: { PATH: process.env['PATH'] ?? '' },
        });
        assert.match(verified.stdout, /chains intact/, `audit verify on ${vault}`);
      }
      const localLines = (await readLogLines(ws.localVault, 'local')).filter((l) => l['result'] === 'ok');
      for (const [name, action] of [
        [mailApproval, 'send_email'],
        [invoiceApproval, 'post_invoice'],
      ] as const) {
        const decided = localLines.find(
          (l) => l['action_type'] === 'approval.approve' && l['target'] === `Approved/${name}`,
        );
        assert.ok(decided && decided['approved_by'] === 'owner', `local's log has the owner's decision on ${name}`);
        assert.ok(
          localLines.some((l) => l['action_type'] === `execute.${action}` && l['target'] === `Approved/${name}`),
          `local's log has the execution of ${name}`,
        );
      }
    } finally {
      await client?.close().catch(() => undefined);
      await group.stopAll();
      await standins.close();
    }
  },
);

test(
  'npm start with --auto-approve runs the whole flow unattended and ends by itself',
  { timeout: 240_000 },
  async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'up-'));
    const { stdout } = await run(
      process.execPath,
      [cli, 'up', '--auto-approve', '--dir', path.join(dir, 'sandbox'), '--timeout', '150'],
      {
        env: { PATH: process.env['PATH'] ?? '', HOME: dir },
        timeout: 200_000,
      },
    );
    assert.match(stdout, /the reply was sent/);
    assert.match(stdout, /invoice posted as INV\//);
    assert.match(stdout, /The Platinum flow is complete\./);
    // Drafts follow their task to Done/ (issue 11): when the flow ends, no queue holds anything on either vault.
    assert.match(stdout, /Needs_Action\/ is empty; the drafts are in Done\//);
    for (const role of ['cloud', 'local']) {
      const vault = path.join(dir, 'sandbox', role, 'AI_Employee_Vault');
      for (const queue of ['Needs_Action', 'Needs_Action/cloud', 'Needs_Action/local'])
        assert.deepEqual(
          (await list(path.join(vault, queue))).filter((n) => n.endsWith('.md')),
          [],
          `${role}: ${queue}/ is empty`,
        );
      assert.ok(
        (await list(path.join(vault, 'Done'))).some((n) => n.startsWith('DRAFT_EMAIL_')),
        `${role}: the reply's draft is in Done/`,
      );
    }
  },
);
