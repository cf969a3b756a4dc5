/**
 * The wait after the n-th transient failure in a row: exponential, capped, with "equal jitter" (half fixed,
 * half random) so that several watchers that failed together do not retry together. `random` is injected
 * (Math.random in production, a fixed value in tests).
 */
export function backoffMs(failures: number, options: { baseMs: number; maxMs: number; random: () => number }): number {
  const exp = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, Math.min(failures - 1, 30)));
  const r = Math.min(1, Math.max(0, options.random()));
  return Math.round(exp / 2 + (exp / 2) * r);
}
