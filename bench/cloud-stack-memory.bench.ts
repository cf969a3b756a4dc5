// The whole cloud stack's memory (issue 6): the RSS of the nine PM2 apps of ecosystem.cloud.cjs (pids from
// `pm2 jlist`, VmRSS from /proc/<pid>/status, summed), idle and during a burst of 1,000 mails at the Gmail
// stand-in, sampled every 500 ms until the burst is ingested (1,000 EMAIL_ tasks) and, within a bounded time,
// drafted. Target: under 400 MB in all. JSON on stdout, a markdown table on stderr, bench/results/stack-latest.json.
//   npm run bench:stack        (or: npm run -s build && node --import tsx bench/cloud-stack-memory.bench.ts)
//   --mails N (1000)  --ingest-timeout S (240)  --draft-timeout S (120)
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CLOUD_APPS, heartbeatAges, repo, rssBytes, startCloudStack, until, type CloudStack } from './lib/stack-pm2.js';

const TARGET_MB = 400;
const SAMPLE_MS = 500;
const MB = 1024 * 1024;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

interface Sample {
  t: number;
  totalMb: number;
  perApp: Record<string, number>;
}

async function sample(stack: CloudStack, t0: number): Promise<Sample> {
  const perApp: Record<string, number> = {};
  for (const app of await stack.jlist()) perApp[app.name] = (await rssBytes(app.pid)) / MB;
  const totalMb = Object.values(perApp).reduce((a, b) => a + b, 0);
  return { t: Date.now() - t0, totalMb, perApp };
}

/** The EMAIL_ tasks (not the EMAIL_SEND_ approvals) and the EMAIL_SEND_ drafts anywhere in the vault. */
async function census(dir: string, acc = { tasks: new Set<string>(), drafts: new Set<string>() }) {
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (entry.name === '.git') continue;
    if (entry.isDirectory()) await census(path.join(dir, entry.name), acc);
    else if (entry.name.startsWith('EMAIL_SEND_')) acc.drafts.add(entry.name);
    else if (entry.name.startsWith('EMAIL_')) acc.tasks.add(entry.name);
  }
  return acc;
}

const round = (n: number) => Math.round(n * 10) / 10;

