import type { BenchReport } from './report.js';

const fmt = (n: number | null | undefined, digits = 1): string =>
  n === null || n === undefined || !Number.isFinite(n) ? '—' : n.toFixed(digits);

/** The report as markdown: one row per contender × concurrency, then the ratios against the targets. */
export function markdownTables(report: BenchReport): string {
  const lines: string[] = [];
  lines.push(
    `${report.meta.tasks} tasks per run; node ${report.meta.node}; ${report.meta.cpus} CPUs; ` +
      `load average ${report.meta.loadavgStart.map((l) => l.toFixed(2)).join(' ')} at start, ` +
      `${report.meta.loadavgEnd.map((l) => l.toFixed(2)).join(' ')} at end`,
    '',
    '| contender | C | tasks/s | p50 ms | p99 ms | startup ms | RSS MB | CPU ms/task server + bench | verified |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  );
  for (const r of report.runs) {
    lines.push(
      `| ${r.contender} | ${r.concurrency} | ${fmt(r.tasksPerSec)} | ${fmt(r.p50Ms, 2)} | ${fmt(r.p99Ms, 2)} | ` +
        `${fmt(r.startupMs)} | ${fmt(r.rssMb)}${r.contender === 'floor' ? ' (Δ bench)' : ''} | ${fmt(r.serverCpuMsPerTask, 2)} + ${fmt(r.benchCpuMsPerTask, 2)} | ${r.verified ? 'yes' : 'NO'} |`,
    );
  }
  lines.push(
    '',
    '| C | ours/filesystem tasks/s (≥ 2) | ours/floor tasks/s (≥ 0.7) | startup ours/filesystem (≤ 1) |',
    '| ---: | --- | --- | --- |',
  );
  for (const r of report.ratios) {
    const cell = (x: { value: number | null; pass: boolean }) => `${fmt(x.value, 2)} ${x.pass ? 'PASS' : 'FAIL'}`;
    lines.push(
      `| ${r.concurrency} | ${cell(r.oursVsFilesystem)} | ${cell(r.oursVsFloor)} | ${cell(r.startupOursVsFilesystem)} |`,
    );
  }
  lines.push('', `Overall: ${report.pass ? 'PASS' : 'FAIL'}`);
  return lines.join('\n');
}
