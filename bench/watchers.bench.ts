/**
 * Watcher processes, each a real `node dist/src/cli.js watch <name>` against the local stand-ins:
 *
 * (a) the Gmail backlog: N messages (default 10,000; also 2,000 to compare, so flat memory shows as about the
 *     same peak) ingested by one `watch gmail --once` process — wall time spawn → exit, messages/s, and the
 *     peak RSS (VmHWM of /proc/<pid>/status, sampled every 50 ms); every task file is counted.
 * (c) the Facebook backlog: F comments and replies (default 1,000) on 10 posts, nested 3 deep, Graph paging at 25,
 *     read by one `watch facebook --once` — wall time, items/s, peak RSS; every task file is counted.
 * (b) each watcher as a daemon (gmail, twitter, facebook, instagram, inbox), a few items waiting at its
 *     stand-in: start time (spawn → its first heartbeat file in AI_EMPLOYEE_STATE_DIR/heartbeats/, i.e. the first
 *     poll done) and idle RSS (VmRSS `--settle` seconds later). Target: idle under 80 MB RSS.
 *
 * stdout: the JSON report (also bench/results/watchers-latest.json). stderr: markdown tables.
 * Usage: npm run bench:watchers -- [--messages N] [--compare N|0] [--facebook F|0] [--settle S] [--watchers …]
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { standinEnv, startStandins } from '../src/cli/up/standins.js';
import { initVault } from '../src/core/vault/init.js';
import { startGmailStandin } from '../src/sandbox/gmail/server.js';
import { graphEnv, startGraphStandin } from '../src/sandbox/graph/index.js';
import { CLI, runWatchOnce, sampleDaemon } from './lib/watch-proc.js';

const WATCHERS = ['gmail', 'twitter', 'facebook', 'instagram', 'inbox'] as const;
const IDLE_TARGET_MB = 80;

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '10000' },
    compare: { type: 'string', default: '2000' },
    facebook: { type: 'string', default: '1000' },
    settle: { type: 'string', default: '5' },
    watchers: { type: 'string', default: WATCHERS.join(',') },
  },
});
const messages = Number(values.messages);
const compare = Number(values.compare);
const facebookItems = Number(values.facebook);
const settleMs = Number(values.settle) * 1000;
const watchers = values.watchers.split(',').map((w) => w.trim()) as Array<(typeof WATCHERS)[number]>;
for (const w of watchers) if (!WATCHERS.includes(w)) throw new Error(`unknown watcher "${w}"`);
if (!(await import('node:fs')).existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run -s build first`);

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const log = (line: string) => process.stderr.write(`${line}\n`);

async function workspace(prefix: string) {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  const vault = path.join(dir, 'vault');
  await mkdir(vault);
  await initVault(vault);
  return { dir, vault, state: path.join(dir, 'state') };
}

const baseEnv = (ws: { dir: string; vault: string; state: string }): NodeJS.ProcessEnv => ({
  PATH: process.env['PATH'],
  HOME: ws.dir,
  AGENT_ROLE: 'cloud',
  VAULT_PATH: ws.vault,
  AI_EMPLOYEE_STATE_DIR: ws.state,
  LOG_LEVEL: 'warn',
});

interface BacklogRow {
  messages: number;
  ok: boolean;
  taskFiles: number;
  ms: number;
  perSecond: number;
  peakRssMb: number;
}

async function backlog(n: number): Promise<BacklogRow> {
  const gmail = await startGmailStandin();
  const ws = await workspace('bench-watch-backlog-');
  try {
    for (let i = 0; i < n; i += 1) gmail.addMessage();
    log(`backlog: ${n} messages …`);
    const run = await runWatchOnce('gmail', {
      ...baseEnv(ws),
      GMAIL_API_URL: `${gmail.url}/`,
      GMAIL_TOKEN_URL: gmail.tokenUrl,
      GMAIL_CLIENT_ID: gmail.credentials.clientId,
      GMAIL_CLIENT_SECRET: gmail.credentials.clientSecret,
      GMAIL_REFRESH_TOKEN: gmail.credentials.refreshToken,
      GMAIL_QUERY: 'in:inbox',
    });
    const taskFiles = (await readdir(path.join(ws.vault, 'Needs_Action'))).filter((f) => f.startsWith('EMAIL_')).length;
    if (run.code !== 0) log(`watch gmail --once exited ${run.code}: ${run.stderr}`);
    return {
      messages: n,
      ok: run.code === 0 && taskFiles === n,
      taskFiles,
      ms: Math.round(run.ms),
      perSecond: round(n / (run.ms / 1000)),
      peakRssMb: round(run.peakRssMb),
    };
  } finally {
    await gmail.close();
    await rm(ws.dir, { recursive: true, force: true });
  }
}

interface FacebookRow {
  items: number;
  ok: boolean;
  taskFiles: number;
  ms: number;
  perSecond: number;
  peakRssMb: number;
}

/** (c): 10 posts, each a tree of top-level comments with a reply and two replies to that reply (3 deep). */
async function facebookBacklog(n: number): Promise<FacebookRow> {
  const graph = await startGraphStandin({ pageSize: 25 });
  const ws = await workspace('bench-watch-facebook-');
  try {
    let made = 0;
    const perPost = Math.ceil(n / 10);
    for (let p = 0; p < 10 && made < n; p += 1) {
      const first = graph.addFacebookComment();
      made += 1;
      let top = first;
      for (let inPost = 1; inPost < perPost && made < n;) {
        const reply = graph.addFacebookComment({ parentId: top.id });
        made += 1;
        inPost += 1;
        for (let r = 0; r < 2 && inPost < perPost && made < n; r += 1, inPost += 1, made += 1)
          graph.addFacebookComment({ parentId: reply.id });
        if (inPost < perPost && made < n) {
          top = graph.addFacebookComment({ postId: first.postId });
          made += 1;
          inPost += 1;
        }
      }
    }
    log(`facebook backlog: ${made} comments and replies …`);
    const run = await runWatchOnce('facebook', { ...baseEnv(ws), ...graphEnv(graph) });
    const taskFiles = (await readdir(path.join(ws.vault, 'Needs_Action'))).filter((f) => f.startsWith('FB_')).length;
    if (run.code !== 0) log(`watch facebook --once exited ${run.code}: ${run.stderr}`);
    return {
      items: made,
      ok: run.code === 0 && taskFiles === made,
      taskFiles,
      ms: Math.round(run.ms),
      perSecond: round(made / (run.ms / 1000)),
      peakRssMb: round(run.peakRssMb),
    };
  } finally {
    await graph.close();
    await rm(ws.dir, { recursive: true, force: true });
  }
}

