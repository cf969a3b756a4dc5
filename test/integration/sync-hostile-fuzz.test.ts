import assert from 'node:assert/strict';
import { createHash, randomInt } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { readApprovalFile } from '../../src/core/actions/approval-file.js';
import { executeApproved, recordRejection, type ExecutionOutcome } from '../../src/core/actions/executor.js';
import type { ActionHandler } from '../../src/core/actions/handler.js';
import { ExecutionLedger } from '../../src/core/actions/ledger.js';
import { ownerDecides } from '../../src/core/actions/owner-decision.js';
import { silentLogger } from '../../src/core/log.js';
import type { SyncResult } from '../../src/core/sync/types.js';
import { APPROVAL_ACTIONS, APPROVAL_ACTION_NAMES, type ApprovalAction } from '../../src/core/vault/approval-actions.js';
import { extractApprovalText } from '../../src/core/vault/approval-text.js';
import { verifyChain } from '../../src/core/vault/audit-verify.js';
import { newTaskText, parseTaskText } from '../../src/core/vault/frontmatter.js';
import { sightPendingApprovals } from '../../src/core/vault/owner-evidence.js';
import { checkVaultPathText } from '../../src/core/vault/safe-path.js';
import { startLocalExecutor } from '../../src/daemons/workers/local-executor.js';
import { git, makeGitPair, openSide, type Side } from '../helpers/git-pair.js';
import { HostileCloud, OP_NAMES, pushRaw, replaceTextBlock } from '../helpers/hostile-cloud.js';
import { prng } from '../helpers/prng.js';
import { cloudDraftsAndAsks } from '../helpers/git-ops.js';
import { seedEmailTask } from '../helpers/vault.js';

/**
 * The hostile-cloud fuzzer (issue 10). A compromised cloud makes random commits with plain git in its own clone
 * and pushes them (test/helpers/hostile-cloud.ts: adds, deletes, renames, symlinks, submodules, case and
 * Unicode variants of folder and file names, frontmatter edits, forged authors, rewrites of any file), while
 * both sides also work honestly: cloud drafts and asks for approvals through its vault API; local syncs, the
 * owner approves (`ai-employee approve`, or a plain move after the executor sighted the request), edits the
 * text before approving, rejects, and local runs the executor, recovery and its own claims.
 *
 * A round is one hostile commit; the rounds of a batch (1 to 5, or 30 to 89) are pushed together and local
 * syncs once per batch. After every local sync (and every executor run) the invariants are checked:
 * 1. nothing outside local's accept set (compared folded for case and Unicode form) appeared, changed or went
 *    away in local's work tree except by local's own action; no symlink anywhere; no request already in
 *    Pending_Approval/ rewritten in place; local's commit carries local's versions of those paths, and its
 *    report names every path it refused;
 * 2. nothing local wrote was lost: the owner's decided approvals stay as he left them until the executor
 *    takes them; local's Logs/*.local.jsonl only grow, by exactly the lines local itself wrote;
 * 3. the executor executed exactly the approvals the owner decided on, each at most once, with the content he
 *    saw (the file as decided: its text block and parameters).
 * Every 600 rounds a fresh laptop joins the hostile remote and must take nothing it may not.
 *
 * Seed: HOSTILE_FUZZ_SEED (default 20261202; `random` for a new one each run; always printed). Bounds: at least 1,000 rounds, then until
 * HOSTILE_FUZZ_BUDGET_MS (default 50 s) or HOSTILE_FUZZ_MAX_ROUNDS (default 3,000). HOSTILE_FUZZ_OFF=a,b leaves
 * out kinds of hostile change (names in hostile-cloud.ts), to look past a known bug while it is being fixed. The
 * bugs found so far each have a minimal test after this one (all fixed; the knob named in each title left it out).
 */

