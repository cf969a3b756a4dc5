import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { B64, HEX, fake, type GuardSample } from './guard-samples.js';
import { VAULT_FOLDERS } from '../../src/core/vault/layout.js';

/** A fresh temp folder under os.tmpdir(). */
export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `${prefix}-`));
}

/** Writes `content` at `rel` under `root`, creating parent folders. */
export async function put(root: string, rel: string, content: string | Buffer): Promise<void> {
  const file = path.join(root, rel);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
}

/** Writes one sample: a file, or a folder with a harmless file inside. */
export async function writeSample(root: string, sample: GuardSample): Promise<void> {
  if (sample.dir) await put(root, `${sample.path}/state.json`, sample.content);
  else await put(root, sample.path, sample.content);
}

// The protocol's own folder list: a skeleton here must be the vault's skeleton.
const FOLDERS = VAULT_FOLDERS;

/**
 * A realistic vault with nothing secret in it: the skeleton, task files with frontmatter, hashes, ids,
 * audit lines, prose about secrets, placeholders and base64 text. The guard must raise nothing here.
 */
export async function writeCleanVault(root: string): Promise<void> {
  const sha256 = fake(101, 64, HEX);
  const sha256b = fake(102, 64, HEX);
  const gitSha = fake(103, 40, HEX);
  const md5Upper = fake(104, 32, HEX).toUpperCase();
  const sha512 = fake(105, 128, HEX);
  const uuid = `${fake(106, 8, HEX)}-${fake(107, 4, HEX)}-4${fake(108, 3, HEX)}-a${fake(109, 3, HEX)}-${fake(110, 12, HEX)}`;
  const gmailId = fake(111, 16, HEX);
  const base64Text = Buffer.from(Array.from({ length: 1500 }, (_, i) => (i * 7919 + 13) % 256)).toString('base64');
  const zeroPrefixed = Buffer.concat([Buffer.alloc(24), Buffer.from('attachment body', 'utf8')]).toString('base64');

  for (const folder of FOLDERS) await put(root, `${folder}/.gitkeep`, '');
  await put(
    root,
    '.gitignore',
    ['.env', '.env.*', '!.env.example', '*.pem', '*.key', '.obsidian/workspace.json', ''].join('\n'),
  );
  await put(root, '.obsidian/app.json', JSON.stringify({ alwaysUpdateLinks: true, attachmentFolderPath: 'Inbox' }));
  await put(
    root,
    'Dashboard.md',
    [
      '---',
      `updated: 2026-01-05T09:00:00Z`,
      '---',
      '# Dashboard',
      '',
      '| Queue | Count |',
      '| --- | --- |',
      '| Needs_Action | 3 |',
      '| Pending_Approval | 1 |',
      '',
      `Last sync: 2026-01-05 08:59 (commit ${gitSha}), guard: OK.`,
      '',
    ].join('\n'),
  );
  await put(
    root,
    'Company_Handbook.md',
    [
      '# Company Handbook',
      '',
      '## Secrets',
      '',
      '- Never paste a password, API key, token or private key into the vault.',
      '- The Odoo API key lives in `.env` on each machine (ODOO_API_KEY), never here.',
      '- password: ask the owner by phone.',
      '- A PEM block starts with -----BEGIN PRIVATE KEY----- and must never be pasted here.',
      '- Files like `credentials.json`, `token.json` or `*.pem` are blocked by the guard.',
      '',
      '## Tone',
      '',
      'Be polite; reply within one working day; payments above 500 EUR always need approval.',
      '',
    ].join('\n'),
  );
  await put(
    root,
    `Needs_Action/EMAIL_${gmailId}.md`,
    [
      '---',
      `id: gmail:${gmailId}`,
      'type: email',
      'source: gmail',
      'created: 2026-01-05T08:10:00Z',
      'status: new',
      'priority: normal',
      'from: "Jane Client <jane@client.example>"',
      'subject: "Invoice for December, and my new password reset"',
      `thread_id: ${fake(112, 16, HEX)}`,
      '---',
      '',
      'Hi, could you send the December invoice? I reset my portal password: it works again.',
      '',
      'Attachment preview (base64):',
      '',
      base64Text,
      '',
      `![logo](data:image/png;base64,${zeroPrefixed})`,
      '',
    ].join('\n'),
  );
  await put(
    root,
    `Pending_Approval/EMAIL_SEND_gmail_${gmailId}.md`,
    [
      '---',
      'type: approval_request',
      `id: approval:${uuid}`,
      'action: send_email',
      'to: jane@client.example',
      'subject: "Re: Invoice for December"',
      'reason: reply drafted from the client mail',
      'created: 2026-01-05T08:12:00Z',
      'expires: 2026-01-07T08:12:00Z',
      'status: pending',
      'requested_by: cloud',
      `source_task: Needs_Action/EMAIL_${gmailId}.md`,
      `draft: Plans/DRAFT_${gmailId}.md`,
      `content_sha256: ${sha256}`,
      '---',
      '',
      'Approving sends this reply to jane@client.example. Move the file to Approved/ to send, or to Rejected/.',
      '',
    ].join('\n'),
  );
  await put(
    root,
    `Done/ODOO_POST_INVOICE_${uuid}.md`,
    [
      '---',
      'type: approval_request',
      'action: post_invoice',
      'invoice_id: 42',
      'amount: 1250.00',
      'currency: EUR',
      'status: done',
      `content_sha256: ${sha256b}`,
      `executed_commit: ${gitSha}`,
      `request_id: ${uuid}`,
      `checksum_md5: ${md5Upper}`,
      `sha512: ${sha512}`,
      '---',
      '',
      'Posted invoice INV/2026/0001 for 1,250.00 EUR.',
      '',
    ].join('\n'),
  );
  await put(
    root,
    'Plans/PLAN_setup.md',
    [
      '# Setup plan',
      '',
      '- Set ODOO_API_KEY=${ODOO_API_KEY} from the machine environment.',
      '- ODOO_API_KEY=<your api key>',
      '- DATABASE_URL=postgres://odoo:${DB_PASSWORD}@db:5432/odoo',
      '- Example URL: postgres://user:password@localhost/db',
      '- password_file: /run/secrets/odoo_admin_password',
      '- secret_name: ODOO_ADMIN_PASSWORD_SECRET',
      '- api_key: see the environment',
      '- Read the notes in sk-learn-classification-model-comparison-notes-for-q3.md',
      '- Task slug: task-follow-up-with-jane-about-december-invoice-and-payment',
      '',
    ].join('\n'),
  );
  await put(
    root,
    'Logs/2026-01-05.cloud.jsonl',
    [
      {
        timestamp: '2026-01-05T08:12:00.000Z',
        action_type: 'approval.request',
        actor: { role: 'cloud', process: 'cloud-draft-worker' },
        target: `Pending_Approval/EMAIL_SEND_gmail_${gmailId}.md`,
        parameters: { to: 'jane@client.example', password: '[redacted]', token: '[redacted]', content_sha256: sha256 },
        approval_status: 'pending',
        approved_by: null,
        result: 'ok',
        error: null,
        request_id: uuid,
        commit: gitSha,
      },
    ]
      .map((line) => JSON.stringify(line))
      .join('\n') + '\n',
  );
  await put(
    root,
    '.env.example',
    [
      'ODOO_URL=http://localhost:8069',
      'ODOO_API_KEY=',
      'GMAIL_CLIENT_SECRET=changeme',
      'DATABASE_URL=postgres://user:password@localhost/odoo',
      '',
    ].join('\n'),
  );
  await put(root, 'Inbox/random.b64.txt', fake(113, 4000, B64));
}
