import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/** The built CLI every watcher process runs (npm run -s build first). */
export const CLI = path.resolve(import.meta.dirname, '../../dist/src/cli.js');

/** A field of /proc/<pid>/status in MB (VmRSS: now; VmHWM: the peak so far), or undefined once it is gone. */
export async function procStatusMb(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return m?.[1] ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

export interface OnceRun {
  code: number | null;
  ms: number;
  /** The highest VmHWM read while it ran (sampled every 50 ms). */
  peakRssMb: number;
  stdout: string;
  stderr: string;
}

/** `ai-employee watch <name> --once` as its own process, timed from spawn to exit, its peak RSS sampled. */
export function runWatchOnce(name: string, env: NodeJS.ProcessEnv, timeoutMs = 600_000): Promise<OnceRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, 'watch', name, '--once'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-4000)));
    let peak = 0;
    const poll = setInterval(() => {
      void procStatusMb(child.pid!, 'VmHWM').then((mb) => {
        if (mb !== undefined) peak = Math.max(peak, mb);
      });
    }, 50);
    const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      clearTimeout(killer);
      resolve({ code, ms: performance.now() - started, peakRssMb: peak, stdout, stderr });
    });
  });
}

export interface DaemonSample {
  /** Spawn → the first heartbeat file in <state>/heartbeats/ (the first poll is done). */
  startMs: number;
  /** VmRSS `settleMs` after the first heartbeat. */
  idleRssMb: number;
  /** VmHWM at that moment: the peak since start. */
  peakRssMb: number;
  heartbeat: Record<string, unknown>;
}

/**
 * `ai-employee watch <name>` as a daemon: waits (bounded polls of 20 ms) for its first heartbeat, lets it settle,
 * reads its RSS, then stops it with SIGTERM (SIGKILL if it lingers).
 */
export async function sampleDaemon(
  name: string,
  env: NodeJS.ProcessEnv,
  stateDir: string,
  options: { settleMs: number; startTimeoutMs?: number },
): Promise<DaemonSample> {
  const beat = path.join(stateDir, 'heartbeats', `cloud-${name}-watcher.json`);
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, 'watch', name], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const limit = options.startTimeoutMs ?? 60_000;
    for (let tries = 0; !existsSync(beat); tries += 1) {
      if (child.exitCode !== null) throw new Error(`watch ${name} exited ${child.exitCode}: ${stderr}`);
      if (tries * 20 > limit) throw new Error(`watch ${name}: no heartbeat within ${limit} ms`);
      await delay(20);
    }
    const startMs = performance.now() - started;
    await delay(options.settleMs);
    const idleRssMb = await procStatusMb(child.pid!, 'VmRSS');
    const peakRssMb = await procStatusMb(child.pid!, 'VmHWM');
    if (idleRssMb === undefined || peakRssMb === undefined) throw new Error(`watch ${name} died: ${stderr}`);
    const heartbeat = JSON.parse(await readFile(beat, 'utf8')) as Record<string, unknown>;
    return { startMs, idleRssMb, peakRssMb, heartbeat };
  } finally {
    await stop(child, exited);
  }
}

async function stop(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
