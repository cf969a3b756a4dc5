import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseTaskText } from '../../src/core/vault/frontmatter.js';

/**
 * `ai-employee doctor [--fix]` against a vault laid out like the hackathon's Python implementations left it:
 * their folders (no Needs_Action/cloud|local, no In_Progress/, plus Accounting/ and Briefings/), their task
 * files, an attachment copied into Needs_Action/, a broken file and a secret. The built CLI runs in a child
 * process with TZ set, so naive times are read in a zone this test chose (Asia/Kolkata: +05:30, no DST).
 * Run `npm run -s build` first.
 */
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(repo, 'dist/src/cli.js');

function doctor(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, 'doctor', ...args],
      { env: { PATH: process.env['PATH'] ?? '', TZ: 'Asia/Kolkata', ...env } },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Every file under `root` with its bytes and mtime: "nothing changed" means this is equal. */
async function snapshot(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string, rel: string) => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        out[`${r}/`] = 'dir';
        await walk(path.join(dir, e.name), r);
      } else {
        const abs = path.join(dir, e.name);
        out[r] = `${(await readFile(abs)).toString('base64')}@${(await stat(abs)).mtimeMs}`;
      }
    }
  };
  await walk(root, '');
  return out;
}

async function hackathonVault(): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'hackathon-vault-'));
  for (const f of ['Inbox', 'Needs_Action', 'Plans', 'Pending_Approval', 'Approved', 'Rejected', 'Done', 'Logs'])
    await mkdir(path.join(root, f));
  for (const f of ['Accounting', 'Briefings']) await mkdir(path.join(root, f));
  await writeFile(path.join(root, 'Dashboard.md'), '# Dashboard\n');
  await writeFile(path.join(root, 'Company_Handbook.md'), '# Handbook\n');
  await writeFile(path.join(root, 'watcher_log.txt'), '2026-02-15 13:15:30 - INFO - started\n');
  const na = (name: string) => path.join(root, 'Needs_Action', name);
  await writeFile(
    na('EMAIL_19abc.md'),
    `---
type: email
from: Dana <dana@example.com>
subject: Invoice request
received: 2026-01-07T10:30:00.123456      # Python's isoformat(): no zone
message_id: 19abc
priority: P1
status: Pending
tags: ["#email",  "#invoice"]
---
Could you send the invoice? Dana
`,
  );
  await writeFile(
    na('FILE_report.pdf.md'),
    '---\ntype: file_drop\noriginal_name: report.pdf\nsize: 1024000\npriority: medium\nstatus: pending\n---\nNew file.\n',
  );
  await writeFile(na('FILE_report.pdf'), Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0x01]));
  await writeFile(na('Call the landlord.md'), 'Call the landlord before Friday.\n');
  await writeFile(na('EMAIL_broken.md'), '---\ntype: email\nsubject: [unclosed\n---\n');
  await writeFile(path.join(root, 'Done', 'EMAIL_old.md'), '---\ntype: email\nstatus: done\n---\n');
  // A secret the hackathon's Gmail watcher left in the vault.
  await writeFile(
    path.join(root, 'credentials.json'),
    '{"installed":{"client_id":"x.apps.googleusercontent.com","client_secret":"GOCSPX-abcdefghijklmnop"}}\n',
  );
  const old = new Date('2026-02-01T00:00:00Z');
  for (const n of await readdir(path.join(root, 'Needs_Action'))) await utimes(na(n), old, old);
  return root;
}

test('doctor without --fix reports, in one screen, what this project would do with a hackathon vault, and changes nothing', async () => {
  const root = await hackathonVault();
  const before = await snapshot(root);
  const { code, stdout } = await doctor(['--vault', root]);
  assert.equal(code, 1, 'a refused file and a secret need a person');
  assert.ok(stdout.split('\n').length <= 40, `one screen:\n${stdout}`);
  assert.match(stdout, /^Role: none set \(AGENT_ROLE\); each file is judged against both policies/m);
  assert.match(
    stdout,
    /^Folders: 6 missing: Needs_Action\/cloud, Needs_Action\/local, In_Progress\/cloud, In_Progress\/local, Failed, Updates \(--fix creates them\)$/m,
  );
  assert.match(
    stdout,
    /^Task files in the queues: 4 — 0 in shape, 2 to normalise on claim, 1 to route to local, 1 refused, 0 taken by no role$/m,
  );
  // How each file would be normalised, in this zone.
  const email = stdout.split('\n').find((l) => l.includes('Needs_Action/EMAIL_19abc.md'));
  assert.ok(email, stdout);
  assert.match(email, /\[email → cloud\]/);
  assert.match(email, /id: none → gmail:19abc \(from message_id\)/);
  assert.match(
    email,
    /received: 2026-01-07T10:30:00\.123456 → 2026-01-07T10:30:00\.123456\+05:30 \(read in Asia\/Kolkata\)/,
  );
  assert.match(email, /priority: P1 → urgent/);
  assert.match(email, /status: Pending → new/);
  assert.match(
    stdout,
    /Needs_Action\/FILE_report\.pdf\.md \[file_drop → cloud\]: normalise: file_name: copied from original_name/,
  );
  assert.match(
    stdout,
    /Needs_Action\/Call the landlord\.md \[task → local\]: local takes `task` from Needs_Action\/local\/: the cloud draft worker moves it there/,
  );
  assert.match(
    stdout,
    /Needs_Action\/EMAIL_broken\.md: REFUSED, claiming moves it to Failed\/: The frontmatter is not valid YAML/,
  );
  // Stray files, other folders, the guard, git.
  assert.match(stdout, /^Stray: 5 \(left alone\)$/m);
  assert.match(stdout, /Accounting\/: not part of the vault protocol/);
  assert.match(stdout, /Needs_Action\/FILE_report\.pdf: not a task file/);
  assert.match(stdout, /watcher_log\.txt: not part of the vault protocol/);
  assert.match(stdout, /Other folders: Done 1/);
  assert.match(stdout, /^Secrets \(guard\): \d+ hit\(s\), sync would stop: credentials\.json/m);
  assert.match(stdout, /^Git: not a git repository; sync is off/m);
  assert.match(stdout, /^Nothing was changed\. Run with --fix/m);
  assert.deepEqual(await snapshot(root), before, 'not one byte or mtime changed');

  // --json carries the same verdicts.
  const json = JSON.parse((await doctor(['--vault', root, '--json'])).stdout) as {
    scan: { tasks: Array<{ path: string; verdict: string }> };
  };
  assert.deepEqual(Object.fromEntries(json.scan.tasks.map((t) => [t.path, t.verdict])), {
    'Needs_Action/Call the landlord.md': 'route',
    'Needs_Action/EMAIL_19abc.md': 'normalise',
    'Needs_Action/EMAIL_broken.md': 'refuse',
    'Needs_Action/FILE_report.pdf.md': 'normalise',
  });
  assert.deepEqual(await snapshot(root), before, '--json changes nothing either');
});