async function main(): Promise<void> {
  const mails = arg('mails', 1000);
  const ingestTimeoutMs = arg('ingest-timeout', 240) * 1000;
  const draftTimeoutMs = arg('draft-timeout', 120) * 1000;
  const loadavgStart = os.loadavg();
  const stack = await startCloudStack({ logLevel: 'warn' });
  try {
    // Idle: every app online and beating, then 10 s to settle; the idle figure is the mean of those samples.
    await until(
      'all nine apps online',
      async () => {
        const list = await stack.jlist();
        return CLOUD_APPS.every((n) => list.find((a) => a.name === n)?.pm2_env.status === 'online') ? true : undefined;
      },
      60_000,
      250,
    );
    await until(
      'a heartbeat from every app',
      async () =>
        (await heartbeatAges(stack.ws.cloudState, CLOUD_APPS)).size === CLOUD_APPS.length ? true : undefined,
      90_000,
      250,
    );
    const idleStart = Date.now();
    const idle: Sample[] = [];
    while (Date.now() - idleStart < 10_000) {
      idle.push(await sample(stack, idleStart));
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
    }
    const idleMb = idle.reduce((a, s) => a + s.totalMb, 0) / idle.length;
    const idlePerApp: Record<string, number> = {};
    for (const name of CLOUD_APPS) idlePerApp[name] = idle.reduce((a, s) => a + (s.perApp[name] ?? 0), 0) / idle.length;

    // The burst: all mails at once, then sample until ingested (and drafted, if the worker keeps up in time).
    const burstStart = Date.now();
    for (let i = 0; i < mails; i += 1) stack.standins.gmail.addMessage();
    const burst: Sample[] = [];
    let ingestedMs: number | null = null;
    let draftedMs: number | null = null;
    let counts = { tasks: 0, drafts: 0 };
    for (;;) {
      burst.push(await sample(stack, burstStart));
      const c = await census(stack.ws.cloudVault);
      counts = { tasks: c.tasks.size, drafts: c.drafts.size };
      const elapsed = Date.now() - burstStart;
      if (ingestedMs === null && counts.tasks >= mails) ingestedMs = elapsed;
      if (draftedMs === null && counts.drafts >= mails) draftedMs = elapsed;
      if (draftedMs !== null) break;
      if (ingestedMs === null && elapsed > ingestTimeoutMs) break;
      if (ingestedMs !== null && elapsed > ingestedMs + draftTimeoutMs) break;
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
    }
    const peak = burst.reduce((a, s) => (s.totalMb > a.totalMb ? s : a), burst[0]!);
    const peakPerApp: Record<string, number> = {};
    for (const name of CLOUD_APPS) peakPerApp[name] = Math.max(...burst.map((s) => s.perApp[name] ?? 0));
    const restarts: Record<string, number> = {};
    for (const app of await stack.jlist()) restarts[app.name] = app.pm2_env.restart_time;

    const pass = idleMb < TARGET_MB && peak.totalMb < TARGET_MB;
    const report = {
      bench: 'cloud-stack-memory',
      date: new Date().toISOString(),
      node: process.version,
      cpus: os.cpus().length,
      loadavgStart,
      loadavgEnd: os.loadavg(),
      mails,
      targetMb: TARGET_MB,
      idle: { totalMb: round(idleMb), samples: idle.length, perAppMb: mapRound(idlePerApp) },
      burst: {
        peakTotalMb: round(peak.totalMb),
        peakAtMs: peak.t,
        samples: burst.length,
        peakPerAppMb: mapRound(peakPerApp),
        sumOfPerAppPeaksMb: round(Object.values(peakPerApp).reduce((a, b) => a + b, 0)),
        emailTasks: counts.tasks,
        drafts: counts.drafts,
        ingestedMs,
        draftedMs,
      },
      restarts,
      verdict: pass ? 'PASS' : 'FAIL',
    };
    const out = path.join(repo, 'bench', 'results');
    await mkdir(out, { recursive: true });
    await writeFile(path.join(out, 'stack-latest.json'), JSON.stringify(report, null, 2));
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    process.stderr.write(markdown(report, idlePerApp, peakPerApp));
  } finally {
    await stack.stop();
  }
}

function mapRound(m: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, round(v)]));
}

function markdown(
  r: {
    mails: number;
    idle: { totalMb: number };
    burst: {
      peakTotalMb: number;
      emailTasks: number;
      drafts: number;
      ingestedMs: number | null;
      draftedMs: number | null;
    };
    loadavgStart: number[];
    verdict: string;
  },
  idle: Record<string, number>,
  peak: Record<string, number>,
): string {
  const lines = [
    `Cloud stack RSS (nine PM2 apps), ${r.mails} mails burst; load average ${r.loadavgStart.map((l) => l.toFixed(2)).join(' ')} at start`,
    '',
    '| app | idle MB | burst peak MB |',
    '| --- | ---: | ---: |',
    ...CLOUD_APPS.map((n) => `| ${n} | ${(idle[n] ?? 0).toFixed(1)} | ${(peak[n] ?? 0).toFixed(1)} |`),
    `| **all nine** | **${r.idle.totalMb.toFixed(1)}** | **${r.burst.peakTotalMb.toFixed(1)}** |`,
    '',
    `Burst: ${r.burst.emailTasks} EMAIL_ tasks (ingested in ${fmtMs(r.burst.ingestedMs)}), ${r.burst.drafts} drafts ` +
      `(all drafted in ${fmtMs(r.burst.draftedMs)}). Target < ${TARGET_MB} MB in all: ${r.verdict}`,
    '',
  ];
  return `${lines.join('\n')}\n`;
}

const fmtMs = (ms: number | null) => (ms === null ? 'not within the bound' : `${(ms / 1000).toFixed(1)} s`);

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
