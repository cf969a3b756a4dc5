import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { test } from 'node:test';
import { spawnClaimer, type RaceResult } from '../helpers/claimer-process.js';
import { censusProblems, readAuditLines, takeCensus } from '../helpers/vault-census.js';
import { seedEmailTask, tempVaultDir } from '../helpers/vault.js';

/**
 * DESIGN §3, claim-by-move: "exactly one claimer wins, even when several processes race". Four real OS
 * processes claim the same queue at once through the real core; afterwards every task must have been won by
 * exactly one of them and must sit in exactly one place.
 */

const WORKERS = 4;

async function seedQueue(root: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 1; start <= count; start += 250) {
    const batch = Array.from({ length: Math.min(250, count - start + 1) }, (_, i) => start + i);
    await Promise.all(batch.map((n) => seedEmailTask(root, n)));
    ids.push(...batch.map((n) => `gmail:${n}`));
  }
  return ids;
}

async function race(root: string, mode: 'race-path' | 'race-auto', seed: number): Promise<RaceResult[]> {
  const claimers = Array.from({ length: WORKERS }, (_, i) => spawnClaimer(root, `w${i + 1}`, mode, seed + i));
  try {
    // Why wait for every "ready" before "go": tsx start-up takes ~1 s, and the race is only a race if the
    // workers start claiming together rather than one after another.
    await Promise.all(claimers.map((c) => c.waitForLine((l) => l === 'ready')));
    for (const c of claimers) c.child.stdin.end('go\n');
    const results = await Promise.all(
      claimers.map(
        async (c) => JSON.parse((await c.waitForLine((l) => l.startsWith('result '))).slice(7)) as RaceResult,
      ),
    );
    const exits = await Promise.all(claimers.map((c) => c.exited));
    exits.forEach((e, i) => assert.equal(e.code, 0, `worker ${i + 1} exit: ${claimers[i]?.stderr()}`));
    return results;
  } finally {
    for (const c of claimers) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
  }
}

async function checkOutcome(root: string, ids: string[], results: RaceResult[]) {
  // Every task won exactly once: the union of wins is the whole queue, with no overlap.
  const winners = new Map<string, string[]>();
  for (const r of results) {
    for (const { id } of r.won) winners.set(id, [...(winners.get(id) ?? []), r.worker]);
  }
  const doubleWins = [...winners].filter(([, w]) => w.length > 1);
  assert.deepEqual(doubleWins, [], 'no task is won by two workers');
  assert.equal(
    results.reduce((n, r) => n + r.won.length, 0),
    ids.length,
    'the wins add up to the queue',
  );
  assert.deepEqual(
    ids.filter((id) => !winners.has(id)),
    [],
    'every task was won',
  );
  for (const r of results) assert.deepEqual(r.otherErrors, [], `${r.worker} got only conflicts as errors`);

  // Every task is in exactly one place: In_Progress/cloud; nothing left in the queue, no hidden leftovers.
  const census = await takeCensus(root);
  assert.deepEqual(censusProblems(census, ids), { duplicated: [], missing: [] });
  assert.equal(census.counts['In_Progress/cloud'], ids.length);
  assert.equal(census.counts['Needs_Action'], 0);
  assert.equal(census.counts['Failed'], 0);
  assert.deepEqual(census.hidden, [], 'no .claiming-* or .tmp-* files are left');
  assert.deepEqual(census.withoutId, []);
  for (const [id, places] of census.byId) assert.match(places[0] ?? '', /^In_Progress\/cloud\//, `${id} is claimed`);

  // The audit log has one task.claim line per task, each from the worker that won it.
  const claims = (await readAuditLines(root)).filter((l) => l['action_type'] === 'task.claim');
  assert.equal(claims.length, ids.length);
  const byProcess = new Map<string, number>();
  for (const line of claims) {
    const proc = (line['actor'] as { process: string }).process;
    byProcess.set(proc, (byProcess.get(proc) ?? 0) + 1);
  }
  for (const r of results) assert.equal(byProcess.get(r.worker) ?? 0, r.won.length, `audit lines of ${r.worker}`);
}

function summary(results: RaceResult[]): string {
  return results
    .map((r) => `${r.worker}: won ${r.won.length}, conflicts ${r.conflicts}, attempts ${r.attempts}, ${r.ms} ms`)
    .join('; ');
}

test(
  '4 processes race over 2,000 tasks claimed by path: each task won exactly once',
  { timeout: 120_000 },
  async (t) => {
    const root = await tempVaultDir('claim-race-');
    t.after(() => rm(root, { recursive: true, force: true }));
    const ids = await seedQueue(root, 2000);
    const started = performance.now();
    const results = await race(root, 'race-path', 1000);
    const elapsed = Math.round(performance.now() - started);
    const line = `claim race (path, 2000 tasks, ${elapsed} ms incl. start-up): ${summary(results)}`;
    t.diagnostic(line);
    process.stdout.write(`${line}\n`);

    await checkOutcome(root, ids, results);
    // Losers were told "already claimed"; with four workers walking the same queue in different orders, each of
    // them loses some races.
    const conflicts = results.reduce((n, r) => n + r.conflicts, 0);
    assert.ok(conflicts > 0, 'some claims lost a race');
    for (const r of results) {
      assert.equal(r.attempts, r.won.length + r.conflicts, `${r.worker}: every attempt either won or got a conflict`);
      if (r.conflicts > 0) assert.match(r.conflictSample ?? '', /already claimed/);
    }
  },
);

test('4 processes race with auto-claim over 150 tasks: each task won exactly once', { timeout: 120_000 }, async (t) => {
  const root = await tempVaultDir('claim-race-auto-');
  t.after(() => rm(root, { recursive: true, force: true }));
  const ids = await seedQueue(root, 150);
  const started = performance.now();
  const results = await race(root, 'race-auto', 2000);
  const elapsed = Math.round(performance.now() - started);
  const line = `claim race (auto, 150 tasks, ${elapsed} ms incl. start-up): ${summary(results)}`;
  t.diagnostic(line);
  process.stdout.write(`${line}\n`);

  await checkOutcome(root, ids, results);
  for (const r of results) {
    // Auto-claim skips a task it lost to another worker and tries the next: the only way out is not_found.
    assert.match(r.endedWith ?? '', /No claimable task is waiting for cloud/);
    assert.equal(r.conflicts, 0, `${r.worker}: auto-claim hides lost races`);
  }
});
