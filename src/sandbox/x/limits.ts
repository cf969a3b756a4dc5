/**
 * Fixed request windows as X reports them in headers: `limit`, `remaining` and `reset` (unix seconds). Posting
 * (`POST /2/tweets`) counts against a 15-minute window (`x-rate-limit-*`) and two 24-hour ones, the app's and
 * the user's (`x-app-limit-24hour-*`, `x-user-limit-24hour-*`), which twitter-api-v2 parses into
 * `rateLimit.day` and `rateLimit.userDay`.
 */
export class RequestWindow {
  private start: number | undefined;
  private used = 0;

  constructor(
    readonly limit: number,
    private readonly windowMs: number,
  ) {}

  private roll(now: Date): void {
    if (this.start === undefined || now.getTime() >= this.start + this.windowMs) {
      this.start = now.getTime();
      this.used = 0;
    }
  }

  exhausted(now: Date): boolean {
    this.roll(now);
    return this.used >= this.limit;
  }

  take(now: Date): void {
    this.roll(now);
    this.used += 1;
  }

  /** The three header values, for a window that has not started yet too (it would start now). */
  headers(now: Date, prefix: string): Record<string, string> {
    this.roll(now);
    const reset = Math.floor(((this.start ?? now.getTime()) + this.windowMs) / 1000);
    return {
      [`${prefix}-limit`]: String(this.limit),
      [`${prefix}-remaining`]: String(Math.max(0, this.limit - this.used)),
      [`${prefix}-reset`]: String(reset),
    };
  }
}

export interface PostLimits {
  /** Posts per 15 minutes per user (`x-rate-limit-*`). */
  per15Minutes: number;
  /** Posts per 24 hours per user (`x-user-limit-24hour-*`). */
  userPerDay: number;
  /** Posts per 24 hours for the whole app (`x-app-limit-24hour-*`). */
  appPerDay: number;
}

/** The stand-in's defaults (an X Basic-like plan); a test sets its own cap. */
export const DEFAULT_POST_LIMITS: PostLimits = { per15Minutes: 100, userPerDay: 100, appPerDay: 1667 };

export function postWindows(limits: PostLimits) {
  const windows = {
    short: new RequestWindow(limits.per15Minutes, 15 * 60_000),
    userDay: new RequestWindow(limits.userPerDay, 24 * 3_600_000),
    appDay: new RequestWindow(limits.appPerDay, 24 * 3_600_000),
  };
  return {
    exhausted: (now: Date) => Object.values(windows).some((w) => w.exhausted(now)),
    take: (now: Date) => Object.values(windows).forEach((w) => w.take(now)),
    headers: (now: Date) => ({
      ...windows.short.headers(now, 'x-rate-limit'),
      ...windows.appDay.headers(now, 'x-app-limit-24hour'),
      ...windows.userDay.headers(now, 'x-user-limit-24hour'),
    }),
  };
}
