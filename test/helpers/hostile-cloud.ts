import { spawn } from 'node:child_process';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { approvalContentHash } from '../../src/core/vault/approval-actions.js';
import { renderTextBlock } from '../../src/core/vault/approval-text.js';
import { GENESIS_PREV, lineHash } from '../../src/core/vault/audit.js';
import { newTaskText } from '../../src/core/vault/frontmatter.js';
import { gitEnv } from './git-pair.js';
import type { Rng } from './prng.js';

/**
 * A compromised cloud for the hostile-cloud fuzzer (test/integration/sync-hostile-fuzz.test.ts, issue 10). It
 * works with plain git in its own bare clone of the vault remote: each round is one commit of a few random
 * hostile changes, written with `git fast-import` (one process for a whole batch of rounds: in a big test
 * process every spawn costs tens of milliseconds, and a thousand rounds must fit the time budget), with any
 * file mode (symlink 120000, submodule 160000, executable), any path git can store and any author; now and
 * then a round is made the plain way instead: real symlinks and files in a scratch work tree, staged with
 * `git add`. Nothing here knows the door's rules: it aims at what local must never take, and at the names and
 * fields decisions rest on.
 */

/** Runs git with the tests' environment; resolves with stdout as bytes, rejects with stderr. */
export function runGit(
  cwd: string,
  args: string[],
  options: { input?: string; env?: Record<string, string>; shell?: string } = {},
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const env = { ...gitEnv(), ...options.env };
    const child =
      options.shell === undefined ? spawn('git', args, { cwd, env }) : spawn('sh', ['-c', options.shell], { cwd, env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else
        reject(
          new Error(
            `${options.shell ?? `git ${args.join(' ')}`} failed (${code}): ${Buffer.concat(err).toString('utf8').trim()}`,
          ),
        );
    });
    child.stdin.on('error', () => undefined); // a git that exits early closes its stdin
    child.stdin.end(options.input ?? '');
  });
}

/** Runs a shell command line (git commands chained) with the tests' git environment. */
export function runSh(cwd: string, line: string, input?: string): Promise<Buffer> {
  return runGit(cwd, [], { input, shell: line });
}

/** One entry of the remote tree as the attacker holds it: a blob's text, a symlink's target or a gitlink's id. */
interface Entry {
  mode: '100644' | '100755' | '120000' | '160000';
  data: string;
  /** The blob, when `git add` already wrote it. */
  oid?: string;
}

/** Who a commit claims to be: the sync's names, the owner, or nobody in particular. */
const AUTHORS = [
  'ai-employee-local <local@ai-employee.invalid>',
  'ai-employee-local <local@ai-employee.invalid>',
  'owner <owner@example.com>',
  'ai-employee-cloud <cloud@ai-employee.invalid>',
  'Local Laptop <laptop@example.com>',
];

/** Folders (and their look-alikes) that only local writes: variants of case, Unicode form and invisible marks. */
const PROTECTED_DIRS = [
  'Approved',
  'Approved',
  'approved',
  'APPROVED',
  'Approve\u0301d',
  '\uff21pproved',
  'Approved\u200d',
  'Rejected',
  'rejected',
  'In_Progress/local',
  'In_Progress/local',
  'In_Progress/Local',
  'in_progress/local',
  'IN_PROGRESS/LOCAL',
  'Inbox',
  '.obsidian',
  'pending_approval',
  'PENDING_APPROVAL',
  'Pending_approval',
  'Logs/sub',
  'logs',
  'Approved/sub',
];

/** Folders local takes from cloud (and folded look-alikes of them). */
const ACCEPTED_DIRS = [
  'Pending_Approval',
  'Pending_Approval',
  'Needs_Action',
  'Needs_Action/local',
  'Needs_Action/cloud',
  'In_Progress/cloud',
  'In_Progress/Cloud',
  'Plans',
  'Done',
  'Failed',
  'Updates',
];

const TOP_FILES = [
  'Dashboard.md',
  'Dashboard.md',
  'dashboard.md',
  'DASHBOARD.md',
  'Dashboard.MD',
  'Dashboard\u0301.md',
  'Company_Handbook.md',
  '.gitignore',
  '.gitattributes',
  '.gitmodules',
  'README.md',
];

const LINK_TARGETS = [
  '../Approved',
  '../../Approved',
  '../Approved/EMAIL_SEND_EMAIL_1.md',
  '../../Logs',
  '/etc/passwd',
  '/tmp',
  '..',
  '.',
  'Approved',
  '../.git/config',
  '../Dashboard.md',
];

/** Names git refuses to check out (`.git` in any case or NTFS spelling, `..`): a door must not take them. */
const GIT_INVALID = ['.git', '.Git', '.GIT', '.git.', 'git~1'];
const DOTDOT = ['Needs_Action/../Approved', 'Plans/../Approved', 'Pending_Approval/..', 'Plans/./x'];