// A fixed default keeps `npm test` repeatable; HOSTILE_FUZZ_SEED=random explores new ground (and prints its seed).
const SEED_SETTING = process.env['HOSTILE_FUZZ_SEED'] ?? '20261202';
const SEED = SEED_SETTING === 'random' ? randomInt(1, 2 ** 31) : Number(SEED_SETTING);
const BUDGET_MS = Number(process.env['HOSTILE_FUZZ_BUDGET_MS'] ?? 50_000);
const MIN_ROUNDS = 1000;
const MAX_ROUNDS = Math.max(MIN_ROUNDS, Number(process.env['HOSTILE_FUZZ_MAX_ROUNDS'] ?? 3000));
const OFF = new Set(
  (process.env['HOSTILE_FUZZ_OFF'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
const JOIN_EVERY = 600;
const MAX_VIOLATIONS = 40;

/** Local's accept set (policies/local.json, DESIGN §6), written out here on purpose: the test's own model. */
const ACCEPTED = [
  /^needs_action(\/.*)?$/s,
  /^in_progress\/cloud(\/.*)?$/s,
  /^plans(\/.*)?$/s,
  /^pending_approval(\/.*)?$/s,
  /^done(\/.*)?$/s,
  /^failed(\/.*)?$/s,
  /^updates(\/.*)?$/s,
  /^logs\/[^/]*\.cloud\.jsonl$/s,
];
const fold = (rel: string) => rel.normalize('NFC').toLowerCase();
const acceptedFromCloud = (rel: string) => ACCEPTED.some((re) => re.test(fold(rel)));
/** Folders that hold accepted paths but are not accepted themselves. */
const ANCESTORS = new Set(['in_progress', 'logs']);
const LOCAL_LOG = /^Logs\/\d{4}-\d{2}-\d{2}\.local\.jsonl$/;
const gitOid = (buf: Buffer) => createHash('sha1').update(`blob ${buf.length}\0`).update(buf).digest('hex');
const lineCount = (s: string) => s.split('\n').length - 1;
const validName = (rel: string) => {
  try {
    checkVaultPathText(rel);
    return true;
  } catch {
    return false;
  }
};

/** What of local's work tree the invariants look at. */
interface Snapshot {
  /** Paths outside the accept set: `dir`, or `file <git blob id>`. Local's own logs are kept apart. */
  fenced: Map<string, string>;
  /** Pending_Approval/ files (folded), by blob id: an existing request is never rewritten by a sync. */
  pending: Map<string, string>;
  /** Local's own logs, `Logs/<day>.local.jsonl`, by text. */
  logs: Map<string, string>;
  symlinks: string[];
  strange: string[];
}

async function snapshot(root: string): Promise<Snapshot> {
  const snap: Snapshot = { fenced: new Map(), pending: new Map(), logs: new Map(), symlinks: [], strange: [] };
  const walk = async (rel: string): Promise<void> => {
    for (const entry of await readdir(rel ? path.join(root, rel) : root, { withFileTypes: true })) {
      if (rel === '' && entry.name === '.git') continue;
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isSymbolicLink()) snap.symlinks.push(child);
      else if (entry.isDirectory()) {
        if (!acceptedFromCloud(child) && !ANCESTORS.has(fold(child))) snap.fenced.set(child, 'dir');
        await walk(child);
      } else if (!entry.isFile()) snap.strange.push(child);
      else {
        const isLog = LOCAL_LOG.test(child);
        const isPending = fold(child).startsWith('pending_approval/');
        const isFenced = !acceptedFromCloud(child);
        if (!isLog && !isPending && !isFenced) continue;
        const buf = await readFile(path.join(root, child));
        if (isLog) snap.logs.set(child, buf.toString('utf8'));
        else if (isFenced) snap.fenced.set(child, `file ${gitOid(buf)}`);
        if (isPending) snap.pending.set(child, gitOid(buf));
      }
    }
  };
  await walk('');
  return snap;
}

/** Counts the audit lines a side writes itself (each `record` appends exactly one line). */
function countOwnAuditLines(side: Side): { lines: number } {
  const counter = { lines: 0 };
  const audit = side.vault.ctx.audit;
  const original = audit.record.bind(audit);
  audit.record = async (entry) => {
    await original(entry);
    counter.lines += 1;
  };
  return counter;
}

/** The owner's decision on one approval, as the test saw it taken. */
interface Decision {
  name: string;
  round: number;
  via: 'command' | 'moved';
  /** The approval file as decided (its text, and its git blob id): what the executor must act on, byte for byte. */
  bytes: string;
  oid: string;
  fm: Record<string, unknown>;
  /** The text block he read (and maybe edited) when he decided; '' for actions that send none. */
  text: string;
  /** Why the file cannot be executed at all (readApprovalFile's answer), if so. */
  invalid?: string;
  /** The owner changed the file after deciding: the executor must refuse it. */
  tampered: boolean;
  executed: boolean;
  lost: boolean;
}

const keyOf = (fm: Record<string, unknown>) => `${String(fm['id'])}\n${String(fm['created'])}`;

test('hostile cloud fuzzer: random forged commits never get past the door, the owner’s evidence or the content he saw', async (t) => {
  t.diagnostic(`seed ${SEED} (replay with HOSTILE_FUZZ_SEED=${SEED})`);
  for (const name of OFF) assert.ok(OP_NAMES.includes(name as never), `HOSTILE_FUZZ_OFF: unknown kind "${name}"`);
  const started = performance.now();
  let clockMs = Date.UTC(2027, 0, 4, 9);
  const clock = () => new Date(clockMs);
  const pair = await makeGitPair({ clock, sync: { now: clock } });
  t.after(() => pair.cleanup());
  const { cloud, local } = pair;
  const rnd = prng(SEED);
  const attacker = await HostileCloud.clone(
    pair.remote,
    path.join(pair.dir, 'attacker.git'),
    prng(SEED ^ 0x5bd1e995),
    OFF,
  );
  const own = countOwnAuditLines(local);

  let round = 0;
  const violations: string[] = [];
  const violate = (what: string) => {
    violations.push(`seed ${SEED}, round ${round}: ${what}`);
  };
  const counts = new Map<string, number>();
  const count = (what: string, n = 1) => counts.set(what, (counts.get(what) ?? 0) + n);
  const spent = new Map<string, number>();
  const timed = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      spent.set(what, (spent.get(what) ?? 0) + performance.now() - t0);
    }
  };

  // ---- the owner's decisions and what the executor did with them (invariant 3)
  const open = new Map<string, Decision>();
  const decisions: Decision[] = [];
  /** Approvals of the owner's the executor reported as having no decision (the file stays in Approved/). */
  const vetoed = new Map<string, { d: Decision; round: number }>();
  const executedKeys = new Set<string>();
  const onExecute = async (doc: Parameters<ActionHandler['execute']>[0]) => {
    count('executed');
    const d = open.get(path.posix.basename(doc.rel));
    const earlier = vetoed.get(path.posix.basename(doc.rel));
    if (!d && earlier) {
      vetoed.delete(path.posix.basename(doc.rel));
      violate(
        `the executor ran ${doc.action} for ${doc.rel}, which it had reported at round ${earlier.round} as holding no decision of the owner's (his move at round ${earlier.d.round} was not recognised then): the evidence it acted on now came later, from cloud`,
      );
      return;
    }
    if (!d) {
      violate(
        `the executor ran ${doc.action} for ${doc.rel} (params ${JSON.stringify(doc.params)}), which the owner never decided on`,
      );
      return;
    }
    if (gitOid(await readFile(doc.abs)) !== d.oid)
      violate(`the executor acted on ${doc.rel} as it is now, not as the owner decided on it at round ${d.round}`);
    if (d.tampered) violate(`${doc.rel} changed after the owner's decision at round ${d.round}, yet it was executed`);
    if (doc.sendText !== d.text)
      violate(
        `${doc.rel}: sent ${JSON.stringify(doc.sendText)}, but the owner saw ${JSON.stringify(d.text)} (round ${d.round})`,
      );
    for (const [k, v] of Object.entries(doc.params))
      if (!isDeepStrictEqual(v, d.fm[k]))
        violate(`${doc.rel}: executed with ${k}=${JSON.stringify(v)}, the owner saw ${JSON.stringify(d.fm[k])}`);
    if (doc.action === 'send_email' && doc.params['to'] !== d.fm['to'])
      violate(`${doc.rel}: sent to ${String(doc.params['to'])}, the owner saw ${String(d.fm['to'])}`);
    const key = `${doc.id}\n${doc.created}`;
    if (executedKeys.has(key)) violate(`approval ${doc.id} (${doc.created}) was executed a second time, as ${doc.rel}`);
    executedKeys.add(key);
    d.executed = true;
  };
  const handlers: ActionHandler[] = APPROVAL_ACTION_NAMES.map((action: ApprovalAction) => ({
    action,
    execute: async (doc) => {
      await onExecute(doc);
      return { message_id: `sent-${counts.get('executed') ?? 0}` };
    },
  }));
  const deps = { ctx: local.vault.ctx, ledger: new ExecutionLedger(path.join(local.stateDir, 'executions')), handlers };

  // ---- invariants 1 and 2 over snapshots
  let expected = await snapshot(local.root);
  let linesAtSnapshot = own.lines;
  let lastHead: string | undefined = (await git(local.root, 'rev-parse', 'HEAD')).trim();

  const checkCommon = (snap: Snapshot, what: string) => {
    for (const s of snap.symlinks) violate(`a symlink ${JSON.stringify(s)} is in local's work tree after ${what}`);
    for (const s of snap.strange)
      violate(`${JSON.stringify(s)} in local's work tree is neither a file nor a folder after ${what}`);
  };
  const checkLogs = (before: Snapshot, after: Snapshot, written: number, what: string) => {
    let added = 0;
    for (const [rel, text] of before.logs) {
      const now = after.logs.get(rel);
      if (now === undefined) violate(`local's log ${rel} is gone after ${what}`);
      else if (!now.startsWith(text)) violate(`local's log ${rel} lost or changed lines in ${what}`);
      else added += lineCount(now.slice(text.length));
    }
    for (const [rel, text] of after.logs) if (!before.logs.has(rel)) added += lineCount(text);
    if (added !== written)
      violate(`local's logs grew by ${added} line(s) in ${what}, but local wrote ${written}: lines local never wrote`);
  };
  const checkFence = (before: Snapshot, after: Snapshot, what: string) => {
    for (const key of new Set([...before.fenced.keys(), ...after.fenced.keys()])) {
      const a = before.fenced.get(key);
      const b = after.fenced.get(key);
      if (a === b) continue;
      const how = a === undefined ? 'appeared' : b === undefined ? 'disappeared' : 'changed';
      violate(`${JSON.stringify(key)} (outside local's accept set) ${how} in local's work tree during ${what}`);
    }
    for (const [key, oid] of before.pending) {
      const now = after.pending.get(key);
      if (now !== undefined && now !== oid)
        violate(`the request ${JSON.stringify(key)} was rewritten in place by ${what}`);
    }
  };
  const checkDecisionsKept = (snap: Snapshot, what: string) => {
    for (const d of open.values()) {
      if (d.tampered || d.lost) continue;
      if (snap.fenced.get(`Approved/${d.name}`) !== `file ${d.oid}`) {
        d.lost = true;
        violate(`the owner's approval Approved/${d.name} (round ${d.round}) was lost or changed by ${what}`);
      }
    }
  };
  /** After a sync: its commit carries no link or submodule, local's own versions of fenced paths, and its report names every refusal. */
  const checkCommit = async (
    root: string,
    snap: Snapshot,
    result: SyncResult,
    before: string | undefined,
    what: string,
  ) => {
    for (const item of (await git(root, 'ls-tree', '-r', '-z', 'HEAD')).split('\0')) {
      const m = /^(\d{6}) \w+ ([0-9a-f]{40})\t([\s\S]+)$/.exec(item);
      if (!m) continue;
      const [, mode, oid, rel] = m as unknown as [string, string, string, string];
      if (mode === '120000' || mode === '160000')
        violate(`local's commit after ${what} carries ${JSON.stringify(rel)} as mode ${mode}`);
      else if (!acceptedFromCloud(rel) && !LOCAL_LOG.test(rel) && snap.fenced.get(rel) !== `file ${oid}`)
        violate(
          `local's commit after ${what} carries ${JSON.stringify(rel)} (${oid}), which its work tree does not hold`,
        );
    }
    // Only a commit of local's own can refuse anything (a refusal is an override on top of the remote).
    if (!result.pushed) return result.head ?? before;
    const [head = '', subject = ''] = (await git(root, 'log', '-1', '--format=%H%x00%s', 'HEAD')).trim().split('\0');
    const refused = /refused (\d+) incoming path/.exec(subject);
    if (head !== before && refused) {
      const named = new Set(result.refused.flatMap((c) => c.paths));
      if (named.size !== Number(refused[1])) {
        // The paths the remote changed that local's commit put back, and the report does not name.
        const names = async (...args: string[]) =>
          (await git(root, 'diff-tree', '-r', '-z', '--no-renames', '--name-only', ...args))
            .split('\0')
            .filter(Boolean);
        const theirs = new Set(
          before === undefined
            ? await names('4b825dc642cb6eb9a060e54bf8d69288fbee4904', 'HEAD^')
            : await names(before, 'HEAD^'),
        );
        const unnamed = (await names('HEAD^', 'HEAD')).filter((p) => theirs.has(p) && !named.has(p));
        violate(
          `${what} refused ${refused[1]} incoming path(s) but its report (and the alert) names ${named.size}; not named: ${JSON.stringify(unnamed.slice(0, 5))}`,
        );
      }
    }
    return head;
  };

  let wedged = false;
  let failedInARow = 0;
  const localSync = async (what: string) => {
    const result = await timed('local sync', () => local.sync.syncOnce());
    count('local syncs');
    const after = await timed('snapshots', () => snapshot(local.root));
    checkCommon(after, what);
    checkFence(expected, after, what);
    checkLogs(expected, after, own.lines - linesAtSnapshot, what);
    checkDecisionsKept(after, what);
    if (result.status !== 'ok') {
      violate(`local's sync failed (${what}): ${result.message}`);
      // Three in a row: the hostile remote has wedged local's sync, and nothing more can be learnt.
      wedged = ++failedInARow >= 3;
    } else {
      failedInARow = 0;
      count('refused commits', result.refused.length);
      lastHead = await timed('commit checks', () => checkCommit(local.root, after, result, lastHead, what));
    }
    expected = after;
    linesAtSnapshot = own.lines;
  };
  /** After local's own actions: whatever local wrote is its own; its logs still only grow by its own lines. */
  const ownActionsDone = async (what: string) => {
    const after = await snapshot(local.root);
    checkCommon(after, what);
    checkLogs(expected, after, own.lines - linesAtSnapshot, what);
    checkDecisionsKept(after, what);
    expected = after;
    linesAtSnapshot = own.lines;
  };

  // ---- the owner
  const listMd = async (root: string, folder: string) =>
    (await readdir(path.join(root, folder)).catch(() => [] as string[]))
      .filter((n) => n.endsWith('.md') && !n.startsWith('.'))
      .sort();
  const exists = (rel: string) =>
    readFile(path.join(local.root, rel)).then(
      () => true,
      () => false,
    );
  const record = async (name: string, via: Decision['via'], seen: string): Promise<Decision> => {
    const raw = await readFile(path.join(local.root, 'Approved', name));
    const bytes = raw.toString('utf8');
    let fm: Record<string, unknown> = {};
    let text = '';
    try {
      const parsed = parseTaskText(seen);
      fm = parseTaskText(bytes).data;
      const action = fm['action'];
      if (
        typeof action === 'string' &&
        action in APPROVAL_ACTIONS &&
        APPROVAL_ACTIONS[action as ApprovalAction].sendsText
      ) {
        const block = extractApprovalText(parsed.body);
        if ('text' in block) text = block.text;
      }
    } catch {
      // not even a task file: the executor must refuse it
    }
    let invalid: string | undefined;
    await readApprovalFile(local.vault.ctx, `Approved/${name}`).catch((err: Error) => {
      invalid = err.message;
    });
    const d: Decision = {
      name,
      round,
      via,
      bytes,
      oid: gitOid(raw),
      fm,
      text,
      invalid,
      tampered: false,
      executed: false,
      lost: false,
    };
    open.set(name, d);
    decisions.push(d);
    count(`owner approves (${via})`);
    return d;
  };
  const ownerActs = async () => {
    const pending = await listMd(local.root, 'Pending_Approval');
    for (let k = 1 + rnd.int(4); k > 0 && pending.length > 0; k--) {
      const name = pending.splice(rnd.int(pending.length), 1)[0] as string;
      const rel = `Pending_Approval/${name}`;
      const abs = path.join(local.root, rel);
      if (!(await lstat(abs)).isFile()) continue; // a folder named like a request: nothing to decide on
      if ((await exists(`Approved/${name}`)) || (await exists(`Rejected/${name}`))) continue;
      if (rnd.chance(0.25)) {
        // He rewrites the text in the request before he decides (the file invites it).
        const before = await readFile(abs, 'utf8');
        await writeFile(
          abs,
          replaceTextBlock(before, `Dear customer, the chairs ship on Monday. (edited by the owner, round ${round})`),
        );
        count('owner edits the text');
      }
      const r = rnd.next();
      if (r < 0.4) {
        const seen = await readFile(abs, 'utf8');
        try {
          await ownerDecides(local.vault.ctx, rel, 'approve');
        } catch {
          count('owner: approve refused');
          continue;
        }
        const d = await record(name, 'command', seen);
        if (rnd.chance(0.06) && d.text !== '' && d.invalid === undefined) {
          // Then he changes it after deciding: that must stop it.
          const approvedAbs = path.join(local.root, 'Approved', name);
          await writeFile(approvedAbs, replaceTextBlock(d.bytes, `${d.text}\nP.S. one more thing.`));
          d.tampered = true;
          count('owner edits after approving');
        }
      } else if (r < 0.7) {
        await sightPendingApprovals(local.vault.ctx).catch(() => count('owner: sighting failed'));
        const seen = await readFile(abs, 'utf8');
        await rename(abs, path.join(local.root, 'Approved', name));
        await record(name, 'moved', seen);
      } else if (r < 0.85) {
        await ownerDecides(local.vault.ctx, rel, 'reject').then(
          () => count('owner rejects (command)'),
          () => count('owner: reject refused'),
        );
      } else {
        await rename(abs, path.join(local.root, 'Rejected', name));
        count('owner rejects (moved)');
      }
    }
  };

  // ---- the executor (invariant 3)
  const allowedRefusal = (d: Decision, reason: string) => {
    const key = keyOf(d.fm);
    if (/already executed/.test(reason)) return executedKeys.has(key);
    if (/expired/.test(reason)) return typeof d.fm['expires'] === 'string' && Date.parse(d.fm['expires']) <= clockMs;
    if (/changed after/.test(reason)) return d.tampered || decisions.some((o) => o !== d && keyOf(o.fm) === key);
    return d.invalid !== undefined;
  };
  const runExecutor = async (how: 'loop' | 'watcher') => {
    count(`executor runs (${how})`);
    const outcomes = new Map<string, ExecutionOutcome>();
    const errors = new Map<string, string>();
    const decided = new Set(open.keys());
    if (how === 'loop') {
      for (const name of await listMd(local.root, 'Approved')) {
        const rel = `Approved/${name}`;
        await executeApproved(deps, rel).then(
          (o) => outcomes.set(rel, o),
          (err: Error) =>
            errors.set(rel, `${err.message} [${String(err.stack).split('\n').slice(1, 4).join(' < ').trim()}]`),
        );
      }
      for (const name of await listMd(local.root, 'Rejected'))
        await recordRejection(deps, `Rejected/${name}`).catch((e: Error) =>
          count(`rejection not filed: ${e.message.slice(0, 60)}`),
        );
    } else {
      const running = startLocalExecutor(deps, {
        logger: silentLogger(),
        onOutcome: (o) => {
          if (o.approval.startsWith('Approved/')) outcomes.set(o.approval, o);
        },
      });
      try {
        await running.ready;
        await running.rescan();
      } catch (err) {
        violate(`the local executor could not start or rescan: ${(err as Error).message}`);
      } finally {
        await running.close();
      }
    }
    for (const [rel, o] of outcomes) {
      const name = path.posix.basename(rel);
      if (decided.has(name)) continue;
      // A file the owner approved earlier and the executor left where it was (reported above) is his, not new.
      if (vetoed.has(name)) continue;
      violate(`the executor handled ${rel} (${o.status}), a file the owner never put in Approved/`);
    }
    for (const name of decided) {
      const d = open.get(name) as Decision;
      const rel = `Approved/${name}`;
      const o = outcomes.get(rel);
      const error = errors.get(rel);
      if (!o) {
        if (error !== undefined) {
          open.delete(name);
          if (validName(rel)) violate(`the executor failed on ${rel} (approved at round ${d.round}): ${error}`);
          else count('approved with a name the executor refuses');
        }
        continue;
      }
      open.delete(name);
      count(`outcome ${o.status}`);
      const via = d.via === 'command' ? '`ai-employee approve`' : 'a move from Pending_Approval/';
      if (o.status === 'executed') {
        if (!d.executed) violate(`${rel} reported executed without the action running`);
      } else if (o.status === 'suspicious') {
        vetoed.set(name, { d, round });
        const back = (await exists(`Pending_Approval/${name}`))
          ? 'a request of that name is back in Pending_Approval/'
          : '';
        const alike = (await listMd(local.root, 'Pending_Approval')).filter(
          (n) => n !== name && fold(n) === fold(name),
        );
        violate(
          `the owner approved ${rel} at round ${d.round} by ${via}, yet the executor holds no decision of his (${[back, alike.length > 0 ? `look-alike(s) pending: ${JSON.stringify(alike)}` : ''].filter(Boolean).join('; ') || 'no request of that name pending'})`,
        );
      } else if (o.status !== 'refused' || !allowedRefusal(d, o.reason ?? '')) {
        violate(
          `the owner approved ${rel} at round ${d.round} by ${via}; the executor answered ${o.status}: ${o.reason ?? ''}`,
        );
      }
    }
  };

  /**
   * One executor run, then the checks of local's own actions. Local asks for no approval of its own here, so every
   * request came from cloud: none may make the executor touch local's own tasks (In_Progress/local/) through the
   * `source_task` it names (DESIGN §6: decide only on data the deciding machine wrote).
   */
  const executorRun = async (how: 'loop' | 'watcher', what: string) => {
    const localTasks = (snap: Snapshot) =>
      new Map([...snap.fenced].filter(([k, v]) => k.startsWith('In_Progress/local/') && v.startsWith('file')));
    const before = localTasks(expected);
    await runExecutor(how);
    await ownActionsDone(what);
    const after = localTasks(expected);
    for (const [task, oid] of before)
      if (after.get(task) !== oid)
        violate(
          `${what} ${after.has(task) ? 'rewrote' : 'moved away'} local's own task ${task}: a request from cloud named it as its source_task`,
        );
  };

  // ---- honest cloud work
  let taskNo = 0;
  /** One piece of cloud's honest work through its vault API; returns the files it wrote (vault-relative). */
  const cloudWorks = async (): Promise<string[]> => {
    const n = ++taskNo;
    try {
      if (rnd.chance(0.3)) {
        const rel = `Needs_Action/local/TASK_${n}.md`;
        await writeFile(
          path.join(cloud.root, rel),
          newTaskText(
            { id: `task:${n}`, type: 'task', created: clock().toISOString(), status: 'new', title: `Call ${n}` },
            'Call the bank.',
          ),
        );
        count('cloud: task for local');
        return [rel];
      }
      const queued = await seedEmailTask(cloud.root, n);
      const claimed = await cloud.vault.claim({ path: queued });
      const lines = [
        `Dear customer ${n},`,
        '',
        `thank you for your question ${n}.`,
        rnd.chance(0.5) ? 'Best, Dana' : '',
      ];
      const draft = await cloud.vault.writeDraft({ task: claimed.path, body: lines.join('\n') });
      const approval = await cloud.vault.requestApproval({
        task: claimed.path,
        action: 'send_email',
        params: { to: `customer${n}@example.com`, subject: `Re: question ${n}` },
        draft: draft.path,
      });
      count('cloud: honest requests');
      return [claimed.path, draft.path, approval.path];
    } catch {
      count('cloud: honest work refused'); // the hostile side wrecks the cloud's own vault too
      return [];
    }
  };
  /**
   * Cloud's honest work of a batch. Mostly the compromised cloud carries it to the remote in a commit of its own
   * (cheaper than its sync, and the same files reach local); sometimes its real sync does, which also brings
   * everything local and the attacker pushed into cloud's vault.
   */
  const cloudHonest = async () => {
    const files = new Set<string>();
    for (let i = 2 + rnd.int(4); i > 0; i--) for (const f of await cloudWorks()) files.add(f);
    if (rnd.chance(0.2)) {
      count('cloud: syncs');
      if ((await cloud.sync.syncOnce()).status !== 'ok') count('cloud: sync failed');
      return [];
    }
    const logs = (await readdir(path.join(cloud.root, 'Logs')).catch(() => [] as string[]))
      .filter((n) => n.endsWith('.cloud.jsonl'))
      .map((n) => `Logs/${n}`);
    const carried: Array<[string, string]> = [];
    for (const rel of [...files, ...logs]) {
      const text = await readFile(path.join(cloud.root, rel), 'utf8').catch(() => undefined);
      if (text !== undefined) carried.push([rel, text]);
    }
    return carried;
  };

  // ---- local's own claims, recovery, edits
  const localWorks = async () => {
    if (rnd.chance(0.4)) {
      const name = rnd.pick(await listMd(local.root, 'Needs_Action/local'));
      if (name)
        await local.vault.claim({ path: `Needs_Action/local/${name}` }).then(
          () => count('local claims'),
          () => count('local: claim refused'),
        );
    }
    if (rnd.chance(0.1)) {
      const name = rnd.pick(await listMd(local.root, 'In_Progress/local'));
      if (name)
        await local.vault.complete(`In_Progress/local/${name}`, 'done by the owner').then(
          () => count('local completes'),
          () => count('local: complete refused'),
        );
    }
    if (rnd.chance(0.1)) {
      const file = path.join(local.root, 'Dashboard.md');
      await writeFile(file, `${await readFile(file, 'utf8')}\n- owner note, round ${round}\n`);
      count('owner edits Dashboard.md');
    }
    if (rnd.chance(0.1)) {
      await local.vault.recover().then(
        () => count('local recovers'),
        (err: Error) => violate(`local's recovery failed: ${err.message}`),
      );
    }
  };

  // ---- a fresh laptop joining the hostile remote
  let joins = 0;
  const freshJoin = async () => {
    joins += 1;
    const dir = path.join(pair.dir, `laptop-${joins}`);
    await mkdir(dir, { recursive: true });
    const laptop = await openSide(dir, 'local', pair.remote, { clock, sync: { now: clock } });
    const lines = countOwnAuditLines(laptop);
    const what = `fresh laptop ${joins}'s join`;
    const before = await snapshot(laptop.root);
    const result = await laptop.sync.syncOnce();
    const after = await snapshot(laptop.root);
    checkCommon(after, what);
    checkFence(before, after, what);
    checkLogs(before, after, lines.lines, what);
    if (result.status !== 'ok') violate(`${what} failed: ${result.message}`);
    else await checkCommit(laptop.root, after, result, undefined, what);
    // Nothing may run there: that laptop never saw its owner decide anything.
    const never: ActionHandler[] = APPROVAL_ACTION_NAMES.map((action) => ({
      action,
      execute: async (doc) => {
        violate(`${what}: the executor ran ${doc.rel}`);
        return {};
      },
    }));
    const laptopDeps = {
      ctx: laptop.vault.ctx,
      ledger: new ExecutionLedger(path.join(laptop.stateDir, 'executions')),
      handlers: never,
    };
    for (const name of await listMd(laptop.root, 'Approved'))
      await executeApproved(laptopDeps, `Approved/${name}`).catch(() => undefined);
    count('fresh joins');
  };

  // ---- the rounds
  const elapsed = () => performance.now() - started;
  let batches = 0;
  while (
    round < MAX_ROUNDS &&
    (round < MIN_ROUNDS || elapsed() < BUDGET_MS) &&
    !wedged &&
    violations.length < MAX_VIOLATIONS
  ) {
    batches += 1;
    // Mostly large batches (the time budget), sometimes a handful of commits (a sync sees each one alone).
    const size = rnd.chance(0.25) ? 1 + rnd.int(5) : 30 + rnd.int(60);
    const carried = rnd.chance(0.6) ? await timed('cloud honest', cloudHonest) : [];
    await timed('attacker', async () => {
      await attacker.refresh();
      if (carried.length > 0) attacker.carry(carried, round);
      for (let i = 0; i < size && round < MAX_ROUNDS; i++) {
        round += 1;
        clockMs += 1000;
        if (rnd.chance(0.01)) clockMs += 35 * 60_000; // leases lapse
        if (rnd.chance(0.0005)) clockMs += 49 * 3_600_000; // requests expire
        attacker.round(round);
      }
      if (rnd.chance(0.1)) {
        round += 1;
        await attacker.plainRound(round, path.join(pair.dir, 'attacker-scratch'));
      }
      await attacker.push();
    });

    await localSync(`local's sync after round ${round}`);
    if (wedged) break;
    await timed('local own', async () => {
      if (rnd.chance(0.7)) await ownerActs();
      await localWorks();
      await ownActionsDone(`local's own actions at round ${round}`);
    });
    if (rnd.chance(0.7))
      await timed('executor', () =>
        executorRun(rnd.chance(0.25) ? 'watcher' : 'loop', `the executor's run at round ${round}`),
      );
    if (Math.floor(round / JOIN_EVERY) > joins) await timed('fresh joins', freshJoin);
  }
  const roundsRun = round;

  // ---- settle: the attacker stops; local syncs, executes what is left, syncs again
  if (!wedged) {
    await localSync('the final sync');
    await executorRun('loop', 'the final executor run');
    await localSync('the last sync');
    for (const d of open.values())
      if (validName(`Approved/${d.name}`))
        violate(`the owner's approval Approved/${d.name} (round ${d.round}) was never handled`);
    // Local's logs: intact chains, and local's version is what the remote holds.
    for (const [rel, text] of expected.logs) {
      const chain = verifyChain(Buffer.from(text), rel);
      if (!chain.ok) violate(`local's log ${rel} no longer verifies: ${chain.broken?.message ?? ''}`);
      const remote = await git(pair.remote, 'show', `main:${rel}`).catch(() => undefined);
      if (remote === undefined || !text.startsWith(remote))
        violate(`the remote's ${rel} is not local's own log (${remote === undefined ? 'missing' : 'different lines'})`);
    }
  }

  const seconds = (elapsed() / 1000).toFixed(1);
  t.diagnostic(
    `seed ${SEED}: ${roundsRun} rounds (${attacker.commits - attacker.carried} hostile commits, ${attacker.carried} more carrying cloud's honest work, ${attacker.pushes} pushes) in ${batches} batches, ${counts.get('local syncs') ?? 0} local syncs, ${seconds} s`,
  );
  t.diagnostic(
    `memory: rss ${Math.round(process.memoryUsage().rss / 1e6)} MB, heap ${Math.round(process.memoryUsage().heapUsed / 1e6)} MB`,
  );
  t.diagnostic(`time (ms): ${JSON.stringify(Object.fromEntries([...spent].map(([k, v]) => [k, Math.round(v)])))}`);
  t.diagnostic(`hostile changes: ${JSON.stringify(Object.fromEntries(attacker.counts))}`);
  t.diagnostic(`honest work and outcomes: ${JSON.stringify(Object.fromEntries(counts))}`);
  assert.equal(
    violations.length,
    0,
    `${violations.length} invariant violation(s)${violations.length >= MAX_VIOLATIONS ? ' (stopped early)' : ''}:\n${violations.join('\n')}`,
  );
  assert.ok(wedged || violations.length >= MAX_VIOLATIONS || roundsRun >= MIN_ROUNDS, `only ${roundsRun} rounds ran`);
  assert.ok(
    decisions.length > 0 && (counts.get('executed') ?? 0) > 0,
    `seed ${SEED}: the run approved and executed nothing`,
  );
});

