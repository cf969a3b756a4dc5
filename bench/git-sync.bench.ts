/**
 * Git sync bench (issue 5): a vault with 20,000 files in Done/; each round the peer pushes 100 changed files,
 * then the measured side changes 100 files (50 edits, 50 new) and syncs. "ours" is `GitSyncService.syncOnce`
 * (guard of the changed files, explicit staging, commit, fetch, plumbing integration with the trust
 * boundary, push); "plain git" runs the same steps as plain commands (status, add, commit, fetch, rebase,
 * push). Both run in one process, alternating, against their own copy of the same remote.
 * Target: ours ≤ 1.5× plain git (median). Prints JSON, then a markdown table.
 *
 *   node --import tsx bench/git-sync.bench.ts [--files 20000] [--changed 100] [--rounds 7]
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../src/core/log.js';
import { loadPolicy } from '../src/core/policy/policy.js';
import { initVault } from '../src/core/vault/init.js';
import { Vault } from '../src/core/vault/vault.js';
import { GitSyncService } from '../src/daemons/sync/service.js';
import { changeFiles, git, makeSetup, makeTemplate, peerPushes } from './lib/git-fixture.js';
import { median, round } from './lib/stats.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const FILES = arg('files', 20_000);
const CHANGED = arg('changed', 100);
const ROUNDS = arg('rounds', 7);
const TARGET = 1.5;

const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-git-sync-'));
try {
  const t0 = performance.now();
  const template = await makeTemplate(dir, FILES);
  const ours = await makeSetup(dir, template, 'ours');
  const plain = await makeSetup(dir, template, 'plain');
  const setupMs = performance.now() - t0;

  await initVault(ours.side); // the .gitignore and any missing folder, as `ai-employee init` leaves them
  await writeFile(path.join(plain.side, '.git', 'info', 'exclude'), '');
  const policy = await loadPolicy('local', { draftOnly: false });
  const vault = await Vault.open({ root: ours.side, policy, logger: silentLogger(), processName: 'bench' });
  const stateDir = path.join(dir, 'state');
  const service = new GitSyncService({ vault, stateDir, logger: silentLogger() });
  // Warm-up: the first run of a process scans the whole vault (the guard "at start").
  const tFull = performance.now();
  const warm = await service.syncOnce();
  const fullGuardSyncMs = performance.now() - tFull;
  if (warm.status !== 'ok') throw new Error(`warm-up sync failed: ${warm.message}`);

  const oursMs: number[] = [];
  const plainMs: number[] = [];
  let verified = true;
  for (let r = 1; r <= ROUNDS; r++) {
    const incomingFrom = 10_000 + r * CHANGED;
    const ownFrom = r * CHANGED;
    const half = Math.floor(CHANGED / 2);
    for (const [setup, times] of (r % 2
      ? [
          [ours, oursMs],
          [plain, plainMs],
        ]
      : [
          [plain, plainMs],
          [ours, oursMs],
        ]) as Array<[typeof ours, number[]]>) {
      await peerPushes(setup.peer, incomingFrom, CHANGED, r);
      const paths = await changeFiles(setup.side, ownFrom, CHANGED - half, r, half);
      const started = performance.now();
      if (setup === ours) {
        const result = await service.syncOnce();
        if (result.status !== 'ok' || !result.pushed || result.received !== CHANGED) {
          verified = false;
          process.stderr.write(`ours round ${r}: ${JSON.stringify(result)}\n`);
        }
      } else {
        const name = 'ai-employee-local';
        await git(setup.side, ['status', '--porcelain', '-z', '--untracked-files=all'], name);
        await git(setup.side, ['add', '-A', '--', ...paths], name);
        await git(setup.side, ['commit', '-q', '-m', `plain round ${r}`], name);
        await git(setup.side, ['fetch', '-q', 'origin'], name);
        await git(setup.side, ['rebase', '-q', 'origin/main'], name);
        await git(setup.side, ['push', '-q', 'origin', 'HEAD:main'], name);
      }
      times.push(performance.now() - started);
    }
  }
  // Both remotes end with the same files (own + incoming changes), which checks "the same steps".
  const oursTree = await git(ours.remote, ['ls-tree', '-r', '--name-only', 'main']);
  const plainTree = await git(plain.remote, ['ls-tree', '-r', '--name-only', 'main']);
  const oursDone = oursTree.split('\n').filter((l) => l.startsWith('Done/')).length;
  const plainDone = plainTree.split('\n').filter((l) => l.startsWith('Done/')).length;
  if (oursDone !== plainDone) verified = false;

  const ratio = median(oursMs) / median(plainMs);
  const report = {
    bench: 'git-sync',
    meta: {
      files: FILES,
      changed: CHANGED,
      rounds: ROUNDS,
      node: process.version,
      cpus: os.cpus().length,
      loadavg: os.loadavg(),
    },
    setup_ms: round(setupMs, 0),
    ours: { median_ms: round(median(oursMs)), runs_ms: oursMs.map((x) => round(x, 1)) },
    plain_git: { median_ms: round(median(plainMs)), runs_ms: plainMs.map((x) => round(x, 1)) },
    first_sync_with_full_guard_ms: round(fullGuardSyncMs, 1),
    ratio: round(ratio, 3),
    target: TARGET,
    pass: ratio <= TARGET && verified,
    verified,
    done_files: { ours: oursDone, plain: plainDone },
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n\n`);
  process.stdout.write(
    [
      `${FILES} files in Done/, ${CHANGED} changed per side per round (+${CHANGED} incoming), ${ROUNDS} rounds; node ${process.version}, ${os.cpus().length} CPUs`,
      '',
      '| contender | median ms | runs ms |',
      '| --- | ---: | --- |',
      `| ours (GitSyncService.syncOnce) | ${report.ours.median_ms} | ${report.ours.runs_ms.join(', ')} |`,
      `| plain git (status, add, commit, fetch, rebase, push) | ${report.plain_git.median_ms} | ${report.plain_git.runs_ms.join(', ')} |`,
      '',
      `| ratio ours / plain (target ≤ ${TARGET}) | first sync with a full guard scan | verified |`,
      '| ---: | ---: | --- |',
      `| ${report.ratio} ${report.pass ? 'PASS' : 'FAIL'} | ${report.first_sync_with_full_guard_ms} ms | ${verified ? 'yes' : 'NO'} |`,
      '',
    ].join('\n'),
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
