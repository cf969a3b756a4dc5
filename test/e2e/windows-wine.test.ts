import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { newTaskText, parseTaskText } from '../../src/core/vault/frontmatter.js';
import { startGmailStandin, type GmailStandin } from '../../src/sandbox/gmail/server.js';
import { guardSamples } from '../helpers/guard-samples.js';
import {
  runWindowsNode,
  startWindowsNode,
  toWindowsPath,
  wineNodeOrSkip,
  type WineNode,
  type WineResult,
} from '../helpers/wine-node.js';

/**
 * The Windows smoke test (issue 16, docs/windows-wine.md): Windows' own Node 20 under Wine runs the owner's side of
 * one mail, from `init` to the reply sent, against a vault in a folder with spaces and accents. The Gmail stand-in
 * runs here on the Linux side; the Windows process reaches it on 127.0.0.1. Every path the commands see is a
 * Windows path (`Z:\...`). Wine is not Windows: this catches Linux-only assumptions (module paths, separators,
 * folder fsync), it does not certify Windows.
 */
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const built = path.join(repo, 'dist/src/cli.js');
const found = existsSync(built) ? wineNodeOrSkip() : { skip: 'run `npm run build` first (npm test does)' };

/** A folder's notes (init puts a `.gitkeep` in each folder). */
const list = async (dir: string) =>
  (await readdir(dir).catch(() => [] as string[])).filter((n) => n !== '.gitkeep').sort();
const auditLines = async (vault: string, role: string) => {
  const lines: Record<string, unknown>[] = [];
  for (const name of await list(path.join(vault, 'Logs')))
    if (name.endsWith(`.${role}.jsonl`))
      for (const line of (await readFile(path.join(vault, 'Logs', name), 'utf8')).split('\n'))
        if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
  return lines;
};
/**
 * Claude Desktop on Windows, as far as the smoke test needs it: a Windows process that starts `serve` and speaks MCP
 * over its stdio. It has to be a Windows process: Windows' Node cannot use a Linux pipe as its stdio under Wine
 * (docs/windows-wine.md), while pipes between two Windows processes work. Run with the repository as its working
 * folder, so that the SDK resolves from node_modules; prints one JSON line.
 */
const DESKTOP_CLIENT = `
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
const [cli, task] = process.argv.slice(1);
const client = new Client({ name: 'wine-desktop', version: '1.0.0' });
await client.connect(new StdioClientTransport({ command: process.execPath, args: [cli, 'serve'], env: process.env }));
try {
  const tools = (await client.listTools()).tools.map((t) => t.name);
  const claimed = await client.callTool({ name: 'claim_task', arguments: { path: task } });
  const done = await client.callTool({
    name: 'complete_task',
    arguments: { path: task.replace('Needs_Action/local/', 'In_Progress/local/'), outcome: 'called back' },
  });
  console.log(JSON.stringify({ tools, claimed, done }));
} finally {
  await client.close();
}
`;
/**
 * A program that keeps a note open without sharing it (share mode 0), as an editor, a virus scanner or the search
 * indexer may on Windows: libuv's UV_FS_O_EXLOCK flag, which Node 20 does not export on Windows, hence the number.
 * Wine's server enforces share modes between Windows processes, so a rename of the file fails as on Windows.
 */