/*
 * What the fuzzer found, each as the smallest test that shows it (each fails against the boundary as written
 * when the fuzzer was added; the fuzzer itself fails on any seed that meets one of them). HOSTILE_FUZZ_OFF names
 * the kinds of hostile change that lead to each, to look past it while it is being fixed.
 */

/** The send_email handler of approval-boundary.test.ts: records what it would send. */
function recorder(sent: Array<{ rel: string; to: unknown; text: string }>): ExecutorDepsFor {
  return (side) => ({
    ctx: side.vault.ctx,
    ledger: new ExecutionLedger(path.join(side.stateDir, 'executions')),
    handlers: [
      {
        action: 'send_email',
        execute: async (doc) => {
          sent.push({ rel: doc.rel, to: doc.params['to'], text: doc.sendText });
          return { message_id: `sent-${sent.length}` };
        },
      },
    ],
  });
}
type ExecutorDepsFor = (side: Side) => Parameters<typeof executeApproved>[0];

test('found by the fuzzer (HOSTILE_FUZZ_OFF=git-invalid): a `.git` folder inside an accepted folder does not wedge local’s sync', async (t) => {
  const pair = await makeGitPair();
  t.after(() => pair.cleanup());
  const { cloud, local } = pair;
  await pushRaw(pair.remote, path.join(pair.dir, 'attacker.git'), [
    { path: 'Plans/.git/config', data: '[core]\n\thooksPath = /tmp\n' },
  ]);
  const first = await local.sync.syncOnce();
  assert.equal(first.status, 'ok', first.message);
  // And the sync goes on: an honest note from cloud still arrives.
  await writeFile(path.join(cloud.root, 'Plans/NOTE.md'), '# note\n');
  assert.equal((await cloud.sync.syncOnce()).status, 'ok');
  const next = await local.sync.syncOnce();
  assert.equal(next.status, 'ok', next.message);
  assert.equal(await readFile(path.join(local.root, 'Plans/NOTE.md'), 'utf8'), '# note\n');
});