/** Names that are awkward to quote, print or compare. */
const ODD_NAMES = [
  'a"quote.md',
  'tab\there.md',
  'new\nline.md',
  'back\\slash.md',
  '-dash.md',
  'colon:name.md',
  'trailing .md',
  'star*.md',
  ':(top)magic.md',
  '.hidden.md',
  '.tmp-leftover.md',
  '.claiming-0-000000000000-EMAIL_1.md',
  'x'.repeat(240) + '.md',
  'Caf\u00e9.md',
  'Cafe\u0301.md',
  'EMAIL_SEND_EMAIL_1.MD',
];

const HEX = '0123456789abcdef';

export type OpName =
  | 'forge-approved'
  | 'protected-write'
  | 'case-variant'
  | 'pending-variant'
  | 'rewrite'
  | 'rewrite-pending'
  | 'delete'
  | 'rename'
  | 'symlink'
  | 'gitlink'
  | 'exec-bit'
  | 'dir-file'
  | 'claim-forgery'
  | 'resurrect'
  | 'new-request'
  | 'attributes'
  | 'git-invalid'
  | 'odd-name'
  | 'sweep'
  | 'withdraw'
  /** Not kinds of change but parts of several: the deletion of a folder's `.gitkeep` (any deleting kind), */
  | 'gitkeep'
  /** a request whose `source_task` names one of local's own tasks, */
  | 'source-task'
  /** a rewrite of a claimed task (In_Progress/) into something that is no task. */
  | 'wreck-task';

/** How often each kind of hostile change is chosen. */
const OPS: ReadonlyArray<[OpName, number]> = [
  ['forge-approved', 8],
  ['protected-write', 10],
  ['case-variant', 8],
  ['pending-variant', 6],
  ['rewrite', 10],
  ['rewrite-pending', 8],
  ['delete', 7],
  ['rename', 10],
  ['symlink', 6],
  ['gitlink', 2],
  ['exec-bit', 2],
  ['dir-file', 3],
  ['claim-forgery', 4],
  ['resurrect', 6],
  ['new-request', 8],
  ['attributes', 2],
  ['git-invalid', 1],
  ['odd-name', 3],
  ['sweep', 2],
  ['withdraw', 4],
];
export const OP_NAMES: readonly OpName[] = [...OPS.map(([name]) => name), 'gitkeep', 'source-task', 'wreck-task'];

/** A forged approval line for a log file, chained to `prev` as the real writer would. */
function forgedLogLine(prev: string, n: number): string {
  return JSON.stringify({
    timestamp: new Date(Date.UTC(2027, 0, 1) + n * 1000).toISOString(),
    action_type: 'approval.approve',
    actor: { role: 'local', process: 'owner' },
    target: `Approved/EMAIL_SEND_EMAIL_${n}.md`,
    approval_status: 'approved',
    approved_by: 'owner',
    result: 'ok',
    prev,
  });
}

/** Sets `key: value` in a file's frontmatter (adds a frontmatter when there is none). */
export function setFrontmatterField(text: string, key: string, value: string): string {
  const line = `${key}: ${JSON.stringify(value)}`;
  const match = /^---\n([\s\S]*?)\n---\n/.exec(text);
  if (!match) return `---\n${line}\n---\n${text}`;
  const header = match[1] as string;
  const re = new RegExp(`^${key}:.*$`, 'm');
  const next = re.test(header) ? header.replace(re, line) : `${header}\n${line}`;
  return `---\n${next}\n---\n${text.slice(match[0].length)}`;
}

/** Replaces the text block of an approval (or appends one): what the executor would send. */
export function replaceTextBlock(text: string, block: string): string {
  const lines = text.split('\n');
  const begin = lines.findIndex((l) => l.includes('ai-employee:text-begin'));
  const end = lines.findIndex((l) => l.includes('ai-employee:text-end'));
  if (begin < 0 || end < begin) return `${text.replace(/\n?$/, '\n')}\n${renderTextBlock(block)}\n`;
  return [...lines.slice(0, begin + 1), block, ...lines.slice(end)].join('\n');
}