const HOLDER = `
const fs = require('node:fs');
fs.openSync(process.argv[1], fs.constants.O_RDONLY | 0x10000000);
console.log('held');
setInterval(() => undefined, 1000);
`;
const show = (r: WineResult) => `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;

describe('Windows smoke test: Windows Node 20 under Wine', { skip: 'skip' in found && found.skip }, () => {
  const wine = found as WineNode;
  let base: string;
  let vault: string;
  let gmail: GmailStandin;
  let env: Record<string, string>;

  /** Runs the built CLI with Windows' node; `role` picks the machine (its own state folder, as on two computers). */
  const cli = (role: 'cloud' | 'local' | undefined, args: readonly string[]) =>
    runWindowsNode(wine, [toWindowsPath(built), ...args], {
      env: {
        ...env,
        ...(role && {
          AGENT_ROLE: role,
          AI_EMPLOYEE_STATE_DIR: toWindowsPath(path.join(base, `${role} state`)),
        }),
        ...(role === 'cloud' && { CLOUD_DRAFT_ONLY: 'true' }),
      },
      cwd: base,
    });

  before(async () => {
    base = await mkdtemp(path.join(os.tmpdir(), 'wine smoke '));
    vault = path.join(base, 'Mi Empresa — Büro', 'AI Employee Vault');
    await mkdir(path.dirname(vault), { recursive: true });
    gmail = await startGmailStandin();
    env = {
      VAULT_PATH: toWindowsPath(vault),
      LOG_LEVEL: 'warn',
      // Status asks PM2 only when a daemon answers here; an empty folder of our own keeps the owner's PM2 out.
      PM2_HOME: toWindowsPath(path.join(base, 'pm2')),
      GMAIL_API_URL: gmail.url,
      GMAIL_TOKEN_URL: gmail.tokenUrl,
      GMAIL_CLIENT_ID: gmail.credentials.clientId,
      GMAIL_CLIENT_SECRET: gmail.credentials.clientSecret,
      GMAIL_REFRESH_TOKEN: gmail.credentials.refreshToken,
    };
  });
  after(async () => {
    await gmail?.close();
    if (base) await rm(base, { recursive: true, force: true });
  });

  it('init lays out the vault', async () => {
    const r = await cli(undefined, ['init', toWindowsPath(vault)]);
    assert.equal(r.code, 0, show(r));
    for (const folder of ['Needs_Action', 'In_Progress', 'Pending_Approval', 'Approved', 'Done', 'Logs'])
      assert.ok(existsSync(path.join(vault, folder)), `${folder}/ exists\n${show(r)}`);
    assert.ok(existsSync(path.join(vault, 'Dashboard.md')));
  });

  it('the stdio MCP server, started by a Windows client as Claude Desktop does, claims and completes a task', async () => {
    const task = 'Needs_Action/local/TASK_call_dana.md';
    await writeFile(
      path.join(vault, task),
      newTaskText({ id: 'task:call-dana', type: 'task', created: new Date().toISOString() }, 'Call Dana back.'),
    );
    const r = await runWindowsNode(wine, ['--input-type=module', '-e', DESKTOP_CLIENT, toWindowsPath(built), task], {
      env: { ...env, AGENT_ROLE: 'local', AI_EMPLOYEE_STATE_DIR: toWindowsPath(path.join(base, 'local state')) },
      cwd: repo,
    });
    assert.equal(r.code, 0, show(r));
    const answer = JSON.parse(r.stdout) as {
      tools: string[];
      claimed: { isError?: boolean };
      done: { isError?: boolean };
    };
    assert.ok(answer.tools.includes('claim_task'), answer.tools.join(', '));
    assert.equal(answer.claimed.isError, undefined, r.stdout);
    assert.equal(answer.done.isError, undefined, r.stdout);
    assert.deepEqual(await list(path.join(vault, 'Done')), ['TASK_call_dana.md']);
    const claim = (await auditLines(vault, 'local')).find((l) => l['action_type'] === 'task.claim');
    assert.equal(claim?.['target'], 'In_Progress/local/TASK_call_dana.md', 'the audit names it with forward slashes');
  });

  it('cloud watches Gmail (on the Linux side) and files the mail as a task', async () => {
    gmail.addMessage({ from: 'Dana <dana@example.com>', subject: 'Blue chairs?', snippet: 'Do you have 12?' });
    const r = await cli('cloud', ['watch', 'gmail', '--once']);
    assert.equal(r.code, 0, show(r));
    const tasks = (await list(path.join(vault, 'Needs_Action'))).filter((n) => n.startsWith('EMAIL_'));
    assert.equal(tasks.length, 1, `${tasks.join(', ')}\n${show(r)}`);
  });

  it('cloud claims the task and requests an approval through the draft worker', async () => {
    const r = await cli('cloud', ['worker', 'draft', '--once']);
    assert.equal(r.code, 0, show(r));
    const pending = (await list(path.join(vault, 'Pending_Approval'))).filter((n) => n.startsWith('EMAIL_SEND_'));
    assert.equal(pending.length, 1, `${pending.join(', ')}\n${show(r)}`);
    assert.equal((await list(path.join(vault, 'In_Progress', 'cloud'))).length, 1, 'the mail waits, claimed');
    const actions = (await auditLines(vault, 'cloud')).map((l) => l['action_type']);
    for (const step of ['task.claim', 'draft.write', 'approval.request'])
      assert.ok(actions.includes(step), `cloud audit has ${step}: ${actions.join(', ')}`);
  });

  it('a request held open by another Windows program is not moved, and stays pending', async () => {
    const [name] = await list(path.join(vault, 'Pending_Approval'));
    if (!name?.startsWith('EMAIL_SEND_')) assert.fail(`one EMAIL_SEND_ request is pending, not ${name}`);
    const holder = await startWindowsNode(wine, [
      '-e',
      HOLDER,
      toWindowsPath(path.join(vault, 'Pending_Approval', name)),
    ]);
    try {
      await holder.printed('held');
      const r = await cli('local', ['approve', `Pending_Approval/${name}`]);
      assert.equal(r.code, 1, show(r));
      assert.match(r.stderr, /is open in another program/, show(r));
      assert.deepEqual(await list(path.join(vault, 'Pending_Approval')), [name], 'the request stays where it was');
      assert.deepEqual(await list(path.join(vault, 'Approved')), []);
    } finally {
      await holder.stop();
    }
  });

  it('the owner approves from the shell', async () => {
    const [name] = await list(path.join(vault, 'Pending_Approval'));
    assert.ok(name?.startsWith('EMAIL_SEND_'), name);
    const r = await cli('local', ['approve', `Pending_Approval/${name}`]);
    assert.equal(r.code, 0, show(r));
    assert.deepEqual(await list(path.join(vault, 'Approved')), [name]);
  });

  // A Windows shell completes `Pending_Approval\EMAIL_SEND_...md` with a backslash: the CLI takes it as a slash.
  it('approve takes a path typed with backslashes, as a Windows shell completes it', async () => {
    const r = await cli('local', ['approve', 'Pending_Approval\\EMAIL_SEND_none.md']);
    assert.equal(r.code, 1, show(r));
    assert.match(r.stderr, /does not exist/, show(r));
  });

  it('the local executor sends the reply through the stand-in, once, and files everything in Done/', async () => {
    const r = await cli('local', ['worker', 'local-executor', '--once']);
    assert.equal(r.code, 0, show(r));
    assert.equal(gmail.sent.length, 1, `exactly one reply sent\n${show(r)}`);
    const done = await list(path.join(vault, 'Done'));
    assert.ok(
      done.some((n) => n.startsWith('EMAIL_SEND_')),
      done.join(', '),
    );
    assert.ok(
      done.some((n) => /^EMAIL_(?!SEND_)/.test(n)),
      done.join(', '),
    );
    const draftName = (await list(path.join(vault, 'Needs_Action', 'cloud'))).find((n) => n.startsWith('DRAFT_'));
    assert.ok(draftName, 'the draft is kept');
    const draft = parseTaskText(await readFile(path.join(vault, 'Needs_Action', 'cloud', draftName), 'utf8'));
    assert.equal(gmail.sent[0]!.decoded.text.trim(), draft.body.trim(), "the stand-in received the draft's text");
    const approval = done.find((n) => n.startsWith('EMAIL_SEND_'));
    const local = (await auditLines(vault, 'local')).filter((l) => l['result'] === 'ok');
    for (const step of ['approval.approve', 'execute.send_email'])
      assert.ok(
        local.some((l) => l['action_type'] === step && l['target'] === `Approved/${approval}`),
        `local audit has ${step} on Approved/${approval}: ${JSON.stringify(local.map((l) => [l['action_type'], l['target']]))}`,
      );

    // A second pass finds nothing to do: one execution per approval.
    const again = await cli('local', ['worker', 'local-executor', '--once']);
    assert.equal(again.code, 0, show(again));
    assert.equal(gmail.sent.length, 1, 'still exactly one reply');
  });

  it('recover runs for both roles and leaves nothing in progress but what waits', async () => {
    for (const role of ['local', 'cloud'] as const) {
      const r = await cli(role, ['recover']);
      assert.equal(r.code, 0, `${role}: ${show(r)}`);
    }
    assert.deepEqual(await list(path.join(vault, 'In_Progress', 'local')), []);
  });

  it('status --json reads the vault and the audit chains', async () => {
    const r = await cli('local', ['status', '--json']);
    assert.equal(r.code, 0, show(r));
    const status = JSON.parse(r.stdout) as {
      role: string;
      folders: Record<string, number>;
      pending_approvals: unknown[];
      audit: { ok: boolean; broken: unknown[] };
    };
    assert.equal(status.role, 'local');
    assert.deepEqual(status.pending_approvals, []);
    assert.equal(status.audit.ok, true, JSON.stringify(status.audit));
    const verified = await cli(undefined, ['audit', 'verify']);
    assert.equal(verified.code, 0, show(verified));
    assert.match(verified.stdout, /chains intact/);
  });

  it('guard passes the clean vault and stops on a planted secret, naming file and rule', async () => {
    const clean = await cli(undefined, ['guard', toWindowsPath(vault)]);
    assert.equal(clean.code, 0, show(clean));
    const sample = guardSamples().find((s) => s.rule === 'github-token')!;
    await writeFile(path.join(vault, sample.path), sample.content);
    const hit = await cli(undefined, ['guard', toWindowsPath(vault)]);
    assert.equal(hit.code, 1, show(hit));
    const said = `${hit.stdout}${hit.stderr}`;
    // Vault paths are reported with forward slashes on every system, as the owner sees them in Obsidian.
    assert.match(said, /BLOCKED Plans\/gh\.md: rule github-token/);
    assert.ok(!said.includes(sample.secret!), 'the secret itself is never printed');
  });
});