test('found by the fuzzer (HOSTILE_FUZZ_OFF=git-invalid): a `..` path on the remote does not stop a new laptop from joining', async (t) => {
  const pair = await makeGitPair();
  t.after(() => pair.cleanup());
  await pushRaw(pair.remote, path.join(pair.dir, 'attacker.git'), [
    { path: 'Plans/../Approved/EVIL.md', data: 'approved, honestly\n' },
  ]);
  const laptopDir = path.join(pair.dir, 'laptop');
  await mkdir(laptopDir, { recursive: true });
  const laptop = await openSide(laptopDir, 'local', pair.remote);
  const joined = await laptop.sync.syncOnce();
  assert.equal(joined.status, 'ok', joined.message);
  assert.deepEqual(
    (await readdir(path.join(laptop.root, 'Approved'))).filter((n) => n !== '.gitkeep'),
    [],
  );
});

test('found by the fuzzer (HOSTILE_FUZZ_OFF=dir-file): a file replaced by a folder of the same name, and back, does not wedge local’s sync', async (t) => {
  const pair = await makeGitPair();
  t.after(() => pair.cleanup());
  const { cloud, local } = pair;
  await writeFile(path.join(cloud.root, 'Plans/NOTE.md'), '# note\n');
  assert.equal((await cloud.sync.syncOnce()).status, 'ok');
  assert.equal((await local.sync.syncOnce()).status, 'ok');
  const attacker = path.join(pair.dir, 'attacker.git');
  // Local has a change of its own to carry on top (any refusal would do as well): the owner's note.
  const ownNote = async (n: number) => writeFile(path.join(local.root, 'Dashboard.md'), `# Dashboard\n\nnote ${n}\n`);
  await ownNote(1);
  await pushRaw(pair.remote, attacker, [{ path: 'Plans/NOTE.md/part.md', data: '# part\n' }]);
  const toFolder = await local.sync.syncOnce();
  assert.equal(toFolder.status, 'ok', toFolder.message);
  assert.equal(await readFile(path.join(local.root, 'Plans/NOTE.md/part.md'), 'utf8'), '# part\n');
  await ownNote(2);
  await pushRaw(pair.remote, attacker, [{ path: 'Plans/NOTE.md', data: '# a file again\n' }]);
  const toFile = await local.sync.syncOnce();
  assert.equal(toFile.status, 'ok', toFile.message);
  assert.equal(await readFile(path.join(local.root, 'Plans/NOTE.md'), 'utf8'), '# a file again\n');
});

