import type { ContenderName, RawRun } from './contenders.js';
import { round, summarise } from './stats.js';

export interface RunRow {
  contender: ContenderName;
  concurrency: number;
  tasks: number;
  tasksPerSec: number;
  wallMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  /** Median spawn → first tools/list over the startup samples; null for the in-process floor. */
  startupMs: number | null;
  rssMb: number;
  peakRssMb: number | null;
  serverCpuMsPerTask: number | null;
  benchCpuMsPerTask: number;
  verified: boolean;
  problems: string[];
}

export interface Ratio {
  value: number | null;
  target: string;
  pass: boolean;
}

export interface RatioRow {
  concurrency: number;
  oursVsFilesystem: Ratio;
  oursVsFloor: Ratio;
  startupOursVsFilesystem: Ratio;
}

export interface BenchReport {
  meta: {
    date: string;
    tasks: number;
    concurrency: number[];
    startupSamples: number;
    node: string;
    cpus: number;
    loadavgStart: number[];
    loadavgEnd: number[];
  };
  startup: Partial<Record<ContenderName, { medianMs: number; samplesMs: number[] }>>;
  runs: RunRow[];
  ratios: RatioRow[];
  pass: boolean;
}

export function toRow(
  contender: ContenderName,
  concurrency: number,
  tasks: number,
  raw: RawRun,
  startupMs: number | null,
  verification: { ok: boolean; problems: string[] },
): RunRow {
  const lat = summarise(raw.latenciesMs);
  return {
    contender,
    concurrency,
    tasks,
    tasksPerSec: round((tasks / raw.wallMs) * 1000, 1),
    wallMs: round(raw.wallMs, 1),
    p50Ms: round(lat.p50, 3),
    p99Ms: round(lat.p99, 3),
    maxMs: round(lat.max, 3),
    meanMs: round(lat.mean, 3),
    startupMs: startupMs === null ? null : round(startupMs, 1),
    rssMb: round(raw.rssMb, 1),
    peakRssMb: raw.peakRssMb === null ? null : round(raw.peakRssMb, 1),
    serverCpuMsPerTask: raw.serverCpuMsPerTask === null ? null : round(raw.serverCpuMsPerTask, 2),
    benchCpuMsPerTask: round(raw.benchCpuMsPerTask, 2),
    verified: verification.ok,
    problems: verification.problems,
  };
}

/** Targets of the issue: ≥ 2× the filesystem server's tasks/s, ≥ 70% of the floor's, startup no slower. */
export function ratiosFor(runs: readonly RunRow[], concurrency: number): RatioRow {
  const find = (name: ContenderName) => runs.find((r) => r.contender === name && r.concurrency === concurrency);
  const ours = find('ours');
  const fsRun = find('filesystem');
  const floorRun = find('floor');
  const ratio = (a: number | null | undefined, b: number | null | undefined) =>
    a === null || a === undefined || b === null || b === undefined || b === 0 ? null : round(a / b, 3);
  // Why verified in every check: a broken run must not pass a target.
  const ok = Boolean(ours?.verified && fsRun?.verified);
  const vsFs = ratio(ours?.tasksPerSec, fsRun?.tasksPerSec);
  const vsFloor = ratio(ours?.tasksPerSec, floorRun?.tasksPerSec);
  const startup = ratio(ours?.startupMs, fsRun?.startupMs);
  return {
    concurrency,
    oursVsFilesystem: { value: vsFs, target: '>= 2', pass: ok && vsFs !== null && vsFs >= 2 },
    oursVsFloor: {
      value: vsFloor,
      target: '>= 0.7',
      pass: Boolean(ours?.verified && floorRun?.verified) && vsFloor !== null && vsFloor >= 0.7,
    },
    startupOursVsFilesystem: { value: startup, target: '<= 1', pass: ok && startup !== null && startup <= 1 },
  };
}
