import assert from 'node:assert/strict';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { parseTaskText } from '../../src/core/vault/frontmatter.js';
import { prng, spawnClaimer } from '../helpers/claimer-process.js';
import { censusProblems, readAuditLines, snapshotVault, takeCensus, TASK_FOLDERS } from '../helpers/vault-census.js';
import { openTestVault, seedEmailTask, tempVaultDir } from '../helpers/vault.js';

/**
 * DESIGN §3: "A crash at any point leaves the task either claimed or not — never lost, never in two places
 * after recovery." A real claimer process loops claim → complete / release / fail / keep over a queue, and is
 * killed with SIGKILL at random points. After each kill, recovery (with a clock two days ahead, so that every
 * lease has lapsed and every temp file is old) must leave each task in exactly one place, and a second
 * recovery must find nothing to do.
 */

const TASKS = 300;
const ROUNDS = 12;
const SEED = Number(process.env['CLAIM_CRASH_SEED'] ?? 20261126);

interface RoundLog {
  round: number;
  killedAt: string;
  hiddenBefore: string[];
  report: Record<string, number>;
}

/** Where the kill landed, from the child's last line: `B n op` is "during op", `E n op` is "after op". */
function phaseOf(lines: string[]): string {
  const last = [...lines].reverse().find((l) => l.startsWith('B ') || l.startsWith('E '));
  if (last === undefined) return 'before the first operation';
  const [kind, , op] = last.split(' ');
  return kind === 'B' ? `during ${op}` : `after ${op}`;
}

/** What the kill left behind, as recovery found it. */
function stateOf(hidden: string[], report: Record<string, number>): string {
  const found: string[] = [];
  if ((report['finishedClaims'] ?? 0) > 0) found.push('claim written, take not yet removed');
  if ((report['returnedTakes'] ?? 0) > 0) found.push('taken, not yet written as claimed');
  if ((report['completedMoves'] ?? 0) > 0) found.push('move to Done/Failed/queue cut short');
  if (hidden.some((n) => n.startsWith('.tmp-'))) found.push('temp file left');
  return found.length > 0 ? ` (${found.join('; ')})` : '';
}

/** Ids carried by every file in the task folders, hidden take files included: nothing may be lost, ever. */
async function idsAnywhere(root: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const folder of TASK_FOLDERS) {
    const dir = path.join(root, ...folder.split('/'));
    for (const name of await readdir(dir)) {
      if (!name.endsWith('.md')) continue;
      // Why a regex and not the YAML parser: this runs over every file after every kill; ids are plain.
      const id = /^id: (\S+)$/m.exec(await readFile(path.join(dir, name), 'utf8'))?.[1];
      if (id !== undefined) ids.add(id);
    }
  }
  return ids;
}