test('found by the fuzzer (HOSTILE_FUZZ_OFF=gitkeep,dir-file): cloud emptying Updates/ cannot fail local’s sync and hide the refused commit', async (t) => {
  const pair = await makeGitPair();
  t.after(() => pair.cleanup());
  const { local } = pair;
  await pushRaw(pair.remote, path.join(pair.dir, 'attacker.git'), [
    { path: 'Updates/.gitkeep', delete: true },
    { path: 'Approved/EVIL.md', data: 'approved, honestly\n' },
  ]);
  const result = await local.sync.syncOnce();
  assert.equal(result.status, 'ok', result.message);
  assert.ok(result.refused.some((c) => c.paths.includes('Approved/EVIL.md')));
  const notes = await readdir(path.join(local.root, 'Updates')).catch(() => [] as string[]);
  const texts = await Promise.all(notes.map((n) => readFile(path.join(local.root, 'Updates', n), 'utf8')));
  assert.ok(
    texts.some((x) => x.includes('Approved/EVIL.md')),
    'the alert naming the refused path is in Updates/',
  );
});

test('found by the fuzzer (HOSTILE_FUZZ_OFF=gitkeep,dir-file): the local executor starts after cloud emptied Pending_Approval/', async (t) => {
  const pair = await makeGitPair();
  t.after(() => pair.cleanup());
  const { local } = pair;
  await pushRaw(pair.remote, path.join(pair.dir, 'attacker.git'), [
    { path: 'Pending_Approval/.gitkeep', delete: true },
  ]);
  assert.equal((await local.sync.syncOnce()).status, 'ok');
  const sent: Array<{ rel: string; to: unknown; text: string }> = [];
  const running = startLocalExecutor(recorder(sent)(local), { logger: silentLogger() });
  try {
    await running.ready;
    await running.rescan();
  } finally {
    await running.close();
  }
});

