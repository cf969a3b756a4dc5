import assert from 'node:assert/strict';
import { readdir, readFile, rename, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { executeApproved, recordRejection } from '../../src/core/actions/executor.js';
import type { ActionHandler } from '../../src/core/actions/handler.js';
import { ExecutionLedger } from '../../src/core/actions/ledger.js';
import { parseTaskText } from '../../src/core/vault/frontmatter.js';
import { runDraftWorkerOnce } from '../../src/daemons/workers/draft-worker.js';
import { templateDrafter } from '../../src/daemons/workers/drafting.js';
import { connectInProcess, toolErrorOf } from '../helpers/mcp-client.js';
import { openTestVault, ownerMovesToApproved, tempVaultDir } from '../helpers/vault.js';

/**
 * Issue 11 §1: the task files the hackathon's watchers (and the seed's Python scripts, and people typing in
 * Obsidian) write are read, routed and claimed by the right role, normalised on claim with every other byte
 * kept; only files that cannot be read at all reach Failed/, with a reason. Naive times are read in an
 * injected zone (America/New_York), never in whatever zone this machine happens to have.
 */
const ZONE = 'America/New_York';

interface Shape {
  name: string;
  text: string | Buffer;
  /** Who claims it: cloud drafts it, local gets it routed to its queue. */
  role: 'cloud' | 'local';
  type: string;
  id?: string;
  created?: string;
  priority: string;
  /** Lines that must survive the claim byte for byte (unknown keys, comments). */
  kept?: string[];
  /** Extra fields the normalised file must hold. */
  fields?: Record<string, unknown>;
}

const SHAPES: Shape[] = [
  {
    // The issue's own example: Python's isoformat() with microseconds and no zone, a comment, no id.
    name: 'EMAIL_dana.md',
    text: `---
type: email
from: Dana <dana@example.com>
subject: Invoice request
received: 2026-01-07T10:30:00.123456      # Python's isoformat(): no zone
priority: high
status: pending
---
Hello, could you send me the invoice for December? Dana
`,
    role: 'cloud',
    type: 'email',
    id: 'vault:EMAIL_dana',
    created: '2026-01-07T10:30:00.123456-05:00',
    priority: 'high',
    kept: ['from: Dana <dana@example.com>', "      # Python's isoformat(): no zone"],
  },
  {
    // A gmail_watcher: its message id becomes ours; a naive created in summer time; tags in flow style.
    name: 'EMAIL_19abc.md',
    text: `---
source: gmail_watcher
type: email
from: "Bo Buyer <bo@example.com>"
subject: Quote for 40 chairs
created: 2026-07-01T09:15:00
message_id: 19abc0ffee
status: Pending
priority: medium
tags: ["#email",   "#gmail"]
---
# Email: Quote for 40 chairs
`,
    role: 'cloud',
    type: 'email',
    id: 'gmail:19abc0ffee',
    created: '2026-07-01T09:15:00-04:00',
    priority: 'normal',
    kept: ['source: gmail_watcher', 'from: "Bo Buyer <bo@example.com>"', 'tags: ["#email",   "#gmail"]'],
  },
  {
    // A bare date, P1, keys of the owner's own.
    name: 'EMAIL_p1.md',
    text: `---
type: email
from: carla@example.com
subject: URGENT - site down
created: 2026-03-01
priority: P1
status: pending
customer_tier:   gold
labels: [A, B]
---
The shop is down.
`,
    role: 'cloud',
    type: 'email',
    id: 'vault:EMAIL_p1',
    created: '2026-03-01T00:00:00-05:00',
    priority: 'urgent',
    kept: ['customer_tier:   gold', 'labels: [A, B]'],
  },
  {
    // Another watcher's shape: the mail's fields under `metadata:`, a zoned timestamp, P2.
    name: 'EMAIL_meta.md',
    text: `---
type: email
source: gmail_watcher
priority: P2
status: pending
timestamp: 2026-01-17T12:34:56Z
metadata:
  from: "sender@example.com"
  subject: "Invoice #1234 overdue"
  message_id: "19abc123xyz456"
  labels: ["IMPORTANT", "INVOICES"]
---
Your invoice #1234 is 7 days overdue.
`,
    role: 'cloud',
    type: 'email',
    id: 'gmail:19abc123xyz456',
    created: '2026-01-17T12:34:56Z',
    priority: 'high',
    kept: ['metadata:', '  labels: ["IMPORTANT", "INVOICES"]'],
    fields: { from: 'sender@example.com', subject: 'Invoice #1234 overdue' },
  },
  {
    // Type in another case, the sender and subject under other names, P3, status open, an id of its own.
    name: 'EMAIL_alias.md',
    text: `---
id: task-20260222-103000-email-001
type: Email
email_from: "client@example.com"
email_subject: "Project proposal"
created: 2026-02-22T10:30:00Z
priority: P3
status: open
---
Draft a professional response.
`,
    role: 'cloud',
    type: 'email',
    id: 'task-20260222-103000-email-001',
    created: '2026-02-22T10:30:00Z',
    priority: 'normal',
    kept: ['email_from: "client@example.com"'],
    fields: { from: 'client@example.com', subject: 'Project proposal', type: 'email' },
  },
  {
    // The hackathon's filesystem watcher: original_name, a byte count, no created, no sha256.
    name: 'FILE_document.pdf.md',
    text: `---
type: file_drop
original_name: document.pdf
size: 1024000
priority: medium
status: pending
---

# New File Dropped

File: document.pdf
`,
    role: 'cloud',
    type: 'file_drop',
    id: 'vault:FILE_document.pdf',
    priority: 'normal',
    kept: ['original_name: document.pdf'],
    fields: { file_name: 'document.pdf', size: 1024000 },
  },
  {
    // Another one: size as text, a naive time with a space, a hash that is not a SHA-256.
    name: 'FILE_report.md',
    text: `---
type: file_drop
source_name: report.xlsx
size: "2,048 bytes"
received: 2026-02-15 13:15:30
hash: abc123
status: pending
---
`,
    role: 'cloud',
    type: 'file_drop',
    id: 'vault:FILE_report',
    created: '2026-02-15T13:15:30-05:00',
    priority: 'normal',
    kept: ['hash: abc123', 'source_name: report.xlsx'],
    fields: { file_name: 'report.xlsx', size: 2048, received: '2026-02-15T13:15:30-05:00' },
  },
  {
    // Windows line endings and a byte-order mark (Notepad): kept.
    name: 'EMAIL_crlf.md',
    text: '\uFEFF---\r\ntype: email\r\nfrom: win@example.com\r\nsubject: From Windows\r\nreceived: 2026-01-02T08:00:00\r\nstatus: pending\r\n---\r\nSent from Outlook.\r\n',
    role: 'cloud',
    type: 'email',
    id: 'vault:EMAIL_crlf',
    created: '2026-01-02T08:00:00-05:00',
    priority: 'normal',
    kept: ['from: win@example.com\r'],
  },
  {
    // A note somebody typed in Obsidian: no frontmatter at all.
    name: 'Call the landlord.md',
    text: 'Call the landlord about the lease renewal before Friday.\n',
    role: 'local',
    type: 'task',
    id: 'vault:Call the landlord',
    priority: 'normal',
  },
  {
    // A WhatsApp watcher's event type.
    name: 'WHATSAPP_42.md',
    text: `---
type: whatsapp_event
event_type: urgent_message
priority: high
---
Content with an urgent keyword.
`,
    role: 'local',
    type: 'whatsapp',
    id: 'vault:WHATSAPP_42',
    priority: 'high',
    kept: ['event_type: urgent_message'],
  },
  {
    // A type this project does not know, a numeric id, a naive created without seconds, claimed_by: null.
    name: 'LINKEDIN_7.md',
    text: `---
id: 7
type: linkedin_post
created: 2026-02-18 09:00
status: Pending
priority: P4
claimed_by: null
---
Post about the spring sale.
`,
    role: 'local',
    type: 'task',
    id: '7',
    created: '2026-02-18T09:00:00-05:00',
    priority: 'low',
    fields: { original_type: 'linkedin_post' },
  },
  {
    // An email with no sender: readable, but nobody to reply to. A person looks at it on local.
    name: 'EMAIL_nofrom.md',
    text: `---
type: email
subject: Who sent this?
received: 2026-01-09T11:00:00
status: pending
---
`,
    role: 'local',
    type: 'task',
    id: 'vault:EMAIL_nofrom',
    created: '2026-01-09T11:00:00-05:00',
    priority: 'normal',
    fields: { original_type: 'email' },
  },
  {
    // No type at all: the file name says EMAIL_.
    name: 'EMAIL_notype.md',
    text: `---
id: test_high_001
source: gmail_watcher
from: eve@example.com
subject: Proposal
priority: high
created: 2026-02-18 09:00
status: open
tags: ["#email", "#gmail", "#priority-high"]
---
`,
    role: 'cloud',
    type: 'email',
    id: 'test_high_001',
    created: '2026-02-18T09:00:00-05:00',
    priority: 'high',
    kept: ['tags: ["#email", "#gmail", "#priority-high"]'],
  },
];

const BROKEN: Array<{ name: string; text: string | Buffer; reason: RegExp }> = [
  { name: 'EMAIL_badyaml.md', text: '---\ntype: email\nsubject: [unclosed\n---\nbody\n', reason: /not valid YAML/ },
  {
    name: 'EMAIL_cp1252.md',
    // "Café" saved as Windows-1252: 0xE9 is not UTF-8.
    text: Buffer.concat([
      Buffer.from('---\ntype: email\nfrom: a@example.com\nsubject: Caf'),
      Buffer.from([0xe9]),
      Buffer.from('\n---\n'),
    ]),
    reason: /not UTF-8 text \(first bad byte on line 4\)/,
  },
  { name: 'EMAIL_unclosed.md', text: '---\ntype: email\nfrom: a@example.com\n', reason: /never closes it/ },
];

const ls = (root: string, folder: string) =>
  readdir(path.join(root, ...folder.split('/'))).then((n) => n.filter((x) => !x.startsWith('.')).sort());
const read = (root: string, rel: string) => readFile(path.join(root, ...rel.split('/')), 'utf8');
const fm = async (root: string, rel: string) => parseTaskText(await read(root, rel)).data;

/** Where a claimed task of `name` is now (In_Progress, or filed in Done/). */
async function findTask(root: string, name: string): Promise<string> {
  for (const folder of ['In_Progress/cloud', 'In_Progress/local', 'Done'])
    if ((await ls(root, folder)).includes(name)) return `${folder}/${name}`;
  throw new Error(`${name} is in no In_Progress/ or Done/ folder`);
}

test('every hackathon shape is listed, routed, claimed by the right role and normalised; only unreadable files reach Failed/', async () => {
  const root = await tempVaultDir('shapes-');
  // The files are two hours old: the draft worker leaves files younger than a minute alone (a watcher may still
  // be writing them), and a file with no date gets its mtime.
  const mtime = new Date(Math.floor(Date.now() / 1000) * 1000 - 2 * 3600_000);
  for (const s of [...SHAPES, ...BROKEN]) {
    const abs = path.join(root, 'Needs_Action', s.name);
    await writeFile(abs, s.text);
    await utimes(abs, mtime, mtime);
  }
  const cloud = await connectInProcess(root, 'cloud', { timeZone: ZONE });
  const local = await connectInProcess(root, 'local', { timeZone: ZONE });

  // 1. list_tasks: every shape is a valid task (no `invalid`), with the type it will be worked as and what the
  //    claim will change; the broken ones say why.
  const listed = (await cloud.call('list_tasks', { folder: 'Needs_Action' })).structuredContent as {
    tasks: Array<{
      path: string;
      type?: string;
      id?: string;
      priority?: string;
      invalid?: string;
      normalise?: string[];
    }>;
  };
  for (const s of SHAPES) {
    const entry = listed.tasks.find((t) => t.path === `Needs_Action/${s.name}`);
    assert.ok(entry, `${s.name} is listed`);
    assert.equal(entry.invalid, undefined, `${s.name} is valid: ${entry.invalid}`);
    assert.equal(entry.type, s.type, `${s.name} lists as ${s.type}`);
    assert.equal(entry.priority, s.priority, `${s.name} priority`);
    if (s.id) assert.equal(entry.id, s.id, `${s.name} id`);
    assert.ok((entry.normalise ?? []).length > 0, `${s.name} says what its claim will change`);
  }
  for (const b of BROKEN) {
    const entry = listed.tasks.find((t) => t.path === `Needs_Action/${b.name}`);
    assert.match(String(entry?.invalid), b.reason, `${b.name} is listed with its reason`);
  }

  // 2. claim_task by path, honest errors: a file cloud does not take says who does (and stays); a file that
  //    cannot be read says it was moved to Failed/ and why; a file already taken says so.
  const notMine = toolErrorOf(await cloud.call('claim_task', { path: 'Needs_Action/Call the landlord.md' }));
  assert.equal(notMine.code, 'policy_denied');
  assert.match(notMine.message, /does not take `task` files from Needs_Action\/; local does/);
  assert.ok((await ls(root, 'Needs_Action')).includes('Call the landlord.md'), 'left where it was');
  const broken = toolErrorOf(await cloud.call('claim_task', { path: 'Needs_Action/EMAIL_badyaml.md' }));
  assert.equal(broken.code, 'invalid_input');
  assert.match(broken.message, /was moved to Failed\/EMAIL_badyaml\.md because it cannot be read: .*not valid YAML/);
  const claimed = await cloud.call('claim_task', { path: 'Needs_Action/EMAIL_dana.md' });
  assert.equal(claimed.isError, undefined, JSON.stringify(claimed.content));
  const again = toolErrorOf(await cloud.call('claim_task', { path: 'Needs_Action/EMAIL_dana.md' }));
  assert.equal(again.code, 'conflict');
  assert.match(again.message, /already claimed/);
  // Local asked for a file in cloud's queue: it says whose queue it is.
  const localAsks = toolErrorOf(await local.call('claim_task', { path: 'Needs_Action/EMAIL_19abc.md' }));
  assert.match(localAsks.message, /does not claim from Needs_Action\//);

  // 3. The draft worker (cloud): routes what it does not take to Needs_Action/local/, files the unreadable in
  //    Failed/, drafts replies to the mails and notes for the files.
  const report = await runDraftWorkerOnce(cloud.vault, templateDrafter());
  const cloudShapes = SHAPES.filter((s) => s.role === 'cloud');
  const fileShapes = cloudShapes.filter((s) => s.type === 'file_drop');
  assert.deepEqual(report, {
    drafted: cloudShapes.length - fileShapes.length - 1, // EMAIL_dana was claimed by hand above
    noted: fileShapes.length,
    released: 0,
    failed: 0,
  });
  assert.deepEqual(
    await ls(root, 'Needs_Action/local'),
    SHAPES.filter((s) => s.role === 'local')
      .map((s) => s.name)
      .sort(),
    'routed to local',
  );

  // 4. Local claims its share over MCP, best first, until none is left.
  const localClaimed: string[] = [];
  for (;;) {
    const r = await local.call('claim_task', {});
    if (r.isError) {
      assert.equal(toolErrorOf(r).code, 'not_found');
      break;
    }
    localClaimed.push(path.posix.basename((r.structuredContent as { path: string }).path));
  }
  assert.deepEqual(
    localClaimed.slice().sort(),
    SHAPES.filter((s) => s.role === 'local')
      .map((s) => s.name)
      .sort(),
  );
  assert.equal(localClaimed[0], 'WHATSAPP_42.md', 'the high-priority one first');

  // 5. Every shape, claimed by its role, normalised as described, its other bytes kept.
  for (const s of SHAPES) {
    const rel = await findTask(root, s.name);
    const text = await read(root, rel);
    const data = parseTaskText(text).data;
    if (s.role === 'local') assert.equal(rel, `In_Progress/local/${s.name}`, `${s.name} claimed by local`);
    else assert.ok(rel === `In_Progress/cloud/${s.name}` || rel === `Done/${s.name}`, `${s.name} claimed by cloud`);
    assert.equal(data['type'], s.type, `${s.name} type`);
    assert.equal(data['priority'], s.priority, `${s.name} priority`);
    if (s.id) assert.equal(data['id'], s.id, `${s.name} id`);
    if (s.created) assert.equal(data['created'], s.created, `${s.name} created`);
    else assert.equal(data['created'], mtime.toISOString(), `${s.name} created from the mtime`);
    assert.ok(Array.isArray(data['normalised']) && data['normalised'].length > 0, `${s.name} records the changes`);
    assert.match(String(data['claimed_by']), new RegExp(`^${s.role}:`));
    for (const line of s.kept ?? []) assert.ok(text.includes(`${line}\n`), `${s.name} keeps ${JSON.stringify(line)}`);
    for (const [k, v] of Object.entries(s.fields ?? {})) assert.deepEqual(data[k], v, `${s.name} ${k}`);
    if (typeof s.text === 'string' && s.text.includes('\r\n'))
      assert.ok(
        text.startsWith('\uFEFF---\r\n') && !/[^\r]\n/.test(text),
        `${s.name} keeps its BOM and CRLF: ${JSON.stringify(text)}`,
      );
    if (
      !(typeof s.text === 'string' && s.text.startsWith('---')) &&
      typeof s.text === 'string' &&
      !s.text.startsWith('\uFEFF')
    )
      assert.ok(text.endsWith(s.text), `${s.name}: the note's whole text is its body`);
  }
  // The owner's comment stays on its line, after the rewritten value.
  assert.match(
    await read(root, await findTask(root, 'EMAIL_dana.md')),
    /^received: 2026-01-07T10:30:00\.123456-05:00 {6}# Python's isoformat\(\): no zone$/m,
  );

  // 6. Failed/ holds exactly the unreadable files, each with a reason a person can act on; the bytes that are
  //    not UTF-8 are kept as they were beside it.
  assert.deepEqual(await ls(root, 'Failed'), [...BROKEN.map((b) => b.name), 'EMAIL_cp1252.md.original'].sort());
  for (const b of BROKEN) {
    const data = await fm(root, `Failed/${b.name}`);
    assert.match(String(data['failed_reason']), b.reason, b.name);
  }
  assert.match(String((await fm(root, 'Failed/EMAIL_cp1252.md'))['failed_reason']), /save it as UTF-8/);
  assert.deepEqual(await readFile(path.join(root, 'Failed', 'EMAIL_cp1252.md.original')), BROKEN[1]!.text);

  // 7. Drafts follow their task: the notes for dropped files are in Done/ beside their task; the reply drafts
  //    wait with their approval requests.
  const done = await ls(root, 'Done');
  for (const f of fileShapes) assert.ok(done.includes(`DRAFT_${f.name}`), `the note for ${f.name} is in Done/`);
  assert.deepEqual(
    (await ls(root, 'Needs_Action/cloud')).sort(),
    cloudShapes
      .filter((s) => s.type === 'email' && s.name !== 'EMAIL_dana.md')
      .map((s) => `DRAFT_${s.name}`)
      .sort(),
  );
  assert.deepEqual(
    (await ls(root, 'Needs_Action')).filter((n) => n.endsWith('.md')),
    [],
    'the shared queue is empty',
  );
  await cloud.close();
  await local.close();
});

/** A send_email handler that records what it sent (the Gmail stand-in is tested elsewhere). */
function recordingSender(sent: string[]): ActionHandler {
  return {
    action: 'send_email',
    execute: async (doc) => {
      sent.push(doc.rel);
      return { message_id: `sent-${sent.length}` };
    },
  };
}

test('drafts follow their task to Done/ and Failed/: at once on the role that owns them, and after local files the task once cloud sees it', async () => {
  const root = await tempVaultDir('drafts-follow-');
  const old = new Date(Date.now() - 2 * 3600_000);
  for (const n of [1, 2, 3, 4]) {
    const abs = path.join(root, 'Needs_Action', `EMAIL_${n}.md`);
    await writeFile(
      abs,
      `---\ntype: email\nfrom: c${n}@example.com\nsubject: Question ${n}\nreceived: 2026-01-0${n}T09:00:00\nstatus: pending\n---\nHi ${n}\n`,
    );
    await utimes(abs, old, old);
  }
  const cloud = await openTestVault(root, 'cloud', { timeZone: ZONE, processName: 'draft-worker' });
  assert.equal((await runDraftWorkerOnce(cloud, templateDrafter())).drafted, 4);
  assert.deepEqual(
    await ls(root, 'Needs_Action/cloud'),
    [1, 2, 3, 4].map((n) => `DRAFT_EMAIL_${n}.md`),
  );

  const local = await openTestVault(root, 'local', { timeZone: ZONE, processName: 'local-executor' });
  const sent: string[] = [];
  const deps = {
    ctx: local.ctx,
    ledger: new ExecutionLedger(path.join(`${root}.state`, 'executions')),
    handlers: [recordingSender(sent)],
  };
  // 1: the owner approves, local sends and files the task in Done/. 2: the owner rejects, local files it too.
  await ownerMovesToApproved(root, 'EMAIL_SEND_EMAIL_1.md');
  assert.equal((await executeApproved(deps, 'Approved/EMAIL_SEND_EMAIL_1.md')).status, 'executed');
  await rename(
    path.join(root, 'Pending_Approval', 'EMAIL_SEND_EMAIL_2.md'),
    path.join(root, 'Rejected', 'EMAIL_SEND_EMAIL_2.md'),
  );
  assert.equal((await recordRejection(deps, 'Rejected/EMAIL_SEND_EMAIL_2.md')).status, 'rejected');
  assert.deepEqual(sent, ['Approved/EMAIL_SEND_EMAIL_1.md']);
  const done = await ls(root, 'Done');
  assert.ok(done.includes('EMAIL_1.md') && done.includes('EMAIL_2.md'), 'local filed both tasks');
  // Local may not write cloud's queue (policies/local.json): the drafts are still there, untouched.
  assert.ok((await ls(root, 'Needs_Action/cloud')).includes('DRAFT_EMAIL_1.md'));

  // Cloud's next pass sees the tasks filed by local and files their drafts beside them.
  await runDraftWorkerOnce(cloud, templateDrafter());
  assert.deepEqual(await ls(root, 'Needs_Action/cloud'), ['DRAFT_EMAIL_3.md', 'DRAFT_EMAIL_4.md']);
  const filed = await ls(root, 'Done');
  assert.ok(filed.includes('DRAFT_EMAIL_1.md') && filed.includes('DRAFT_EMAIL_2.md'));
  assert.equal((await fm(root, 'Done/DRAFT_EMAIL_1.md'))['task'], 'In_Progress/cloud/EMAIL_1.md');

  // 3: the cloud role itself fails its task (after the owner withdrew the request): the draft goes along at once.
  await rename(
    path.join(root, 'Pending_Approval', 'EMAIL_SEND_EMAIL_3.md'),
    path.join(root, 'Rejected', 'EMAIL_SEND_EMAIL_3.md'),
  );
  await recordRejection(deps, 'Rejected/EMAIL_SEND_EMAIL_3.md');
  await cloud.recover();
  assert.ok((await ls(root, 'Done')).includes('DRAFT_EMAIL_3.md'));

  // A draft whose task is still being worked, or went back to a queue, stays.
  assert.deepEqual(await cloud.fileFinishedDrafts(), []);
  assert.deepEqual(await ls(root, 'Needs_Action/cloud'), ['DRAFT_EMAIL_4.md']);
});

test('a task cloud fails or completes itself takes its draft along at once; a crash between the two moves is finished by recovery without a copy', async () => {
  const root = await tempVaultDir('drafts-crash-');
  const old = new Date(Date.now() - 2 * 3600_000);
  for (const n of [5, 6, 7]) {
    const abs = path.join(root, 'Needs_Action', `EMAIL_${n}.md`);
    await writeFile(abs, `---\ntype: email\nfrom: c@example.com\nsubject: Q${n}\nstatus: pending\n---\nHi\n`);
    await utimes(abs, old, old);
  }
  // Cloud's clock runs two minutes ahead of the files it writes, so its own completions count as settled.
  const cloud = await openTestVault(root, 'cloud', { clock: () => new Date(Date.now() + 120_000) });
  for (const n of [5, 6, 7]) {
    const t = await cloud.claim({ path: `Needs_Action/EMAIL_${n}.md` });
    await cloud.writeDraft({ task: t.path, body: `Draft ${n}` });
  }
  await cloud.fail('In_Progress/cloud/EMAIL_5.md', 'the customer withdrew');
  await cloud.complete('In_Progress/cloud/EMAIL_6.md', 'answered by phone');
  assert.ok((await ls(root, 'Failed')).includes('DRAFT_EMAIL_5.md'), 'a failed task takes its draft to Failed/');
  assert.ok((await ls(root, 'Done')).includes('DRAFT_EMAIL_6.md'), 'a completed task takes its draft to Done/');

  // A crash after the draft was linked into Done/ but before its old name was removed: both names, one inode.
  await cloud.complete('In_Progress/cloud/EMAIL_7.md', 'done');
  const { link } = await import('node:fs/promises');
  await link(path.join(root, 'Done', 'DRAFT_EMAIL_7.md'), path.join(root, 'Needs_Action', 'cloud', 'DRAFT_EMAIL_7.md'));
  await cloud.recover();
  assert.deepEqual(await ls(root, 'Needs_Action/cloud'), []);
  assert.equal((await ls(root, 'Done')).filter((n) => n.startsWith('DRAFT_EMAIL_7')).length, 1, 'no copy');
});