/** C-style quoting for fast-import paths. */
export function quotePath(p: string): string {
  let out = '"';
  for (const ch of p) {
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch.charCodeAt(0) < 0x20) out += `\\${ch.charCodeAt(0).toString(8).padStart(3, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

const RANDOM_UPDATE = /^Updates\/.*_[0-9a-f]{6}\.md$/;

export class HostileCloud {
  /** How often each kind of change was made. */
  readonly counts = new Map<string, number>();
  commits = 0;
  pushes = 0;
  /** Commits of cloud's honest work carried to the remote. */
  carried = 0;
  private model = new Map<string, Entry>();
  private touched = new Set<string>();
  private readonly blobs = new Map<string, string>();
  private stream: string[] = [];
  private firstCommit = true;
  private seq = 0;
  private readonly ops: ReadonlyArray<[OpName, number]>;

  private constructor(
    readonly root: string,
    private readonly rnd: Rng,
    private readonly off: ReadonlySet<string>,
  ) {
    this.ops = OPS.filter(([name]) => !off.has(name));
  }

  /** A deletion the attacker chose (as opposed to one a replacement forces). */
  private drop(p: string): void {
    if (this.off.has('gitkeep') && p.endsWith('/.gitkeep')) return;
    this.del(p);
  }

  /** A bare clone of the remote: the attacker never checks its tree out (it may hold paths git cannot check out). */
  static async clone(remote: string, root: string, rnd: Rng, off: ReadonlySet<string>): Promise<HostileCloud> {
    await runGit(path.dirname(root), ['clone', '-q', '--bare', remote, root]);
    return new HostileCloud(root, rnd, off);
  }

  private count(what: string): void {
    this.counts.set(what, (this.counts.get(what) ?? 0) + 1);
  }

  /** Takes the remote's main as it is now, and reads every file of it (blobs are cached by id). */
  async refresh(): Promise<void> {
    // One spawn for both (a big test process forks slowly, so the attacker spawns as little as it can).
    const listing = (
      await runSh(this.root, 'git fetch -q origin +refs/heads/main:refs/heads/main && git ls-tree -r -z main')
    ).toString('utf8');
    const rows: Array<{ mode: Entry['mode']; oid: string; path: string }> = [];
    for (const item of listing.split('\0')) {
      const m = /^(\d{6}) (?:blob|commit) ([0-9a-f]{40})\t([\s\S]+)$/.exec(item);
      if (m) rows.push({ mode: m[1] as Entry['mode'], oid: m[2] as string, path: m[3] as string });
    }
    const missing = [...new Set(rows.filter((r) => r.mode !== '160000' && !this.blobs.has(r.oid)).map((r) => r.oid))];
    if (missing.length > 0) {
      const out = await runGit(this.root, ['cat-file', '--batch'], { input: `${missing.join('\n')}\n` });
      let at = 0;
      while (at < out.length) {
        const nl = out.indexOf(0x0a, at);
        const [oid, , size] = out.subarray(at, nl).toString('utf8').split(' ');
        const length = Number(size);
        this.blobs.set(oid as string, out.subarray(nl + 1, nl + 1 + length).toString('utf8'));
        at = nl + 1 + length + 1;
      }
    }
    this.model = new Map(
      rows.map((r) => [r.path, { mode: r.mode, data: r.mode === '160000' ? r.oid : (this.blobs.get(r.oid) ?? '') }]),
    );
    // Keep only the blobs of this tree: the cache must not grow with the run (a big process forks slowly).
    const live = new Set(rows.map((r) => r.oid));
    for (const oid of [...this.blobs.keys()]) if (!live.has(oid)) this.blobs.delete(oid);
    this.stream = [];
    this.firstCommit = true;
  }

  /** The paths now in the attacker's tree, sorted; Updates/ names with a random suffix are left out (replay). */
  private paths(filter: (p: string) => boolean = () => true): string[] {
    return [...this.model.keys()].filter((p) => !RANDOM_UPDATE.test(p) && filter(p)).sort();
  }

  private text(p: string): string {
    const e = this.model.get(p);
    return e && (e.mode === '100644' || e.mode === '100755') ? e.data : '';
  }

  private set(p: string, entry: Entry): void {
    // A path is a file or a folder, never both: drop what stands in the way, as git's tree would.
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) {
      const up = parts.slice(0, i).join('/');
      if (this.model.has(up)) this.del(up);
    }
    for (const other of [...this.model.keys()]) if (other.startsWith(`${p}/`)) this.del(other);
    this.model.set(p, entry);
    this.touched.add(p);
  }

  private del(p: string): void {
    if (this.model.delete(p)) this.touched.add(p);
  }

  private file(p: string, data: string): void {
    this.set(p, { mode: '100644', data });
  }

  private localLogs(): string[] {
    return this.paths((p) => /^Logs\/[^/]+\.local\.jsonl$/.test(p));
  }

  private pending(): string[] {
    return this.paths((p) => p.startsWith('Pending_Approval/') && p.endsWith('.md'));
  }

  /** Names worth aiming at: requests now pending, those local approved or filed, and made-up ones. */
  private targetName(): string {
    const r = this.rnd.next();
    const known = this.paths((p) => /^(Pending_Approval|Approved|Rejected|Done|In_Progress\/(local|cloud))\//.test(p))
      .map((p) => p.slice(p.lastIndexOf('/') + 1))
      .filter((n) => n.endsWith('.md'));
    if (r < 0.6 && known.length > 0) return this.rnd.pick(known) as string;
    if (r < 0.9 || this.off.has('odd-name')) return `EMAIL_SEND_EMAIL_${1 + this.rnd.int(40)}.md`;
    return this.rnd.pick(ODD_NAMES) as string;
  }

  private hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += HEX[this.rnd.int(16)];
    return s;
  }

  /** A made-up approval request: valid, or subtly not; to the attacker, or copying a real one's id and date. */
  private request(base?: Record<string, unknown>): string {
    const n = ++this.seq;
    const action = this.rnd.pick([
      'send_email',
      'send_email',
      'send_email',
      'register_payment',
      'publish_reply',
    ]) as string;
    const params: Record<string, unknown> =
      action === 'send_email'
        ? {
            to: this.rnd.pick(['attacker@evil.example', 'customer@example.com', 'boss@example.com']),
            subject: 'Re: wire',
          }
        : action === 'register_payment'
          ? { invoice_id: 1 + this.rnd.int(9), amount: 5000, currency: 'EUR', recipient: 'IBAN XX00 EVIL' }
          : { platform: 'x', target_id: `tweet-${n}` };
    const text = action === 'register_payment' ? '' : `Please wire 5,000 EUR to IBAN XX00 EVIL (${n}).`;
    const id =
      typeof base?.['id'] === 'string' && this.rnd.chance(0.7)
        ? base['id']
        : `EMAIL_SEND_EMAIL_${1 + this.rnd.int(40)}`;
    const created =
      typeof base?.['created'] === 'string' && this.rnd.chance(0.7)
        ? base['created']
        : new Date(Date.UTC(2027, 0, 4, 9) + n * 1000).toISOString();
    const expires = this.rnd.chance(0.15) ? '2020-01-01T00:00:00.000Z' : '2030-01-01T00:00:00.000Z';
    const hash = this.rnd.chance(0.8) ? approvalContentHash(action, params, text) : this.hex(64);
    const extra: Record<string, unknown> = {};
    if (this.rnd.chance(0.4)) extra['status'] = this.rnd.pick(['approved', 'executed', 'pending']);
    if (this.rnd.chance(0.4)) extra['approved_by'] = 'owner';
    if (this.rnd.chance(0.3)) extra['claimed_from'] = 'Approved';
    if (this.rnd.chance(0.2)) extra['approved_at'] = '2027-01-04T09:00:00.000Z';
    const body = [
      '# Approval needed',
      '',
      'The text, exactly as it will be sent:',
      '',
      ...(text === '' ? [] : [renderTextBlock(text)]),
      ...(this.rnd.chance(0.1) ? [renderTextBlock('And a second block.')] : []),
      '',
    ].join('\n');
    return newTaskText(
      {
        type: 'approval_request',
        id,
        action,
        ...params,
        reason: 'Requested while handling a task',
        created,
        expires,
        status: 'pending',
        requested_by: this.rnd.pick(['cloud:mcp-server', 'local:owner']),
        source_task:
          this.rnd.chance(0.5) && !this.off.has('source-task')
            ? (this.rnd.pick(this.paths((p) => p.startsWith('In_Progress/local/') && p.endsWith('.md'))) ??
              `In_Progress/local/TASK_${1 + this.rnd.int(5)}.md`)
            : undefined,
        content_sha256: hash,
        ...extra,
      },
      body,
    );
  }

  private frontmatterOf(text: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const match = /^---\n([\s\S]*?)\n---\n/.exec(text);
    for (const line of (match?.[1] ?? '').split('\n')) {
      const m = /^([a-z_0-9]+): (.*)$/.exec(line);
      if (m) out[m[1] as string] = (m[2] as string).replace(/^"(.*)"$/, '$1');
    }
    return out;
  }

  /** A hostile edit of a file's text: the fields decisions rest on, the text block, or the bytes themselves. */
  private mangle(text: string): string {
    switch (this.rnd.int(9)) {
      case 0:
        return setFrontmatterField(text, 'claimed_from', 'Approved');
      case 1:
        return setFrontmatterField(text, 'status', this.rnd.pick(['approved', 'executed', 'in_progress']) as string);
      case 2:
        return setFrontmatterField(text, 'content_sha256', this.hex(64));
      case 3:
        return setFrontmatterField(
          setFrontmatterField(text, 'approved_by', 'owner'),
          'approved_at',
          '2027-01-04T09:00:00Z',
        );
      case 4:
        return setFrontmatterField(text, 'to', 'attacker@evil.example');
      case 5:
        return replaceTextBlock(text, 'Please wire 5,000 EUR to IBAN XX00 EVIL.');
      case 6:
        return `${text}\n- appended by cloud ${this.seq++}\n`;
      case 7:
        return text.slice(0, Math.floor(text.length / 2));
      default:
        return this.rnd.chance(0.5) ? '' : `garbage ${this.hex(8)}\n\u0000\u00ff`;
    }
  }

  /** A rewrite of local's own log: emptied, a line dropped, or forged lines chained as the real writer would. */
  private mangleLog(text: string): string {
    const lines = text.split('\n').filter(Boolean);
    switch (this.rnd.int(4)) {
      case 0:
        return '';
      case 1:
        return lines.length > 0 ? `${lines.slice(1).join('\n')}\n` : '';
      case 2: {
        const last = lines[lines.length - 1];
        return `${text}${forgedLogLine(last === undefined ? GENESIS_PREV : lineHash(last), ++this.seq)}\n`;
      }
      default:
        return `${forgedLogLine(GENESIS_PREV, ++this.seq)}\n`;
    }
  }

  /** Case, Unicode-form and invisible-mark variants of a name. */
  private variant(name: string): string {
    switch (this.rnd.int(6)) {
      case 0:
        return name.toLowerCase();
      case 1:
        return name.toUpperCase();
      case 2:
        return name.normalize('NFD') === name ? `Cafe\u0301_${name}` : name.normalize('NFD');
      case 3:
        return `${name.slice(0, 1)}\u0301${name.slice(1)}`;
      case 4:
        return name.replace(/\.md$/i, '\u200d.md');
      default:
        return name.slice(0, 1).toLowerCase() + name.slice(1);
    }
  }

  private someLogName(): string {
    return (
      this.rnd.pick(this.localLogs()) ??
      `Logs/${new Date(Date.UTC(2027, 0, 4 + this.rnd.int(3))).toISOString().slice(0, 10)}.local.jsonl`
    );
  }

  /** One hostile change of the given kind. */
  private apply(op: OpName): void {
    const rnd = this.rnd;
    switch (op) {
      case 'forge-approved': {
        // Cloud's own approval: a request copied (and edited) into Approved/, or made up.
        const source = rnd.pick(this.pending());
        const text = source && rnd.chance(0.6) ? this.text(source) : this.request();
        const name = source && rnd.chance(0.7) ? source.slice(source.lastIndexOf('/') + 1) : this.targetName();
        this.file(`Approved/${name}`, rnd.chance(0.5) ? setFrontmatterField(text, 'approved_by', 'owner') : text);
        if (source && rnd.chance(0.5)) this.del(source);
        return;
      }
      case 'protected-write': {
        const r = rnd.next();
        if (r < 0.3) {
          const log = this.someLogName();
          this.file(log, this.model.has(log) ? this.mangleLog(this.text(log)) : this.mangleLog(''));
        } else if (r < 0.5) {
          const f = rnd.pick(TOP_FILES) as string;
          this.file(
            f,
            this.model.has(f) && rnd.chance(0.5) ? this.mangle(this.text(f)) : `# Forged ${f}\n- approved all\n`,
          );
        } else {
          const dir = rnd.pick(PROTECTED_DIRS) as string;
          this.file(
            `${dir}/${this.targetName()}`,
            this.request(this.frontmatterOf(this.text(rnd.pick(this.pending()) ?? ''))),
          );
        }
        return;
      }
      case 'case-variant': {
        const dir = rnd.pick(PROTECTED_DIRS) as string;
        const name = rnd.chance(0.5) ? this.variant(this.targetName()) : this.targetName();
        const source = rnd.pick(this.pending());
        this.file(`${dir}/${name}`, source ? this.text(source) : this.request());
        if (rnd.chance(0.3)) {
          const log = this.someLogName();
          this.file(
            log.replace('.local.', rnd.pick(['.LOCAL.', '.Local.', '.loca\u0301l.']) as string),
            this.mangleLog(this.text(log)),
          );
        }
        return;
      }
      case 'pending-variant': {
        // A second request under a name that folds (case, NFC/NFD) to one already pending.
        const source = rnd.pick(this.pending());
        if (!source) return this.apply('new-request');
        const name = source.slice(source.lastIndexOf('/') + 1);
        const base = this.frontmatterOf(this.text(source));
        this.file(
          `Pending_Approval/${this.variant(name)}`,
          rnd.chance(0.5) ? this.request(base) : this.mangle(this.text(source)),
        );
        return;
      }
      case 'rewrite': {
        const p = rnd.pick(
          this.paths(
            (x) =>
              this.model.get(x)?.mode !== '160000' && !(this.off.has('wreck-task') && x.startsWith('In_Progress/')),
          ),
        );
        if (!p) return;
        this.file(p, /\.local\.jsonl$/.test(p) ? this.mangleLog(this.text(p)) : this.mangle(this.text(p)));
        return;
      }
      case 'rewrite-pending': {
        const p = rnd.pick(this.pending());
        if (!p) return this.apply('new-request');
        this.file(p, rnd.chance(0.8) ? this.mangle(this.text(p)) : this.request(this.frontmatterOf(this.text(p))));
        return;
      }
      case 'delete': {
        const all = this.paths();
        for (let i = 1 + rnd.int(3); i > 0; i--) {
          const p = rnd.pick(all);
          if (p) this.drop(p);
        }
        return;
      }
      case 'rename': {
        const r = rnd.next();
        let from: string | undefined;
        let to: string;
        if (r < 0.35) {
          from = rnd.pick(this.pending());
          to = `${rnd.pick(['Approved', 'Approved', 'approved', 'Rejected', 'Done']) as string}/${from?.slice(from.lastIndexOf('/') + 1) ?? 'x.md'}`;
        } else if (r < 0.55) {
          from = rnd.pick(this.paths((p) => p.startsWith('In_Progress/cloud/') || p.startsWith('Needs_Action/')));
          to = `In_Progress/local/${from?.slice(from.lastIndexOf('/') + 1) ?? 'x.md'}`;
        } else {
          from = rnd.pick(this.paths());
          const dir = rnd.pick([...PROTECTED_DIRS, ...ACCEPTED_DIRS]) as string;
          to = `${dir}/${from?.slice(from.lastIndexOf('/') + 1) ?? 'x.md'}`;
        }
        if (!from || from === to) return;
        const entry = this.model.get(from) as Entry;
        this.drop(from);
        this.set(to, entry);
        return;
      }
      case 'symlink': {
        const r = rnd.next();
        const at =
          r < 0.2
            ? this.someLogName()
            : r < 0.35
              ? (rnd.pick(TOP_FILES) as string)
              : `${rnd.pick([...ACCEPTED_DIRS, ...PROTECTED_DIRS]) as string}/${rnd.chance(0.5) ? this.targetName() : 'link'}`;
        this.set(at, { mode: '120000', data: rnd.pick(LINK_TARGETS) as string });
        return;
      }
      case 'gitlink': {
        const dir = rnd.pick([...ACCEPTED_DIRS, 'Approved']) as string;
        this.set(`${dir}/sub${rnd.int(3)}`, { mode: '160000', data: this.hex(40) });
        return;
      }
      case 'exec-bit': {
        const p = rnd.pick(this.paths((x) => this.model.get(x)?.mode === '100644'));
        if (p) this.set(p, { mode: '100755', data: this.text(p) });
        return;
      }
      case 'dir-file': {
        // A folder where a file stands, a file or a link where a folder stands.
        const r = rnd.next();
        const folder = rnd.pick([
          'Approved',
          'Pending_Approval',
          'In_Progress/local',
          'In_Progress/cloud',
          'Logs',
          'Plans',
          'Updates',
        ]) as string;
        if (r < 0.35) this.file(folder, 'not a folder\n');
        else if (r < 0.65) this.set(folder, { mode: '120000', data: rnd.pick(LINK_TARGETS) as string });
        else {
          const p = rnd.pick(this.paths((x) => x.endsWith('.md') || x.endsWith('.jsonl'))) ?? 'Dashboard.md';
          this.file(`${p}/evil.md`, this.request());
        }
        return;
      }
      case 'claim-forgery': {
        // Issue 10, attack 2: local's queue task gone, and an "own claim" of it that says it came from Approved/.
        const task = rnd.pick(this.paths((p) => p.startsWith('Needs_Action/local/') && p.endsWith('.md')));
        const name = task ? task.slice(task.lastIndexOf('/') + 1) : `TASK_${1 + rnd.int(5)}.md`;
        if (task) this.del(task);
        const source = rnd.pick(this.pending());
        let text = source ? this.text(source) : this.request();
        text = setFrontmatterField(text, 'status', 'in_progress');
        text = setFrontmatterField(text, 'claimed_by', 'local:mcp-server');
        text = setFrontmatterField(
          text,
          'claimed_from',
          rnd.pick(['Approved', 'Approved', 'approved', 'Rejected', '../Approved']) as string,
        );
        text = setFrontmatterField(text, 'lease_until', '2020-01-01T00:00:00.000Z');
        this.file(
          `${rnd.pick(['In_Progress/local', 'In_Progress/local', 'In_Progress/Local', 'In_Progress/cloud']) as string}/${name}`,
          text,
        );
        return;
      }
      case 'resurrect': {
        // A request local has approved or filed, back in Pending_Approval/ under its old name.
        const gone = rnd.pick(this.paths((p) => /^(Approved|Done|Rejected|Failed)\/[^/]+\.md$/.test(p)));
        if (!gone) return this.apply('new-request');
        const text = this.text(gone);
        this.file(
          `Pending_Approval/${gone.slice(gone.lastIndexOf('/') + 1)}`,
          rnd.chance(0.5) ? text : setFrontmatterField(this.mangle(text), 'status', 'pending'),
        );
        return;
      }
      case 'new-request': {
        const base = this.frontmatterOf(this.text(rnd.pick(this.pending()) ?? ''));
        this.file(`Pending_Approval/${this.targetName()}`, this.request(base));
        return;
      }
      case 'attributes': {
        const dir = rnd.pick([...ACCEPTED_DIRS, 'Logs', 'In_Progress']) as string;
        const [name, text] = rnd.pick([
          ['.gitignore', '*\n!.gitignore\n'],
          ['.gitattributes', '* text eol=crlf\n'],
          ['.gitattributes', '*.md working-tree-encoding=UTF-16\n'],
          ['.gitattributes', '* filter=evil\n'],
        ] as const) as readonly [string, string];
        this.file(`${dir}/${name}`, text);
        return;
      }
      case 'git-invalid': {
        if (rnd.chance(0.3)) {
          this.file(`${rnd.pick(DOTDOT) as string}/${this.targetName()}`, this.request());
          return;
        }
        const dir = rnd.pick(ACCEPTED_DIRS) as string;
        const seg = rnd.pick(GIT_INVALID) as string;
        this.file(rnd.chance(0.5) ? `${dir}/${seg}/config` : `${dir}/${seg}`, '[core]\n\thooksPath = /tmp\n');
        return;
      }
      case 'odd-name': {
        const dir = rnd.pick(rnd.chance(0.7) ? ACCEPTED_DIRS : PROTECTED_DIRS) as string;
        this.file(`${dir}/${rnd.pick(ODD_NAMES) as string}`, this.request());
        return;
      }
      case 'sweep': {
        // Keeps the tree small: most of what piled up in the filing folders goes.
        for (const p of [...this.model.keys()].filter((x) => /^(Updates|Done|Failed|Plans)\//.test(x)))
          if (rnd.chance(0.8)) this.drop(p);
        return;
      }
      case 'withdraw': {
        const p = rnd.pick(this.pending());
        if (p) this.del(p);
        return;
      }
    }
  }

  private pickOp(): OpName {
    const total = this.ops.reduce((n, [, w]) => n + w, 0);
    let r = this.rnd.next() * total;
    for (const [name, weight] of this.ops) {
      r -= weight;
      if (r < 0) return name;
    }
    return (this.ops[this.ops.length - 1] as [OpName, number])[0];
  }

  /** One round: one commit of one to four hostile changes, under a random author. Returns the kinds used. */
  round(round: number): OpName[] {
    const used: OpName[] = [];
    this.touched = new Set();
    for (let i = 1 + this.rnd.int(4); i > 0; i--) {
      const op = this.pickOp();
      used.push(op);
      this.count(op);
      this.apply(op);
    }
    this.commit(round, used.join(', '));
    return used;
  }

  /** Cloud's honest work (files its vault API wrote) as one commit under cloud's own name, before the rounds. */
  carry(files: ReadonlyArray<readonly [string, string]>, round: number): void {
    this.touched = new Set();
    for (const [rel, text] of files) this.file(rel, text);
    this.commit(round, 'honest work of the cloud vault', 'ai-employee-cloud <cloud@ai-employee.invalid>');
    this.carried += 1;
  }

  /** Adds the touched paths as one commit to the batch's fast-import stream. */
  private commit(round: number, what: string, author = this.rnd.pick(AUTHORS) as string): void {
    const when = `${1_800_000_000 + round} +0000`;
    const message = `round ${round}: ${what}`;
    const parts = [
      'commit refs/heads/main',
      `author ${author} ${when}`,
      `committer ${author} ${when}`,
      `data ${Buffer.byteLength(message)}`,
      message,
    ];
    if (this.firstCommit) parts.push('from refs/heads/main^0');
    this.firstCommit = false;
    for (const p of this.touched) {
      const e = this.model.get(p);
      if (!e) parts.push(`D ${quotePath(p)}`);
      else if (e.mode === '160000' || e.oid !== undefined) parts.push(`M ${e.mode} ${e.oid ?? e.data} ${quotePath(p)}`);
      else parts.push(`M ${e.mode} inline ${quotePath(p)}`, `data ${Buffer.byteLength(e.data)}`, e.data);
    }
    this.stream.push(`${parts.join('\n')}\n\n`);
    this.commits += 1;
  }

  /**
   * One round made the plain way, as a person on the cloud VM would: real symlinks and files in a scratch work
   * tree, staged with `git add` (which gives a symlink its mode 120000), committed under a forged author.
   */
  async plainRound(round: number, scratch: string): Promise<string[]> {
    const rnd = this.rnd;
    await rm(scratch, { recursive: true, force: true });
    await mkdir(scratch, { recursive: true });
    const index = path.join(this.root, `scratch-index-${round}`);
    const git = (args: string[]) =>
      runGit(scratch, ['--git-dir', this.root, '--work-tree', scratch, ...args], {
        env: { GIT_INDEX_FILE: index, GIT_LITERAL_PATHSPECS: '1' },
      });
    const written = new Map<string, string>();
    const removed: string[] = [];
    const done: string[] = [];
    try {
      for (let i = 1 + rnd.int(2); i > 0; i--) {
        const pending = this.pending();
        const r = rnd.next();
        if (r < 0.4) {
          // ln -s ../Approved <accepted folder>/<name>
          const dir = rnd.pick([
            'Plans',
            'Pending_Approval',
            'Needs_Action/local',
            'In_Progress/cloud',
            'Done',
          ]) as string;
          const name = rnd.chance(0.5) ? 'approved-link' : this.targetName();
          const target = rnd.pick(LINK_TARGETS) as string;
          await mkdir(path.join(scratch, dir), { recursive: true });
          await rm(path.join(scratch, dir, name), { force: true });
          await symlink(target, path.join(scratch, dir, name));
          written.set(`${dir}/${name}`, target);
          done.push('ln -s');
        } else if (r < 0.7 && pending.length > 0) {
          // mv Pending_Approval/X <Approved or a look-alike>/X
          const from = rnd.pick(pending) as string;
          const dir = rnd.pick(['Approved', 'approved', 'APPROVED', 'Approve\u0301d']) as string;
          const to = `${dir}/${from.slice(from.lastIndexOf('/') + 1)}`;
          const text = setFrontmatterField(this.text(from), 'approved_by', 'owner');
          await mkdir(path.join(scratch, dir), { recursive: true });
          await writeFile(path.join(scratch, to), text);
          written.set(to, text);
          removed.push(from);
          done.push('mv to Approved');
        } else {
          // echo forged >> Logs/<day>.local.jsonl, or a forged Dashboard.md
          const target = rnd.chance(0.5) ? this.someLogName() : 'Dashboard.md';
          const text = target.endsWith('.jsonl') ? this.mangleLog(this.text(target)) : '# Dashboard\n\nAll approved.\n';
          await mkdir(path.dirname(path.join(scratch, target)), { recursive: true });
          await writeFile(path.join(scratch, target), text);
          written.set(target, text);
          done.push('echo >>');
        }
      }
      await git(['add', '-f', '--', ...written.keys()]);
      this.touched = new Set();
      for (const item of (await git(['ls-files', '-s', '-z'])).toString('utf8').split('\0')) {
        const m = /^(\d{6}) ([0-9a-f]{40}) \d\t([\s\S]+)$/.exec(item);
        if (!m) continue;
        const rel = m[3] as string;
        this.set(rel, { mode: m[1] as Entry['mode'], data: written.get(rel) ?? '', oid: m[2] as string });
      }
      for (const rel of removed) if (!written.has(rel)) this.del(rel);
      this.commit(round, `by hand: ${done.join(', ')}`);
      for (const d of done) this.count(`plain: ${d}`);
      return done;
    } finally {
      await rm(index, { force: true });
    }
  }

  /** Writes the batch's rounds and pushes them to the remote's main. */
  async push(): Promise<void> {
    await runSh(
      this.root,
      'git fast-import --quiet && git push -q origin refs/heads/main:refs/heads/main',
      this.stream.join(''),
    );
    this.stream = [];
    this.firstCommit = true;
    this.pushes += 1;
  }
}