test('found by the fuzzer (HOSTILE_FUZZ_OFF=odd-name): a refused path whose name git quotes is named in the report', async (t) => {
  const pair = await makeGitPair();
  t.after(() => pair.cleanup());
  const forged = 'Approved/EMAIL_SEND_"1".md';
  await pushRaw(pair.remote, path.join(pair.dir, 'attacker.git'), [{ path: forged, data: 'approved, honestly\n' }]);
  const result = await pair.local.sync.syncOnce();
  assert.equal(result.status, 'ok', result.message);
  assert.ok(
    result.refused.some((c) => c.paths.includes(forged)),
    `the report names ${forged}: ${JSON.stringify(result.refused)}`,
  );
});

test('found by the fuzzer (HOSTILE_FUZZ_OFF=attributes): a .gitattributes from cloud does not change how local checks out and commits its files', async (t) => {
  const pair = await makeGitPair();
  t.after(() => pair.cleanup());
  const { cloud, local } = pair;
  await seedEmailTask(cloud.root, 1);
  const pending = await cloudDraftsAndAsks(cloud.vault, 'Needs_Action/EMAIL_1.md');
  const request = await readFile(path.join(cloud.root, pending), 'utf8');
  await pushRaw(pair.remote, path.join(pair.dir, 'attacker.git'), [
    { path: 'Pending_Approval/.gitattributes', data: '*.md working-tree-encoding=UTF-16\n' },
    { path: pending, data: request },
  ]);
  assert.equal((await local.sync.syncOnce()).status, 'ok');
  assert.ok(
    (await readFile(path.join(local.root, pending))).equals(Buffer.from(request)),
    'local checked the request out as the bytes cloud committed, not re-encoded',
  );
  // The owner edits it, as the file invites; local's next sync commits his edit.
  await writeFile(path.join(local.root, pending), request.replace('Dear customer', 'Dear Dana'));
  const result = await local.sync.syncOnce();
  assert.equal(result.status, 'ok', result.message);
});

