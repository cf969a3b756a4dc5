/**
 * Bench: claim + draft of N tasks over MCP stdio — our server against the official filesystem server doing
 * the same file work, and against a floor (the same syscalls and fsyncs in-process, no MCP). Numbers: docs/benchmarks.md.
 *
 * stdout: the JSON report (also written to bench/results/latest.json). stderr: progress and the markdown
 * tables (omitted with --json-only). Exit code 1 when a run fails verification or errors; targets missed
 * are reported, not an exit failure.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseBenchArgs } from './lib/args.js';
import { AUDIT_PER_TASK, CONTENDERS, type ContenderName } from './lib/contenders.js';
import { ratiosFor, toRow, type BenchReport, type RunRow } from './lib/report.js';
import { median, round } from './lib/stats.js';
import { markdownTables } from './lib/table.js';
import { removeVault, seededVault, verifyRun } from './lib/vault.js';

const options = parseBenchArgs(process.argv.slice(2));
const log = (message: string) => {
  if (!options.jsonOnly) console.error(message);
};

const report: BenchReport = {
  meta: {
    date: new Date().toISOString(),
    tasks: options.tasks,
    concurrency: options.concurrency,
    startupSamples: options.startupSamples,
    node: process.version,
    cpus: os.availableParallelism(),
    loadavgStart: os.loadavg().map((l) => round(l, 2)),
    loadavgEnd: [],
  },
  startup: {},
  runs: [],
  ratios: [],
  pass: false,
};

// Startup: the servers' spawns alternate (ours, filesystem, ours, ...) so background load hits both alike.
const spawned = options.contenders.filter((c) => c !== 'floor');
const startupVaults = new Map<ContenderName, string>();
for (const name of spawned) startupVaults.set(name, (await seededVault(options.tasks, `startup-${name}`)).root);
const samples = new Map<ContenderName, number[]>(spawned.map((n) => [n, []]));
for (let i = 0; i < options.startupSamples; i += 1) {
  for (const name of spawned) {
    const got = await CONTENDERS[name].startup(startupVaults.get(name) as string, 1);
    samples.get(name)?.push(...(got ?? []));
  }
}
for (const name of spawned) {
  const s = samples.get(name) as number[];
  report.startup[name] = { medianMs: round(median(s), 1), samplesMs: s.map((x) => round(x, 1)) };
  log(`startup ${name}: median ${median(s).toFixed(1)} ms of ${s.map((x) => x.toFixed(0)).join(', ')}`);
  if (!options.keep) await removeVault(startupVaults.get(name) as string);
}

let failed = false;
for (const concurrency of options.concurrency) {
  for (const name of options.contenders) {
    const { root, tasks } = await seededVault(options.tasks, `${name}-c${concurrency}`);
    log(`run ${name} C=${concurrency} (${tasks.length} tasks) in ${root}`);
    let row: RunRow;
    try {
      const raw = await CONTENDERS[name].run(root, tasks, concurrency);
      const verification = await verifyRun(root, tasks, AUDIT_PER_TASK[name]);
      row = toRow(name, concurrency, tasks.length, raw, report.startup[name]?.medianMs ?? null, verification);
    } catch (err) {
      console.error(`run ${name} C=${concurrency} failed: ${(err as Error).stack ?? String(err)}`);
      row = toRow(
        name,
        concurrency,
        tasks.length,
        {
          latenciesMs: [],
          wallMs: Number.NaN,
          rssMb: Number.NaN,
          peakRssMb: null,
          serverCpuMsPerTask: null,
          benchCpuMsPerTask: Number.NaN,
        },
        null,
        { ok: false, problems: [(err as Error).message] },
      );
    }
    if (!row.verified) {
      failed = true;
      console.error(`run ${name} C=${concurrency} NOT VERIFIED: ${row.problems.join('; ')}`);
    }
    log(`  ${row.tasksPerSec} tasks/s, p50 ${row.p50Ms} ms, p99 ${row.p99Ms} ms, RSS ${row.rssMb} MB`);
    report.runs.push(row);
    if (!options.keep) await removeVault(root);
  }
  report.ratios.push(ratiosFor(report.runs, concurrency));
}

report.meta.loadavgEnd = os.loadavg().map((l) => round(l, 2));
report.pass =
  !failed &&
  report.ratios.every((r) => r.oursVsFilesystem.pass && r.oursVsFloor.pass && r.startupOursVsFilesystem.pass);

const json = JSON.stringify(report, null, 2);
const resultsDir = path.join(import.meta.dirname, 'results');
await mkdir(resultsDir, { recursive: true });
await writeFile(path.join(resultsDir, 'latest.json'), `${json}\n`);
process.stdout.write(`${json}\n`);
log(`\n${markdownTables(report)}\n`);
if (failed) process.exitCode = 1;
