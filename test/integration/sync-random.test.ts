import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { executeApproved, recordRejection } from '../../src/core/actions/executor.js';
import { ExecutionLedger } from '../../src/core/actions/ledger.js';
import { ownerDecides } from '../../src/core/actions/owner-decision.js';
import { newTaskText } from '../../src/core/vault/frontmatter.js';
import type { SyncResult } from '../../src/core/sync/types.js';
import { isStatePath } from '../../src/core/sync/paths.js';
import { git, makeGitPair, type Side } from '../helpers/git-pair.js';
import { frontmatterOf, vaultFiles } from '../helpers/git-ops.js';
import { prng } from '../helpers/prng.js';
import { seedEmailTask } from '../helpers/vault.js';

const SEED = Number(process.env['SYNC_RANDOM_SEED'] ?? 20261126);
const OPERATIONS = 1000;
const PER_ROUND = 50; // per side, between two syncs

/** Test policies: local may also claim cloud's email tasks, so both sides can claim the same task (§3, §6). */
async function overlappingPolicies(dir: string): Promise<string> {
  const out = path.join(dir, 'policies');
  await mkdir(out, { recursive: true });
  const src = path.join(import.meta.dirname, '..', '..', 'policies');
  const cloud = JSON.parse(await readFile(path.join(src, 'cloud.json'), 'utf8'));
  const local = JSON.parse(await readFile(path.join(src, 'local.json'), 'utf8'));
  local.claim.queues.push('Needs_Action');
  local.claim.types.push('email');
  await writeFile(path.join(out, 'cloud.json'), JSON.stringify(cloud));
  await writeFile(path.join(out, 'local.json'), JSON.stringify(local));
  return out;
}

const md = (names: string[]) => names.filter((n) => n.endsWith('.md') && !n.startsWith('.'));
const list = async (side: Side, folder: string) => md(await readdir(path.join(side.root, folder)).catch(() => []));