test('found by the fuzzer (HOSTILE_FUZZ_OFF=resurrect): the owner’s move stands when cloud puts the request back in Pending_Approval/ before the executor looks', async (t) => {
  const pair = await makeGitPair();
  t.after(() => pair.cleanup());
  const { cloud, local } = pair;
  await seedEmailTask(cloud.root, 1);
  const pending = await cloudDraftsAndAsks(cloud.vault, 'Needs_Action/EMAIL_1.md');
  const request = await readFile(path.join(cloud.root, pending), 'utf8');
  assert.equal((await cloud.sync.syncOnce()).status, 'ok');
  assert.equal((await local.sync.syncOnce()).status, 'ok');
  const name = path.basename(pending);
  await rename(path.join(local.root, pending), path.join(local.root, 'Approved', name)); // the owner's move
  assert.equal((await local.sync.syncOnce()).status, 'ok');
  await pushRaw(pair.remote, path.join(pair.dir, 'attacker.git'), [{ path: pending, data: request }]);
  assert.equal((await local.sync.syncOnce()).status, 'ok');
  const sent: Array<{ rel: string; to: unknown; text: string }> = [];
  const outcome = await executeApproved(recorder(sent)(local), `Approved/${name}`);
  assert.equal(outcome.status, 'executed', outcome.reason);
  assert.deepEqual(sent, [
    {
      rel: `Approved/${name}`,
      to: 'customer@example.com',
      text: 'Dear customer, thanks for In_Progress/cloud/EMAIL_1.md.',
    },
  ]);
});

