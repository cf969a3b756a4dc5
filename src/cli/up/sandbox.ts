import { readdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../core/errors.js';
import { newTaskText } from '../../core/vault/frontmatter.js';
import { ProcessGroup } from './processes.js';
import { standinEnv, startStandins, type Standins } from './standins.js';
import { createWorkspace, type Workspace } from './workspace.js';

export interface SandboxOptions {
  dir: string;
  cli: string;
  autoApprove: boolean;
  say: (line: string) => void;
  signal: AbortSignal;
  /** With --auto-approve: give up after this long. */
  timeoutMs: number;
}

/** The environment of one role's daemons: the stand-ins, the shared remote, short intervals for a demo. */
function roleEnv(ws: Workspace, s: Standins, role: 'cloud' | 'local'): NodeJS.ProcessEnv {
  const every2s = '*/2 * * * * *';
  return {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? ws.root,
    LOG_LEVEL: 'info',
    ...standinEnv(s),
    AGENT_ROLE: role,
    ...(role === 'cloud' ? { CLOUD_DRAFT_ONLY: 'true' } : {}),
    VAULT_PATH: role === 'cloud' ? ws.cloudVault : ws.localVault,
    AI_EMPLOYEE_STATE_DIR: role === 'cloud' ? ws.cloudState : ws.localState,
    VAULT_REMOTE: ws.remote,
    SYNC_INTERVAL_SECONDS: '2',
    WATCH_GMAIL_SCHEDULE: every2s,
    WATCH_TWITTER_SCHEDULE: every2s,
    WATCH_FACEBOOK_SCHEDULE: every2s,
    WATCH_INSTAGRAM_SCHEDULE: every2s,
    // Git needs a committer on a fresh machine; the author (for people reading the history) is set by the sync per role.
    GIT_COMMITTER_NAME: 'ai-employee sandbox',
    GIT_COMMITTER_EMAIL: 'sandbox@ai-employee.invalid',
  };
}

const CLOUD_DAEMONS: Array<[string, string[]]> = [
  ['cloud-gmail-watcher', ['watch', 'gmail']],
  ['cloud-twitter-watcher', ['watch', 'twitter']],
  ['cloud-facebook-watcher', ['watch', 'facebook']],
  ['cloud-instagram-watcher', ['watch', 'instagram']],
  ['cloud-draft-worker', ['worker', 'draft', '--interval', '1']],
  ['cloud-odoo-mcp', ['worker', 'odoo', '--interval', '1']],
  ['cloud-odoo-health', ['health', 'odoo', '--watch', '--interval', '10']],
  ['cloud-git-sync', ['sync']],
];
const LOCAL_DAEMONS: Array<[string, string[]]> = [
  ['local-executor', ['worker', 'local-executor']],
  ['local-git-sync', ['sync']],
  ['local-dashboard', ['dashboard', '--watch', '--interval', '3']],
];

const names = (dir: string) => readdir(dir).catch(() => [] as string[]);

/** Task files still in a queue (Needs_Action/ and its role folders) on either vault. */
async function queuedFiles(ws: Workspace): Promise<string[]> {
  const out: string[] = [];
  for (const vault of [ws.cloudVault, ws.localVault])
    for (const queue of ['Needs_Action', 'Needs_Action/cloud', 'Needs_Action/local'])
      for (const name of await names(path.join(vault, ...queue.split('/'))))
        if (name.endsWith('.md')) out.push(path.join(vault, queue, name));
  return out;
}

/**
 * `npm start` with no credentials (DESIGN §1's Platinum flow on one machine): a bare git remote, a cloud and a
 * local vault, the stand-ins for Gmail, X, Graph and Odoo, every cloud daemon and the local executor as real
 * processes syncing through git. It seeds a customer mail and an invoice task, reports each step, and tells the
 * owner which file to move to approve — or moves it itself with --auto-approve and ends when both are done.
 */
export async function runSandbox(o: SandboxOptions): Promise<void> {
  const ws = await createWorkspace(o.dir);
  const standins = await startStandins();
  const group = new ProcessGroup(o.cli, ws.logs);
  try {
    const cloudEnv = roleEnv(ws, standins, 'cloud');
    const localEnv = roleEnv(ws, standins, 'local');
    o.say(`Sandbox in ${ws.root} (logs in ${ws.logs})`);
    // The owner's machine seeds the shared history; cloud joins it.
    if ((await group.run('local-sync-init', ['sync', '--once'], localEnv)) !== 0)
      throw setupFailed(ws, 'local-sync-init');
    if ((await group.run('cloud-sync-init', ['sync', '--once'], cloudEnv)) !== 0)
      throw setupFailed(ws, 'cloud-sync-init');
    for (const [name, args] of CLOUD_DAEMONS) group.start(name, args, cloudEnv);
    for (const [name, args] of LOCAL_DAEMONS) group.start(name, args, localEnv);
    o.say(`Started ${CLOUD_DAEMONS.length} cloud daemons and ${LOCAL_DAEMONS.length} local ones.`);

    standins.gmail.addMessage({
      from: 'Dana Customer <dana@example.com>',
      subject: 'Blue chairs in stock?',
      snippet: 'Hello, do you have 12 of the blue chairs in stock? I would need them by Friday. Dana',
    });
    await writeFile(
      path.join(ws.cloudVault, 'Needs_Action', 'cloud', 'ODOO_DRAFT_INVOICE_sample.md'),
      newTaskText(
        {
          id: 'invoice-req:sample',
          type: 'odoo_draft_invoice',
          created: new Date().toISOString(),
          partner: { name: 'Dana Customer', email: 'dana@example.com' },
          lines: [{ name: 'Blue chair', quantity: 12, price_unit: 45 }],
          currency: 'EUR',
        },
        'Invoice Dana for 12 blue chairs.',
      ),
    );
    o.say('Seeded: a customer mail in the Gmail stand-in, an invoice task in cloud/Needs_Action/cloud/.');
    await followProgress(ws, standins, o);
  } finally {
    await group.stopAll();
    await standins.close();
  }
}

function setupFailed(ws: Workspace, step: string): AppError {
  return new AppError(
    'upstream',
    `The sandbox could not start: ${step} failed; see ${path.join(ws.logs, `${step}.log`)}.`,
  );
}

/** Prints each step of the two flows once, as it happens in the vaults and the stand-ins. */
async function followProgress(ws: Workspace, s: Standins, o: SandboxOptions): Promise<void> {
  const seen = new Set<string>();
  const step = (key: string, line: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    o.say(`  • ${line}`);
  };
  const deadline = Date.now() + o.timeoutMs;
  while (!o.signal.aborted) {
    const cloudPending = await names(path.join(ws.cloudVault, 'Pending_Approval'));
    const localPending = await names(path.join(ws.localVault, 'Pending_Approval'));
    const cloudDone = await names(path.join(ws.cloudVault, 'Done'));
    const localDone = await names(path.join(ws.localVault, 'Done'));
    const cloudTasks = [
      ...(await names(path.join(ws.cloudVault, 'Needs_Action'))),
      ...(await names(path.join(ws.cloudVault, 'In_Progress', 'cloud'))),
    ];
    if (cloudTasks.some((n) => n.startsWith('EMAIL_')))
      step('mail-task', 'cloud: the Gmail watcher turned the mail into a task');
    for (const name of cloudPending) {
      if (name.startsWith('EMAIL_SEND_')) step('mail-draft', `cloud: drafted a reply and asked for approval (${name})`);
      if (name.startsWith('ODOO_POST_INVOICE_'))
        step('invoice-draft', `cloud: created a draft invoice in Odoo and asked to post it (${name})`);
    }
    for (const name of localPending.filter((n) => n.endsWith('.md'))) {
      const from = path.join(ws.localVault, 'Pending_Approval', name);
      if (o.autoApprove) {
        await rename(from, path.join(ws.localVault, 'Approved', name)).catch(() => undefined);
        step(`approve-${name}`, `local: approved ${name} (--auto-approve moved it to Approved/)`);
      } else {
        step(
          `ask-${name}`,
          `local: waiting for you — to approve, move\n      ${from}\n    to ${path.join(ws.localVault, 'Approved')}/ (or to Rejected/ to refuse)`,
        );
      }
    }
    if (s.gmail.sent.length > 0)
      step('mail-sent', `local: the reply was sent (the Gmail stand-in received ${s.gmail.sent.length})`);
    const posted = s.odoo.records('account.move').filter((r) => r['state'] === 'posted');
    if (posted.length > 0) step('invoice-posted', `local: invoice posted as ${String(posted[0]?.['name'])}`);
    const filed = ['EMAIL_SEND_', 'ODOO_POST_INVOICE_'].every(
      (p) => cloudDone.some((n) => n.startsWith(p)) && localDone.some((n) => n.startsWith(p)),
    );
    if (filed) step('filed', 'both: the approvals, their tasks and the results are in Done/ on cloud and local');
    // Drafts follow their task to Done/ (cloud files its own once it sees the task done), so the flow is over
    // only when no queue holds anything on either machine.
    const queued = filed ? await queuedFiles(ws) : ['(not filed yet)'];
    if (filed && queued.length === 0) step('queues-empty', 'both: Needs_Action/ is empty; the drafts are in Done/');
    if (filed && queued.length === 0 && seen.has('mail-sent') && seen.has('invoice-posted')) {
      o.say(o.autoApprove ? 'The Platinum flow is complete.' : 'The Platinum flow is complete. Press Ctrl-C to stop.');
      if (o.autoApprove) return;
    }
    if (o.autoApprove && Date.now() > deadline) {
      throw new AppError(
        'timeout',
        `The sandbox flow did not complete within ${Math.round(o.timeoutMs / 1000)} s; see the logs in ${ws.logs}.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
