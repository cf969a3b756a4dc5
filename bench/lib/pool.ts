/**
 * Runs `work` once per item with `concurrency` async workers, each taking the next item when it finishes the
 * last (so at most `concurrency` tasks are in flight). Returns each task's latency and the wall time.
 */
export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<{ latenciesMs: number[]; wallMs: number }> {
  const latenciesMs: number[] = [];
  let next = 0;
  const worker = async () => {
    for (;;) {
      const index = next;
      next += 1;
      if (index >= items.length) return;
      const started = performance.now();
      await work(items[index] as T);
      latenciesMs.push(performance.now() - started);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return { latenciesMs, wallMs: performance.now() - started };
}
