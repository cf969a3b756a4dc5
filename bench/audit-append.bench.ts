/**
 * Audit append bench: how many `AuditLog.record` appends per second, in one process (one after the other,
 * and 16 at a time) and from several OS processes appending to the same file at once. Every scenario writes
 * to a fresh temp `Logs/` folder; afterwards each file is checked (one JSON object per line, the expected
 * number of lines, and — when the verifier is there — an intact hash chain). Prints JSON, then a markdown table.
 *
 *   node --import tsx bench/audit-append.bench.ts [--appends 5000] [--procs 4] [--per-proc 1000]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { AuditLog } from '../src/core/vault/audit.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const APPENDS = arg('appends', 5000);
const PROCS = arg('procs', 4);
const PER_PROC = arg('per-proc', 1000);
const APPENDER = fileURLToPath(new URL('../test/helpers/audit-appender.ts', import.meta.url));

interface Row {
  scenario: string;
  appends: number;
  ms: number;
  appends_per_s: number;
  lines_ok: boolean;
  chain: string;
}

async function check(logsDir: string, expected: number): Promise<{ lines_ok: boolean; chain: string }> {
  const files = (await readdir(logsDir)).filter((n) => n.endsWith('.jsonl'));
  let lines = 0;
  for (const f of files)
    for (const l of (await readFile(path.join(logsDir, f), 'utf8')).split('\n')) {
      if (l === '') continue;
      JSON.parse(l);
      lines += 1;
    }
  let chain = 'n/a';
  try {
    const { verifyLogFile } = (await import('../src/core/vault/audit-verify.js' as string)) as {
      verifyLogFile: (file: string) => Promise<{ ok: boolean; lines: number }>;
    };
    const results = await Promise.all(files.map((f) => verifyLogFile(path.join(logsDir, f))));
    chain = results.every((r) => r.ok) ? 'intact' : 'BROKEN';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw err;
  }
  return { lines_ok: lines === expected, chain };
}

async function inProcess(name: string, concurrency: number): Promise<Row> {
  const logsDir = await mkdtemp(path.join(os.tmpdir(), 'bench-audit-'));
  try {
    const log = new AuditLog(logsDir, { role: 'cloud', process: 'bench' }, () => new Date());
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < APPENDS) {
          const i = next++;
          await log.record({ action_type: 'bench.append', target: `t/${i}`, parameters: { i }, result: 'ok' });
        }
      }),
    );
    const ms = performance.now() - t0;
    return {
      scenario: name,
      appends: APPENDS,
      ms,
      appends_per_s: (APPENDS / ms) * 1000,
      ...(await check(logsDir, APPENDS)),
    };
  } finally {
    await rm(logsDir, { recursive: true, force: true });
  }
}

async function processes(): Promise<Row> {
  const logsDir = await mkdtemp(path.join(os.tmpdir(), 'bench-audit-'));
  try {
    const children = Array.from({ length: PROCS }, (_, i) =>
      spawn(process.execPath, ['--import', 'tsx', APPENDER, logsDir, 'cloud', `p${i}`, String(PER_PROC)], {
        stdio: ['pipe', 'pipe', 'inherit'],
      }),
    );
    const outputs = children.map((c) => createInterface({ input: c.stdout })[Symbol.asyncIterator]());
    for (const o of outputs) if ((await o.next()).value !== 'ready') throw new Error('an appender did not start');
    const t0 = performance.now();
    for (const c of children) c.stdin.write('go\n');
    for (const o of outputs) {
      const line = (await o.next()).value as string | undefined;
      if (!line?.startsWith('done ')) throw new Error(`an appender failed: ${line}`);
    }
    const ms = performance.now() - t0;
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode === null ? c.once('exit', r) : r(null)))));
    const total = PROCS * PER_PROC;
    return {
      scenario: `${PROCS} processes, one file`,
      appends: total,
      ms,
      appends_per_s: (total / ms) * 1000,
      ...(await check(logsDir, total)),
    };
  } finally {
    await rm(logsDir, { recursive: true, force: true });
  }
}

const rows = [
  await inProcess('1 process, sequential', 1),
  await inProcess('1 process, 16 at a time', 16),
  await processes(),
];
const out = rows.map((r) => ({ ...r, ms: Math.round(r.ms), appends_per_s: Math.round(r.appends_per_s) }));
process.stdout.write(`${JSON.stringify({ node: process.version, cpus: os.cpus().length, rows: out }, null, 2)}\n\n`);
process.stdout.write(
  '| scenario | appends | ms | appends/s | lines ok | chain |\n| --- | ---: | ---: | ---: | --- | --- |\n',
);
for (const r of out)
  process.stdout.write(
    `| ${r.scenario} | ${r.appends} | ${r.ms} | ${r.appends_per_s} | ${r.lines_ok} | ${r.chain} |\n`,
  );
if (out.some((r) => !r.lines_ok || r.chain === 'BROKEN')) process.exitCode = 1;
