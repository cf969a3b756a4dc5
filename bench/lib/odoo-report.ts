import type { OdooProtocol } from '../../src/core/odoo/types.js';
import type { OdooPathName, OdooRawRun } from './odoo-paths.js';

/** Statistics, the JSON report and the markdown table of the Odoo draft-invoice bench. */

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

const round = (n: number, digits = 2): number => (Number.isFinite(n) ? Number(n.toFixed(digits)) : n);

export interface OdooRow {
  transport: OdooProtocol;
  path: OdooPathName;
  invoices: number;
  invoicesPerSec: number;
  wallMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  odooCallsPerInvoice: number;
  verified: boolean;
  problems: string[];
}

export interface OdooOverhead {
  transport: OdooProtocol;
  path: Exclude<OdooPathName, 'direct'>;
  /** direct invoices/s ÷ this path's invoices/s: the time per invoice relative to the direct client (≥ 1). */
  timeRatio: number | null;
  /** this path's p50 ÷ direct p50. */
  p50Ratio: number | null;
}

export interface OdooBenchReport {
  meta: {
    date: string;
    count: number;
    warmup: number;
    repeat: number;
    concurrency: 1;
    node: string;
    cpus: number;
    loadavgStart: number[];
    loadavgEnd: number[];
    notes: string[];
  };
  /** The fastest verified round of each path (a failed round wins, so that it shows). */
  rows: OdooRow[];
  allRounds: Array<OdooRow & { round: number }>;
  overhead: OdooOverhead[];
  verified: boolean;
}

export function toOdooRow(raw: OdooRawRun): OdooRow {
  const sorted = [...raw.latenciesMs].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    transport: raw.transport,
    path: raw.path,
    invoices: raw.count,
    invoicesPerSec: round((raw.count / raw.wallMs) * 1000, 1),
    wallMs: round(raw.wallMs, 1),
    p50Ms: round(percentile(sorted, 50), 3),
    p99Ms: round(percentile(sorted, 99), 3),
    maxMs: round(sorted.at(-1) ?? Number.NaN, 3),
    meanMs: round(sorted.length ? sum / sorted.length : Number.NaN, 3),
    odooCallsPerInvoice: round(raw.odooCallsPerInvoice, 2),
    verified: raw.verified,
    problems: raw.problems,
  };
}

export function overheadOf(rows: readonly OdooRow[]): OdooOverhead[] {
  const out: OdooOverhead[] = [];
  for (const transport of [...new Set(rows.map((r) => r.transport))]) {
    const direct = rows.find((r) => r.transport === transport && r.path === 'direct');
    for (const row of rows.filter((r) => r.transport === transport && r.path !== 'direct')) {
      const ok = direct !== undefined && direct.verified && row.verified;
      out.push({
        transport,
        path: row.path as OdooOverhead['path'],
        timeRatio: ok && row.invoicesPerSec > 0 ? round(direct.invoicesPerSec / row.invoicesPerSec, 2) : null,
        p50Ratio: ok && direct.p50Ms > 0 ? round(row.p50Ms / direct.p50Ms, 2) : null,
      });
    }
  }
  return out;
}

const fmt = (n: number | null | undefined, digits = 1): string =>
  n === null || n === undefined || !Number.isFinite(n) ? '—' : n.toFixed(digits);

export function odooMarkdown(report: OdooBenchReport): string {
  const lines = [
    `${report.meta.count} invoices per run (after ${report.meta.warmup} warm-up), one at a time, fastest of ${report.meta.repeat} rounds; node ${report.meta.node}; ` +
      `${report.meta.cpus} CPUs; load average ${report.meta.loadavgStart.join(' ')} at start, ${report.meta.loadavgEnd.join(' ')} at end`,
    '',
    '| transport | path | invoices/s | p50 ms | p99 ms | Odoo calls/invoice | verified |',
    '| --- | --- | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const r of report.rows) {
    lines.push(
      `| ${r.transport} | ${r.path} | ${fmt(r.invoicesPerSec)} | ${fmt(r.p50Ms, 2)} | ${fmt(r.p99Ms, 2)} | ` +
        `${fmt(r.odooCallsPerInvoice, 1)} | ${r.verified ? 'yes' : 'NO'} |`,
    );
  }
  lines.push(
    '',
    '| transport | path | overhead (time per invoice ÷ direct) | p50 ÷ direct p50 |',
    '| --- | --- | ---: | ---: |',
  );
  for (const o of report.overhead)
    lines.push(`| ${o.transport} | ${o.path} | ${fmt(o.timeRatio, 2)}× | ${fmt(o.p50Ratio, 2)}× |`);
  lines.push('', ...report.meta.notes.map((n) => `- ${n}`));
  return lines.join('\n');
}
