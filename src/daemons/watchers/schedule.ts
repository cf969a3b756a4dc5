import path from 'node:path';
import { watch } from 'chokidar';
import cron from 'node-cron';
import type { Logger } from '../../core/log.js';
import type { WatcherRunner } from './runner.js';

/**
 * Runs a watcher until `signal` aborts: one tick at once, then on the node-cron schedule with `noOverlap`.
 * `watchFolder` (the Inbox watcher) also runs a tick as soon as a file there settles. Ticks never overlap:
 * a trigger during a tick asks for one more tick after it, instead of a second one beside it.
 */
export async function runWatcherDaemon(
  runner: WatcherRunner,
  options: { schedule: string; signal: AbortSignal; logger: Logger; watchFolder?: string },
): Promise<void> {
  const { logger, signal } = options;
  let running: Promise<void> | undefined;
  let again = false;
  const tick = async (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await runner.tick(signal);
        } catch (err) {
          // Why not exit: a disk hiccup must not become a PM2 restart loop; the next tick tries again.
          logger.error({ err }, 'watcher tick failed; trying again on the next tick');
        }
      } while (again && !signal.aborted);
    })().finally(() => {
      running = undefined;
    });
    return running;
  };

  const task = cron.schedule(options.schedule, () => tick(), { name: runner.heartbeatName, noOverlap: true });
  const watcher = options.watchFolder
    ? watch(options.watchFolder, {
        ignoreInitial: true,
        depth: 0,
        atomic: true,
        awaitWriteFinish: { stabilityThreshold: 2000, pollInterval: 200 },
        ignored: (file: string) => path.basename(file).startsWith('.') && file !== options.watchFolder,
      })
        .on('add', () => void tick())
        .on('change', () => void tick())
    : undefined;
  await tick();
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await task.stop();
  await task.destroy();
  await watcher?.close();
  await running;
}
