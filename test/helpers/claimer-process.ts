/**
 * A claimer in its own OS process, for the race and crash tests:
 *
 *   node --import tsx test/helpers/claimer-process.ts <vault> <workerId> <mode> [seed]
 *
 * It goes through the real core (`Vault.claim`, `complete`, `release`, `fail`) as the cloud role. Protocol on
 * stdout, one line each: `ready` once the vault is open, then for the race modes one `result <json>` line;
 * for the crash mode `B <n> <op> <name>` before and `E <n> <op> <name> <outcome>` after every operation.
 * Every mode waits for a `go` line on stdin before it touches the queue, so that the parent can start it early
 * (tsx start-up takes a second) and let several workers begin at the same moment.
 *
 * Modes:
 * - `race-path`: list Needs_Action/, try to claim every file by path in a shuffled order, repeat until the
 *   queue is empty; report what it won and how many conflicts it got.
 * - `race-auto`: call `claim({})` (the core picks the task) until it says not_found.
 * - `crash-loop`: claim a random queued file, then complete (45%), release (25%), fail (15%) or keep it
 *   (15%), forever; the parent kills it with SIGKILL.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { toAppError } from '../../src/core/errors.js';
import { openTestVault } from './vault.js';

export interface RaceResult {
  worker: string;
  mode: string;
  won: Array<{ name: string; id: string }>;
  attempts: number;
  conflicts: number;
  conflictSample?: string;
  otherErrors: Array<{ code: string; message: string }>;
  endedWith?: string;
  ms: number;
}

/** mulberry32: a tiny seeded PRNG, so that a failing run can be replayed with the same seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

const say = (line: string) => process.stdout.write(`${line}\n`);

async function queued(root: string): Promise<string[]> {
  return (await readdir(path.join(root, 'Needs_Action'))).filter((n) => !n.startsWith('.') && n.endsWith('.md'));
}

function waitForGo(): Promise<void> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin });
    rl.on('line', (line) => {
      if (line.trim() === 'go') {
        rl.close();
        // Why: an open stdin would keep this process alive after it has reported.
        process.stdin.destroy();
        resolve();
      }
    });
  });
}

async function main(): Promise<void> {
  const [root, worker, mode, seedText] = process.argv.slice(2);
  if (!root || !worker || !mode) throw new Error('usage: claimer-process.ts <vault> <workerId> <mode> [seed]');
  const random = prng(Number(seedText ?? 1));
  const vault = await openTestVault(root, 'cloud', { processName: worker });

  say('ready');
  await waitForGo();
  if (mode === 'crash-loop') {
    await crashLoop(root, vault, random);
    return;
  }

  const started = performance.now();
  const result: RaceResult = { worker, mode, won: [], attempts: 0, conflicts: 0, otherErrors: [], ms: 0 };
  const note = (err: unknown) => {
    const e = toAppError(err);
    if (e.code === 'conflict') {
      result.conflicts += 1;
      result.conflictSample ??= e.message;
    } else result.otherErrors.push({ code: e.code, message: e.message });
  };

  if (mode === 'race-path') {
    for (let names = await queued(root); names.length > 0; names = await queued(root)) {
      for (const name of shuffle(names, random)) {
        result.attempts += 1;
        try {
          const claimed = await vault.claim({ path: `Needs_Action/${name}` });
          result.won.push({ name, id: String(claimed.frontmatter['id']) });
        } catch (err) {
          note(err);
        }
      }
    }
  } else if (mode === 'race-auto') {
    for (;;) {
      result.attempts += 1;
      try {
        const claimed = await vault.claim({});
        result.won.push({ name: path.posix.basename(claimed.path), id: String(claimed.frontmatter['id']) });
      } catch (err) {
        const e = toAppError(err);
        if (e.code === 'not_found') {
          result.endedWith = e.message;
          break;
        }
        note(err);
        if (result.otherErrors.length > 20) break;
      }
    }
  } else throw new Error(`unknown mode ${mode}`);

  result.ms = Math.round(performance.now() - started);
  say(`result ${JSON.stringify(result)}`);
}

async function crashLoop(root: string, vault: Awaited<ReturnType<typeof openTestVault>>, random: () => number) {
  let n = 0;
  const step = async (op: string, name: string, run: () => Promise<{ path: string }>) => {
    n += 1;
    say(`B ${n} ${op} ${name}`);
    let outcome: string;
    try {
      outcome = (await run()).path;
    } catch (err) {
      const e = toAppError(err);
      outcome = `error:${e.code}:${e.message.replace(/\s+/g, ' ')}`;
    }
    say(`E ${n} ${op} ${name} ${outcome}`);
    return outcome;
  };
  for (;;) {
    const names = await queued(root);
    if (names.length === 0) break;
    const name = names[Math.floor(random() * names.length)] as string;
    const claimedAt = await step('claim', name, () => vault.claim({ path: `Needs_Action/${name}` }));
    if (!claimedAt.startsWith('In_Progress/')) continue;
    const r = random();
    if (r < 0.45) await step('complete', name, () => vault.complete(claimedAt, 'replied'));
    else if (r < 0.7) await step('release', name, () => vault.release(claimedAt, 'not now'));
    else if (r < 0.85) await step('fail', name, () => vault.fail(claimedAt, 'needs a human'));
  }
  say('drained');
}

/** A running claimer child, seen from the parent test: its lines, and a way to wait for one. */
export interface Claimer {
  child: ChildProcessWithoutNullStreams;
  lines: string[];
  stderr: () => string;
  /** Resolves with the first line (already seen or future) that matches; rejects if the child exits first. */
  waitForLine: (match: (line: string) => boolean) => Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCRIPT = fileURLToPath(import.meta.url);

export function spawnClaimer(root: string, worker: string, mode: string, seed: number): Claimer {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, root, worker, mode, String(seed)], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: Array<{ match: (line: string) => boolean; resolve: (line: string) => void }> = [];
  let err = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    err += chunk;
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    for (const w of [...waiters]) {
      if (w.match(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  const waitForLine = (match: (line: string) => boolean) => {
    const seen = lines.find(match);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise<string>((resolve, reject) => {
      waiters.push({ match, resolve });
      void exited.then(({ code, signal }) => {
        const still = lines.find(match);
        if (still !== undefined) resolve(still);
        else reject(new Error(`claimer ${worker} exited (code ${code}, signal ${signal}) first; stderr: ${err}`));
      });
    });
  };
  return { child, lines, stderr: () => err, waitForLine, exited };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`claimer-process failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