interface DaemonRow {
  watcher: string;
  startMs: number;
  idleRssMb: number;
  peakRssMb: number;
  firstPoll: unknown;
  pass: boolean;
}

async function daemons(): Promise<DaemonRow[]> {
  const standins = await startStandins();
  const rows: DaemonRow[] = [];
  try {
    for (const name of watchers) {
      const ws = await workspace(`bench-watch-${name}-`);
      try {
        // A few items waiting, so the first poll does real work.
        for (let i = 0; i < 3; i += 1) {
          if (name === 'gmail') standins.gmail.addMessage();
          if (name === 'twitter') standins.x.addMention();
          if (name === 'facebook') standins.graph.addFacebookComment();
          if (name === 'instagram') standins.graph.addInstagramComment();
          if (name === 'inbox') await writeFile(path.join(ws.vault, 'Inbox', `dropped-${i}.txt`), `file ${i}\n`);
        }
        log(`daemon: watch ${name} …`);
        const s = await sampleDaemon(name, { ...baseEnv(ws), ...standinEnv(standins) }, ws.state, { settleMs });
        rows.push({
          watcher: name,
          startMs: Math.round(s.startMs),
          idleRssMb: round(s.idleRssMb),
          peakRssMb: round(s.peakRssMb),
          firstPoll: s.heartbeat['detail'],
          pass: s.idleRssMb < IDLE_TARGET_MB,
        });
      } finally {
        await rm(ws.dir, { recursive: true, force: true });
      }
    }
  } finally {
    await standins.close();
  }
  return rows;
}

const loadStart = os.loadavg();
const backlogRows: BacklogRow[] = [];
if (compare > 0) backlogRows.push(await backlog(compare));
backlogRows.push(await backlog(messages));
const facebookRows: FacebookRow[] = facebookItems > 0 ? [await facebookBacklog(facebookItems)] : [];
const daemonRows = await daemons();
const report = {
  meta: {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    loadavgStart: loadStart.map((l) => round(l, 2)),
    loadavgEnd: os.loadavg().map((l) => round(l, 2)),
    settleSeconds: settleMs / 1000,
    idleTargetMb: IDLE_TARGET_MB,
  },
  backlog: backlogRows,
  facebookBacklog: facebookRows,
  daemons: daemonRows,
  pass: backlogRows.every((r) => r.ok) && facebookRows.every((r) => r.ok) && daemonRows.every((r) => r.pass),
};

const json = JSON.stringify(report, null, 2);
process.stdout.write(`${json}\n`);
const resultsDir = path.join(import.meta.dirname, 'results');
await mkdir(resultsDir, { recursive: true });
await writeFile(path.join(resultsDir, 'watchers-latest.json'), `${json}\n`);

log('');
log(
  `node ${report.meta.node}; ${report.meta.cpus} CPUs; load average ${report.meta.loadavgStart.join(' ')} at start, ` +
    `${report.meta.loadavgEnd.join(' ')} at end`,
);
log('');
log('| backlog | task files | time s | messages/s | peak RSS MB |');
log('| --: | --: | --: | --: | --: |');
for (const r of backlogRows)
  log(
    `| ${r.messages} | ${r.taskFiles}${r.ok ? '' : ' (WRONG)'} | ${round(r.ms / 1000)} | ${r.perSecond} | ${r.peakRssMb} |`,
  );
log('');
log('| Facebook backlog (10 posts, 3 deep, pages of 25) | task files | time s | items/s | peak RSS MB |');
log('| --: | --: | --: | --: | --: |');
for (const r of facebookRows)
  log(
    `| ${r.items} | ${r.taskFiles}${r.ok ? '' : ' (WRONG)'} | ${round(r.ms / 1000)} | ${r.perSecond} | ${r.peakRssMb} |`,
  );
log('');
log(
  `| watcher | start ms (→ first heartbeat) | idle RSS MB (+${settleMs / 1000} s) | peak RSS MB | < ${IDLE_TARGET_MB} MB |`,
);
log('| --- | --: | --: | --: | --- |');
for (const r of daemonRows)
  log(`| ${r.watcher} | ${r.startMs} | ${r.idleRssMb} | ${r.peakRssMb} | ${r.pass ? 'PASS' : 'FAIL'} |`);
