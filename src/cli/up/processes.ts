import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  log: string;
}

/**
 * The daemons of a sandbox run, each a real `ai-employee` process with its own environment and a log file.
 * `stopAll` sends SIGTERM (the daemons stop their loops cleanly) and SIGKILL after a grace period.
 */
export class ProcessGroup {
  private readonly procs: ManagedProcess[] = [];

  constructor(
    private readonly cli: string,
    private readonly logDir: string,
  ) {}

  start(name: string, args: string[], env: NodeJS.ProcessEnv): ManagedProcess {
    const log = path.join(this.logDir, `${name}.log`);
    const out = createWriteStream(log, { flags: 'a' });
    const child = spawn(process.execPath, [this.cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.pipe(out);
    child.stderr?.pipe(out);
    const proc = { name, child, log };
    this.procs.push(proc);
    return proc;
  }

  /** Runs one command to its end (e.g. `sync --once`); resolves with its exit code. */
  run(name: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
    const { child } = this.start(name, args, env);
    return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
  }

  running(): ManagedProcess[] {
    return this.procs.filter((p) => p.child.exitCode === null && p.child.signalCode === null);
  }

  async stop(name: string, graceMs = 5000): Promise<void> {
    await Promise.all(
      this.running()
        .filter((p) => p.name === name)
        .map((p) => stopOne(p, graceMs)),
    );
  }

  async stopAll(graceMs = 5000): Promise<void> {
    await Promise.all(this.running().map((p) => stopOne(p, graceMs)));
  }
}

function stopOne(p: ManagedProcess, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
    p.child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    p.child.kill('SIGTERM');
  });
}
