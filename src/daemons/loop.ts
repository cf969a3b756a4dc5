import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../core/log.js';

/**
 * Runs `tick` every `intervalMs` until the signal aborts, never two at once (the next wait starts after a
 * tick ends). A tick that throws is logged and the loop goes on: a daemon must stay up for months.
 */
export async function runEvery(
  intervalMs: number,
  tick: () => Promise<void>,
  options: { signal: AbortSignal; logger: Logger },
): Promise<void> {
  while (!options.signal.aborted) {
    try {
      await tick();
    } catch (err) {
      options.logger.error({ err }, 'cycle failed; trying again next cycle');
    }
    try {
      await sleep(intervalMs, undefined, { signal: options.signal });
    } catch {
      return; // aborted
    }
  }
}

/** An AbortSignal that fires on SIGINT or SIGTERM, for PM2's graceful stop. */
export function stopSignal(): AbortSignal {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return controller.signal;
}