test('found by the fuzzer (HOSTILE_FUZZ_OFF=pending-variant): a look-alike request under a case-folded name does not void the owner’s move of the real one', async (t) => {
  const pair = await makeGitPair();
  t.after(() => pair.cleanup());
  const { cloud, local } = pair;
  await seedEmailTask(cloud.root, 1);
  const pending = await cloudDraftsAndAsks(cloud.vault, 'Needs_Action/EMAIL_1.md');
  const name = path.basename(pending);
  const request = await readFile(path.join(cloud.root, pending), 'utf8');
  assert.equal((await cloud.sync.syncOnce()).status, 'ok');
  // The real request arrives first (in one push with it, the look-alike would keep both out: a clashing pair).
  assert.equal((await local.sync.syncOnce()).status, 'ok');
  await pushRaw(pair.remote, path.join(pair.dir, 'attacker.git'), [
    { path: `Pending_Approval/${name.toLowerCase()}`, data: request.replace(/^id: .*$/m, 'id: EMAIL_SEND_OTHER') },
  ]);
  const synced = await local.sync.syncOnce();
  assert.equal(synced.status, 'ok');
  // Today's door refuses the look-alike (its name folds onto the real one's); were it ever sighted, the owner's
  // move of the real one must still stand.
  assert.ok(synced.refused.some((r) => r.paths.includes(`Pending_Approval/${name.toLowerCase()}`)));
  await rename(path.join(local.root, pending), path.join(local.root, 'Approved', name));
  const sent: Array<{ rel: string; to: unknown; text: string }> = [];
  const outcome = await executeApproved(recorder(sent)(local), `Approved/${name}`);
  assert.equal(outcome.status, 'executed', outcome.reason);
  assert.equal(sent.length, 1);
});

test('found by the fuzzer (HOSTILE_FUZZ_OFF=wreck-task): the executor reports an executed approval even when cloud wrecked its source task', async (t) => {
  const pair = await makeGitPair();
  t.after(() => pair.cleanup());
  const { cloud, local } = pair;
  await seedEmailTask(cloud.root, 1);
  const pending = await cloudDraftsAndAsks(cloud.vault, 'Needs_Action/EMAIL_1.md');
  assert.equal((await cloud.sync.syncOnce()).status, 'ok');
  await pushRaw(pair.remote, path.join(pair.dir, 'attacker.git'), [
    { path: 'In_Progress/cloud/EMAIL_1.md', data: 'not a task any more\n' },
  ]);
  assert.equal((await local.sync.syncOnce()).status, 'ok');
  const approved = await ownerDecides(local.vault.ctx, pending, 'approve');
  const sent: Array<{ rel: string; to: unknown; text: string }> = [];
  const outcome = await executeApproved(recorder(sent)(local), approved);
  assert.equal(outcome.status, 'executed');
  assert.equal(sent.length, 1);
});

test('found by the fuzzer (HOSTILE_FUZZ_OFF=source-task): a request from cloud that names local’s own task as its source cannot file that task', async (t) => {
  const pair = await makeGitPair();
  t.after(() => pair.cleanup());
  const { cloud, local } = pair;
  await writeFile(
    path.join(local.root, 'Needs_Action/local/TASK_1.md'),
    newTaskText(
      { id: 'task:1', type: 'task', created: '2026-12-01T09:00:00.000Z', status: 'new', title: 'Pay the rent' },
      'Pay the rent.',
    ),
  );
  const claimed = await local.vault.claim({ path: 'Needs_Action/local/TASK_1.md' });
  assert.equal((await local.sync.syncOnce()).status, 'ok');
  await seedEmailTask(cloud.root, 1);
  const pending = await cloudDraftsAndAsks(cloud.vault, 'Needs_Action/EMAIL_1.md');
  const request = await readFile(path.join(cloud.root, pending), 'utf8');
  await pushRaw(pair.remote, path.join(pair.dir, 'attacker.git'), [
    { path: pending, data: request.replace(/^source_task: .*$/m, `source_task: ${claimed.path}`) },
  ]);
  assert.equal((await local.sync.syncOnce()).status, 'ok');
  // The owner says no, by moving the request to Rejected/; the executor files the rejection.
  const name = path.basename(pending);
  await rename(path.join(local.root, pending), path.join(local.root, 'Rejected', name));
  const sent: Array<{ rel: string; to: unknown; text: string }> = [];
  assert.equal((await recordRejection(recorder(sent)(local), `Rejected/${name}`)).status, 'rejected');
  assert.ok(
    (await lstat(path.join(local.root, claimed.path)).catch(() => undefined))?.isFile(),
    `${claimed.path}, local's own claim, is still in progress`,
  );
});

test('found by the fuzzer (seed 103; HOSTILE_FUZZ_OFF=resurrect,pending-variant): cloud cannot make a file the executor found no decision for executable later, by sighting a look-alike', async (t) => {
  const pair = await makeGitPair();
  t.after(() => pair.cleanup());
  const { cloud, local } = pair;
  await seedEmailTask(cloud.root, 1);
  const pending = await cloudDraftsAndAsks(cloud.vault, 'Needs_Action/EMAIL_1.md');
  const request = await readFile(path.join(cloud.root, pending), 'utf8');
  const name = path.basename(pending);
  // A file stands in local's Approved/ with no decision of the owner on it (as in approval-boundary.test.ts: how
  // it got there does not matter; the fuzzer got one by vetoing the owner's move with a look-alike request).
  await writeFile(path.join(local.root, 'Approved', name), request);
  const sent: Array<{ rel: string; to: unknown; text: string }> = [];
  assert.equal((await executeApproved(recorder(sent)(local), `Approved/${name}`)).status, 'suspicious');
  // Cloud now pushes the same request under a case-folded name: the sync sights it, and it is not "back" under
  // the exact name, so the executor takes the file in Approved/ for the owner's move.
  await pushRaw(pair.remote, path.join(pair.dir, 'attacker.git'), [
    { path: `Pending_Approval/${name.toLowerCase()}`, data: request },
  ]);
  assert.equal((await local.sync.syncOnce()).status, 'ok');
  const outcome = await executeApproved(recorder(sent)(local), `Approved/${name}`);
  assert.equal(outcome.status, 'suspicious', `${outcome.status}: ${outcome.reason ?? ''}`);
  assert.deepEqual(sent, []);
});