test(`randomized: ${OPERATIONS} operations on both sides with syncs between; clones equal the remote, nothing lost, claims by the rule`, async (t) => {
  const { mkdtemp } = await import('node:fs/promises');
  const os = await import('node:os');
  const policyDir = await overlappingPolicies(await mkdtemp(path.join(os.tmpdir(), 'sync-policies-')));
  const pair = await makeGitPair({ policyDir });
  t.after(() => pair.cleanup());
  const { cloud, local } = pair;
  const rnd = prng(SEED);
  const counts: Record<string, number> = {};
  const count = (op: string) => (counts[op] = (counts[op] ?? 0) + 1);
  const markers: string[] = [];
  let taskNo = 0;
  let markerNo = 0;
  const ledger = new ExecutionLedger(path.join(pair.dir, 'ledger'));
  const sent: string[] = [];
  const executor = {
    ctx: local.vault.ctx,
    ledger,
    handlers: [{ action: 'send_email' as const, execute: async () => ({ message_id: `m${sent.push('x')}` }) }],
  };

  const appendMarker = async (side: Side, rel: string) => {
    const marker = `edit-${++markerNo}-${side.role}`;
    markers.push(marker);
    const file = path.join(side.root, rel);
    const before = await readFile(file, 'utf8').catch(() => `# ${rel}\n`);
    await writeFile(file, `${before.replace(/\n?$/, '\n')}- ${marker}\n`);
  };
  const tolerate = async (op: string, fn: () => Promise<unknown>) => {
    count(op);
    try {
      await fn();
    } catch (err) {
      const code = (err as { code?: string }).code;
      // Races the protocol answers on purpose (already claimed, gone meanwhile) are part of the test.
      if (code !== 'conflict' && code !== 'not_found' && code !== 'invalid_input') throw err;
      count(`${op}:refused`);
    }
  };

  const cloudOp = async () => {
    const r = rnd.next();
    const queue = await list(cloud, 'Needs_Action');
    const mine = await list(cloud, 'In_Progress/cloud');
    if (r < 0.25) {
      const n = ++taskNo;
      count('new_task');
      await seedEmailTask(cloud.root, n);
    } else if (r < 0.45) {
      const name = rnd.pick(queue.filter((n) => n.startsWith('EMAIL_')));
      if (name) await tolerate('claim', () => cloud.vault.claim({ path: `Needs_Action/${name}` }));
    } else if (r < 0.6) {
      const name = rnd.pick(mine);
      if (!name) return;
      const fm = await frontmatterOf(cloud.root, `In_Progress/cloud/${name}`);
      if (fm['status'] !== 'in_progress') return;
      await tolerate('draft+approval', async () => {
        const task = `In_Progress/cloud/${name}`;
        const draft = await cloud.vault.writeDraft({ task, body: `Reply for ${name}` });
        await cloud.vault.requestApproval({
          task,
          action: 'send_email',
          params: { to: 'customer@example.com', subject: `Re: ${name}` },
          draft: draft.path,
        });
      });
    } else if (r < 0.72) {
      const name = rnd.pick(mine);
      if (!name) return;
      const fm = await frontmatterOf(cloud.root, `In_Progress/cloud/${name}`);
      if (fm['status'] !== 'in_progress') return;
      await tolerate('complete', () => cloud.vault.complete(`In_Progress/cloud/${name}`, 'answered'));
    } else {
      count('edit');
      await appendMarker(cloud, `Plans/NOTE_${rnd.int(4)}.md`);
    }
  };

  const localOp = async () => {
    const r = rnd.next();
    if (r < 0.12) {
      const n = ++taskNo;
      count('new_task');
      await writeFile(
        path.join(local.root, 'Needs_Action/local', `TASK_${n}.md`),
        newTaskText(
          { id: `human:${n}`, type: 'task', created: new Date().toISOString(), title: `Task ${n}` },
          'Do it.',
        ),
      );
    } else if (r < 0.3) {
      const emails = (await list(local, 'Needs_Action'))
        .filter((n) => n.startsWith('EMAIL_'))
        .map((n) => `Needs_Action/${n}`);
      const own = (await list(local, 'Needs_Action/local')).map((n) => `Needs_Action/local/${n}`);
      const target = rnd.pick(rnd.next() < 0.6 ? emails : own);
      if (target) await tolerate('claim', () => local.vault.claim({ path: target }));
    } else if (r < 0.42) {
      const name = rnd.pick(await list(local, 'In_Progress/local'));
      if (name) await tolerate('complete', () => local.vault.complete(`In_Progress/local/${name}`, 'done by hand'));
    } else if (r < 0.57) {
      const name = rnd.pick(await list(local, 'Pending_Approval'));
      if (name)
        await tolerate('approve/reject', () =>
          ownerDecides(local.vault.ctx, `Pending_Approval/${name}`, rnd.next() < 0.7 ? 'approve' : 'reject'),
        );
    } else if (r < 0.67) {
      count('execute');
      for (const name of await list(local, 'Approved')) await executeApproved(executor, `Approved/${name}`);
      for (const name of await list(local, 'Rejected')) await recordRejection(executor, `Rejected/${name}`);
    } else {
      count('edit');
      const file = rnd.pick([
        'Plans/NOTE_0.md',
        'Plans/NOTE_1.md',
        'Plans/NOTE_2.md',
        'Plans/NOTE_3.md',
        'Dashboard.md',
        'Company_Handbook.md',
      ]);
      await appendMarker(local, file as string);
    }
  };

  const results: Array<{ side: Side; result: SyncResult }> = [];
  let syncMs = 0;
  const sync = async (side: Side) => {
    const started = performance.now();
    const result = await side.sync.syncOnce();
    syncMs += performance.now() - started;
    assert.equal(result.status, 'ok', `${side.role}: ${result.message}`);
    results.push({ side, result });
    return result;
  };

  let done = 0;
  let rounds = 0;
  while (done < OPERATIONS) {
    rounds += 1;
    // The same task claimed on both sides before either syncs: the case the claim rule settles.
    const inLocal = new Set(await list(local, 'Needs_Action'));
    const both = (await list(cloud, 'Needs_Action')).filter((n) => n.startsWith('EMAIL_') && inLocal.has(n));
    for (let k = 0; k < 2; k++) {
      const shared = both.splice(rnd.int(both.length), 1)[0];
      if (!shared) break;
      await tolerate('double_claim', async () => {
        await cloud.vault.claim({ path: `Needs_Action/${shared}` });
        await local.vault.claim({ path: `Needs_Action/${shared}` });
      });
      done += 2;
    }
    for (let i = 0; i < PER_ROUND && done < OPERATIONS; i++, done++) await cloudOp();
    for (let i = 0; i < PER_ROUND && done < OPERATIONS; i++, done++) await localOp();
    const order = rnd.next() < 0.5 ? [cloud, local] : [local, cloud];
    for (const side of order) await sync(side);
  }
  // Settle: sync both until a full pass pushes nothing.
  for (let pass = 0; pass < 8; pass++) {
    const a = await sync(cloud);
    const b = await sync(local);
    if (!a.pushed && !b.pushed && pass > 0) break;
  }

  // Both clones equal the remote, with nothing left uncommitted.
  const remoteHead = (await git(pair.remote, 'rev-parse', 'main')).trim();
  for (const side of [cloud, local]) {
    assert.equal((await git(side.root, 'rev-parse', 'HEAD')).trim(), remoteHead, `${side.role} HEAD`);
    const dirty = (await git(side.root, 'status', '--porcelain', '--untracked-files=all'))
      .split('\n')
      .filter(Boolean)
      .map((l) => l.slice(3))
      .filter(isStatePath);
    assert.deepEqual(dirty, [], `${side.role} has uncommitted state`);
  }

  // Every task is in exactly one folder (by its id; drafts, approvals, notes and conflict files are not tasks).
  const files = (await vaultFiles(cloud.root)).filter(isStatePath);
  const where = new Map<string, string[]>();
  const texts: string[] = [];
  const fms = new Map<string, Record<string, unknown>>();
  for (const rel of files) {
    texts.push(await readFile(path.join(cloud.root, rel), 'utf8'));
    const fm = await frontmatterOf(cloud.root, rel);
    fms.set(rel, fm);
    if (
      typeof fm['id'] !== 'string' ||
      ['draft', 'approval_request', 'update', 'sync_conflict'].includes(String(fm['type']))
    )
      continue;
    where.set(fm['id'], [...(where.get(fm['id']) ?? []), rel]);
  }
  for (const [id, paths] of where) assert.equal(paths.length, 1, `task ${id} is in ${paths.join(', ')}`);
  assert.equal(where.size, taskNo, 'every task created still exists');

  // No edit is lost: every marker is in a note or in a conflict file that keeps both versions.
  const all = texts.join('\n');
  const lost = markers.filter((m) => !all.includes(`- ${m}\n`));
  assert.deepEqual(lost, []);

  // Every claim conflict was settled by the rule: the winner's claim reached the remote first, and the loser
  // kept nothing it derived from its claim, and said so in Updates/.
  const lostClaims = results.flatMap(({ side, result }) => result.lostClaims.map((l) => ({ loser: side.role, ...l })));
  for (const claim of lostClaims) {
    const email = claim.task.replace(/^gmail:/, '');
    const deleters = (
      await git(
        pair.remote,
        'log',
        '--first-parent',
        '--reverse',
        '--format=%an',
        '--diff-filter=D',
        'main',
        '--',
        `Needs_Action/EMAIL_${email}.md`,
      )
    )
      .trim()
      .split('\n');
    const winner = claim.loser === 'cloud' ? 'local' : 'cloud';
    assert.equal(
      deleters[0],
      `ai-employee-${winner}`,
      `claim of ${claim.task}: first on the remote was ${deleters[0]}`,
    );
    for (const [rel, fm] of fms) {
      const refs = [fm['id'], fm['task_id'], fm['source_task_id']];
      if (!refs.includes(claim.task)) continue;
      const by = [fm['claimed_by'], fm['created_by'], fm['requested_by']].map(String);
      if (fm['type'] === 'approval_request' && fm['status'] === 'executed') continue;
      assert.ok(!by.some((b) => b.startsWith(`${claim.loser}:`)), `${rel} still carries ${claim.loser}'s losing claim`);
    }
  }
  const claimNotes = texts.filter((x) => x.includes('title: "Claim conflict') || x.includes('title: Claim conflict'));
  assert.ok(claimNotes.length >= lostClaims.length, `${claimNotes.length} notes for ${lostClaims.length} lost claims`);
  assert.ok(lostClaims.length > 0, 'the run included claim conflicts');

  const conflicts = results.reduce((n, r) => n + r.result.conflicts.length, 0);
  t.diagnostic(
    `seed ${SEED}: ${done} operations in ${rounds} rounds, ${results.length} syncs (${Math.round(syncMs)} ms syncing)`,
  );
  t.diagnostic(`operations: ${JSON.stringify(counts)}`);
  t.diagnostic(
    `tasks ${taskNo}, edits ${markers.length}, claim conflicts settled ${lostClaims.length}, conflict files ${conflicts}, executed ${sent.length}`,
  );
});
