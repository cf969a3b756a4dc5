/** "45 s", "12 min", "5 h", "3 d": precise enough for a human, short enough for one line. */
export function formatAge(seconds: number): string {
  if (seconds < 90) return `${Math.max(0, Math.round(seconds))} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} d`;
}

/**
 * An age that changes rarely: "< 15 min", "< 1 h", then whole hours and days. Why: Dashboard.md is synced by
 * git, and a page rewritten every minute for a ticking "3 min ago" would commit every minute for nothing.
 */
export function coarseAge(seconds: number): string {
  if (seconds < 15 * 60) return '< 15 min';
  if (seconds < 3600) return '< 1 h';
  if (seconds < 48 * 3600) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86400)} d`;
}