test('doctor --fix creates the folders, writes the normalisation (every other byte kept), routes what cloud does not take, and leaves the rest for a person', async () => {
  const root = await hackathonVault();
  const brokenBefore = await readFile(path.join(root, 'Needs_Action', 'EMAIL_broken.md'));
  const { code, stdout } = await doctor(['--vault', root, '--fix'], { AGENT_ROLE: 'cloud' });
  assert.equal(code, 1, 'the broken file and the secret still need a person');
  assert.match(stdout, /^Role: cloud \(AGENT_ROLE\); it claims email, tweet/m);
  assert.match(stdout, /^Fixed: 6 folder\(s\) created, 3 file\(s\) normalised, 1 routed to local$/m);
  assert.match(stdout, /^Folders: all present$/m);
  assert.match(
    stdout,
    /^Task files in the queues: 4 — 3 in shape, 0 to normalise on claim, 0 to route to local, 1 refused/m,
  );

  const emailText = await readFile(path.join(root, 'Needs_Action', 'EMAIL_19abc.md'), 'utf8');
  const email = parseTaskText(emailText).data;
  assert.equal(email['id'], 'gmail:19abc');
  assert.equal(email['created'], '2026-01-07T10:30:00.123456+05:30');
  assert.equal(email['priority'], 'urgent');
  assert.equal(email['status'], 'new');
  assert.ok(Array.isArray(email['normalised']));
  assert.equal(email['claimed_by'], undefined, 'normalised, not claimed');
  assert.match(emailText, /^tags: \["#email", {2}"#invoice"\]$/m, 'an unknown key, byte for byte');
  assert.match(emailText, /^received: 2026-01-07T10:30:00\.123456\+05:30 {6}# Python's isoformat\(\): no zone$/m);
  assert.match(emailText, /\nCould you send the invoice\? Dana\n$/);

  const routed = await readFile(path.join(root, 'Needs_Action', 'local', 'Call the landlord.md'), 'utf8');
  assert.equal(parseTaskText(routed).data['type'], 'task');
  assert.match(routed, /\nCall the landlord before Friday\.\n$/, "the note's text is its body");
  assert.deepEqual(await readFile(path.join(root, 'Needs_Action', 'EMAIL_broken.md')), brokenBefore, 'left as it was');
  assert.ok((await readdir(path.join(root, 'Needs_Action'))).includes('FILE_report.pdf'), 'stray files stay');
  for (const f of ['In_Progress/cloud', 'In_Progress/local', 'Failed', 'Updates', 'Needs_Action/cloud'])
    assert.ok((await stat(path.join(root, ...f.split('/')))).isDirectory(), f);
  assert.deepEqual(await readdir(path.join(root, 'In_Progress', 'cloud')), ['.gitkeep'], 'no take left behind');

  // A second run finds nothing left to fix, and changes nothing.
  const before = await snapshot(root);
  const again = await doctor(['--vault', root]);
  assert.match(again.stdout, /^Nothing was changed; nothing needs --fix\.$/m);
  assert.deepEqual(await snapshot(root), before);
});

test('doctor shows the git remote and the last sync of a vault that syncs', async () => {
  const root = await hackathonVault();
  const run = (args: string[]) =>
    new Promise<void>((resolve, reject) =>
      execFile('git', args, { cwd: root }, (err) => (err ? reject(err) : resolve())),
    );
  await run(['init', '-q']);
  await run(['remote', 'add', 'origin', '/srv/vault.git']);
  const state = await mkdtemp(path.join(os.tmpdir(), 'doctor-state-'));
  await writeFile(
    path.join(state, 'sync-state.json'),
    JSON.stringify({ last_attempt_at: '2026-02-01T10:00:00Z', last_success_at: '2026-02-01T10:00:00Z', result: 'ok' }),
  );
  const { stdout } = await doctor(['--vault', root], { AI_EMPLOYEE_STATE_DIR: state });
  assert.match(stdout, /^Git: remote origin \/srv\/vault\.git; last sync 2026-02-01T10:00:00Z: ok$/m);
});