/** One change of a raw hostile commit: a file (or link, or submodule) at a path, or its deletion. */
export type RawChange = { path: string; mode?: Entry['mode']; data: string } | { path: string; delete: true };

/**
 * Pushes one commit made of exactly these changes on top of the remote's main, with plain git (fast-import) from
 * a bare clone at `dir`: any path git can store, any mode, any author. For the minimal tests of what the fuzzer
 * found.
 */
export async function pushRaw(
  remote: string,
  dir: string,
  changes: readonly RawChange[],
  author = 'ai-employee-local <local@ai-employee.invalid>',
): Promise<void> {
  await runGit(path.dirname(dir), ['clone', '-q', '--bare', remote, dir]).catch(() => undefined); // already cloned
  const message = 'hostile';
  const lines = [
    'commit refs/heads/main',
    `author ${author} 1800000000 +0000`,
    `committer ${author} 1800000000 +0000`,
    `data ${Buffer.byteLength(message)}`,
    message,
    'from refs/heads/main^0',
  ];
  for (const c of changes) {
    if ('delete' in c) lines.push(`D ${quotePath(c.path)}`);
    else if (c.mode === '160000') lines.push(`M 160000 ${c.data} ${quotePath(c.path)}`);
    else lines.push(`M ${c.mode ?? '100644'} inline ${quotePath(c.path)}`, `data ${Buffer.byteLength(c.data)}`, c.data);
  }
  await runSh(
    dir,
    'git fetch -q origin +refs/heads/main:refs/heads/main && git fast-import --quiet && git push -q origin refs/heads/main:refs/heads/main',
    `${lines.join('\n')}\n\n`,
  );
}