test(
  'a claimer killed with SIGKILL at random points never loses or duplicates a task',
  { timeout: 120_000 },
  async (t) => {
    const root = await tempVaultDir('claim-crash-');
    t.after(() => rm(root, { recursive: true, force: true }));
    const ids: string[] = [];
    for (let start = 1; start <= TASKS; start += 100) {
      const batch = Array.from({ length: Math.min(100, TASKS - start + 1) }, (_, i) => start + i);
      await Promise.all(batch.map((n) => seedEmailTask(root, n)));
      ids.push(...batch.map((n) => `gmail:${n}`));
    }
    const random = prng(SEED);
    const future = () => new Date(Date.now() + 2 * 86_400_000);
    const rounds: RoundLog[] = [];
    const phases = new Map<string, number>();
    t.diagnostic(`seed ${SEED} (set CLAIM_CRASH_SEED to replay)`);

    // Why start each claimer one round early: tsx start-up is most of a round's time, and a waiting claimer
    // touches nothing until it is told "go".
    const spawnNext = (round: number) =>
      spawnClaimer(root, `crash-${round}`, 'crash-loop', Math.floor(random() * 2 ** 31));
    let next = spawnNext(1);
    for (let round = 1; round <= ROUNDS; round += 1) {
      const claimer = next;
      try {
        await claimer.waitForLine((l) => l === 'ready');
        // Kill on the child's own progress, not after a fixed sleep: at the start of its N-th operation, either
        // at once or a few random milliseconds later, so that kills land in every step of claim and move.
        const target = 1 + Math.floor(random() * 30);
        const delayMs = random() < 0.4 ? 0 : Math.floor(random() * 12);
        claimer.child.stdin.end('go\n');
        const started = await claimer
          .waitForLine((l) => l.startsWith(`B ${target} `) || l === 'drained')
          .catch(() => 'exited');
        if (started.startsWith('B ')) {
          if (delayMs === 0) claimer.child.kill('SIGKILL');
          else setTimeout(() => claimer.child.kill('SIGKILL'), delayMs);
        }
        const exit = await claimer.exited;
        if (exit.signal !== 'SIGKILL') assert.equal(exit.code, 0, `claimer exited by itself: ${claimer.stderr()}`);
        const errors = claimer.lines.filter((l) => l.startsWith('E ') && l.includes(' error:'));
        assert.deepEqual(errors, [], 'the claimer alone on the queue never gets an error');
      } finally {
        if (claimer.child.exitCode === null && claimer.child.signalCode === null) claimer.child.kill('SIGKILL');
      }
      next = spawnNext(round + 1);
      if (round === ROUNDS) next.child.kill('SIGKILL');

      // Before recovery: every task is still somewhere (claimed, queued, finished, or in a hidden take file).
      const before = await idsAnywhere(root);
      assert.deepEqual(
        ids.filter((id) => !before.has(id)),
        [],
        `round ${round}: no task is lost by the crash`,
      );
      const hiddenBefore = (await readdir(path.join(root, 'In_Progress', 'cloud'))).filter(
        (n) => n.startsWith('.') && n !== '.gitkeep',
      );

      const vault = await openTestVault(root, 'cloud', { clock: future, processName: 'recovery' });
      const report = (await vault.recover()) as unknown as Record<string, number>;
      const killedAt = `${phaseOf(claimer.lines)}${stateOf(hiddenBefore, report)}`;
      phases.set(killedAt, (phases.get(killedAt) ?? 0) + 1);
      rounds.push({
        round,
        killedAt,
        hiddenBefore: hiddenBefore.map((n) => n.replace(/-[0-9a-f]{12}-/, '-*-')),
        report,
      });

      const census = await takeCensus(root);
      assert.deepEqual(censusProblems(census, ids), { duplicated: [], missing: [] }, `round ${round}: one place each`);
      assert.deepEqual(census.withoutId, [], `round ${round}: every file is a whole task`);
      assert.deepEqual(census.hidden, [], `round ${round}: no .claiming-/.tmp- file survives recovery`);
      assert.equal(census.counts['In_Progress/cloud'], 0, `round ${round}: every lapsed claim went back or on`);

      // Recovery is idempotent: a second run finds nothing and changes nothing.
      const snap = await snapshotVault(root);
      const again = await vault.recover();
      assert.deepEqual(Object.values(again), [0, 0, 0, 0, 0, 0], `round ${round}: second recovery is a no-op`);
      assert.deepEqual(await snapshotVault(root), snap, `round ${round}: second recovery changes no file`);
    }

    // The finished files say what happened to them, and the queue holds only unclaimed tasks.
    const census = await takeCensus(root);
    for (const [, [place]] of census.byId) {
      const data = parseTaskText(await readFile(path.join(root, ...(place ?? '').split('/')), 'utf8')).data;
      const folder = path.posix.dirname(place ?? '');
      if (folder === 'Done') assert.equal(data['status'], 'done', place);
      if (folder === 'Failed') assert.equal(data['status'], 'failed', place);
      if (folder === 'Needs_Action') {
        assert.equal(data['status'], 'new', place);
        assert.equal(data['claimed_by'], undefined, place);
      }
    }
    // A SIGKILL never tears an audit line: each is one whole JSON object.
    const audit = await readAuditLines(root);
    assert.ok(audit.length > 0);

    const summary = [...phases].map(([phase, n]) => `${phase}: ${n}`).join(', ');
    const counts = Object.entries(census.counts)
      .filter(([, n]) => n > 0)
      .map(([f, n]) => `${f} ${n}`)
      .join(', ');
    t.diagnostic(`kills by phase: ${summary}`);
    for (const r of rounds) {
      const did = Object.entries(r.report)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${k}=${n}`)
        .join(' ');
      t.diagnostic(
        `round ${r.round}: killed ${r.killedAt}; hidden before recovery [${r.hiddenBefore.join(' ')}]; recovery ${did || 'nothing'}`,
      );
    }
    t.diagnostic(`final: ${counts}`);
    process.stdout.write(`claim crash: ${ROUNDS} kills (${summary}); final ${counts}\n`);
  },
);
