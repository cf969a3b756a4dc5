import path from 'node:path';
import { draftBody } from './vault.js';
import { floorClaim, floorDraft } from './floor.js';
import { call, connect, cpuMsOf, rssOf, startupSamples, type ServerCommand } from './mcp.js';
import { runPool } from './pool.js';

export type ContenderName = 'ours' | 'filesystem' | 'floor';

export interface RawRun {
  latenciesMs: number[];
  wallMs: number;
  /** RSS at the end of the run: the server process's, or for the floor the growth of the bench process. */
  rssMb: number;
  peakRssMb: number | null;
  /** CPU ms per task: the server process's (null for the floor), and the bench process's (the client, or the floor's work). */
  serverCpuMsPerTask: number | null;
  benchCpuMsPerTask: number;
}

export interface Contender {
  name: ContenderName;
  /** What runs, for the report. */
  describe: string;
  /** Startup samples (spawn → first tools/list), or null for the in-process floor. */
  startup(root: string, samples: number): Promise<number[] | null>;
  run(root: string, tasks: readonly string[], concurrency: number): Promise<RawRun>;
}

const repoRoot = path.resolve(import.meta.dirname, '..', '..');

function oursCommand(root: string): ServerCommand {
  return {
    command: process.execPath,
    args: [path.join(repoRoot, 'dist/src/cli.js'), 'serve', '--vault', root],
    env: { AGENT_ROLE: 'cloud', LOG_LEVEL: 'warn', AI_EMPLOYEE_STATE_DIR: path.join(root, '..', '.bench-state') },
    cwd: repoRoot,
  };
}

function filesystemCommand(root: string): ServerCommand {
  return {
    command: process.execPath,
    args: [path.join(repoRoot, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js'), root],
    cwd: repoRoot,
  };
}

/** Spawns a server, runs the per-task `work` over one client connection, reads the server's RSS, closes. */
async function runOverStdio(
  command: ServerCommand,
  tasks: readonly string[],
  concurrency: number,
  work: (client: Awaited<ReturnType<typeof connect>>['client'], task: string) => Promise<void>,
): Promise<RawRun> {
  const conn = await connect(command);
  try {
    const serverCpu0 = await cpuMsOf(conn.pid);
    const benchCpu0 = process.cpuUsage();
    const { latenciesMs, wallMs } = await runPool(tasks, concurrency, (task) => work(conn.client, task));
    const benchCpu = process.cpuUsage(benchCpu0);
    const serverCpu = (await cpuMsOf(conn.pid)) - serverCpu0;
    const { rssMb, peakMb } = await rssOf(conn.pid);
    return {
      latenciesMs,
      wallMs,
      rssMb,
      peakRssMb: peakMb,
      serverCpuMsPerTask: serverCpu / tasks.length,
      benchCpuMsPerTask: (benchCpu.user + benchCpu.system) / 1000 / tasks.length,
    };
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- server stderr (tail) ---\n${conn.stderrTail()}`, { cause: err });
  } finally {
    await conn.client.close();
  }
}

export const ours: Contender = {
  name: 'ours',
  describe: 'node dist/src/cli.js serve (AGENT_ROLE=cloud): claim_task {path} + write_draft {task, body}',
  startup: (root, samples) => startupSamples(oursCommand(root), samples),
  run: (root, tasks, concurrency) =>
    runOverStdio(oursCommand(root), tasks, concurrency, async (client, task) => {
      const claimed = await call(client, 'claim_task', { path: task });
      const claimedPath = (claimed.structuredContent as { path?: unknown } | undefined)?.path;
      if (typeof claimedPath !== 'string') throw new Error(`claim_task returned no path for ${task}`);
      await call(client, 'write_draft', { task: claimedPath, body: draftBody(task) });
    }),
};

export const filesystem: Contender = {
  name: 'filesystem',
  describe: '@modelcontextprotocol/server-filesystem: move_file + read_text_file + write_file (no fsync)',
  startup: (root, samples) => startupSamples(filesystemCommand(root), samples),
  run: (root, tasks, concurrency) =>
    runOverStdio(filesystemCommand(root), tasks, concurrency, async (client, task) => {
      const name = path.posix.basename(task);
      const claimed = path.join(root, 'In_Progress', 'cloud', name);
      await call(client, 'move_file', { source: path.join(root, task), destination: claimed });
      const read = await call(client, 'read_text_file', { path: claimed });
      const text = (read.structuredContent as { content?: unknown } | undefined)?.content;
      if (typeof text !== 'string' || !text.includes('type: email')) throw new Error(`read_text_file of ${name}`);
      await call(client, 'write_file', {
        path: path.join(root, 'Needs_Action', 'cloud', `DRAFT_${name}`),
        content: draftBody(task),
      });
    }),
};

export const floor: Contender = {
  name: 'floor',
  describe: 'in-process fs/promises: the same renames, links, writes, fsyncs and audit appends, no MCP',
  startup: async () => null,
  run: async (root, tasks, concurrency) => {
    const before = process.memoryUsage().rss;
    const cpu0 = process.cpuUsage();
    const { latenciesMs, wallMs } = await runPool(tasks, concurrency, async (task) => {
      const claimedRel = await floorClaim(root, task);
      await floorDraft(root, claimedRel, draftBody(task));
    });
    const cpu = process.cpuUsage(cpu0);
    return {
      latenciesMs,
      wallMs,
      rssMb: (process.memoryUsage().rss - before) / 1024 / 1024,
      peakRssMb: null,
      serverCpuMsPerTask: null,
      benchCpuMsPerTask: (cpu.user + cpu.system) / 1000 / tasks.length,
    };
  },
};

export const CONTENDERS: Record<ContenderName, Contender> = { ours, filesystem, floor };
/** Audit lines each contender must leave per task (verified after every run); undefined: none checked. */
export const AUDIT_PER_TASK: Record<ContenderName, number | undefined> = { ours: 4, filesystem: undefined, floor: 4 };
