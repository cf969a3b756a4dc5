/**
 * Runs `worker` over a queue that the worker itself may extend (a directory adds its entries), with at
 * most `concurrency` workers in flight. Why bounded: a 20,000-file vault must not open 20,000 files at
 * once (EMFILE), and a single serial loop would leave the disk idle between reads.
 * The first worker error rejects the whole run; workers that can fail softly should catch their own errors.
 */
export function runBounded<T>(
  initial: readonly T[],
  concurrency: number,
  worker: (item: T, enqueue: (item: T) => void) => Promise<void>,
): Promise<void> {
  return new Promise((resolve, reject) => {
    // Why LIFO: depth-first keeps the queue about as long as the widest folder, not the whole tree.
    const queue = [...initial];
    const enqueue = (item: T) => {
      queue.push(item);
    };
    let active = 0;
    let failed = false;
    const pump = (): void => {
      if (failed) return;
      while (active < concurrency && queue.length > 0) {
        const item = queue.pop() as T;
        active++;
        worker(item, enqueue).then(
          () => {
            active--;
            pump();
          },
          (err: unknown) => {
            failed = true;
            reject(err);
          },
        );
      }
      if (active === 0 && queue.length === 0) resolve();
    };
    pump();
  });
}
