import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

/**
 * The HTTP server's live sessions, bounded two ways (docs/mcp-http.md): a session idle for `idleMs` ends,
 * and at most `max` sessions exist at once. Why: each session holds its own McpServer and transport (the SDK
 * must not share them across clients), so sessions nobody ends — a client that crashed, a script that only
 * initializes — would otherwise keep memory forever.
 *
 * Activity is a request in flight or an open response stream (an SSE GET stream, a streamed POST reply):
 * such a session is never expired under its client. Its idle clock starts again when the last one closes.
 */

export interface SessionLimits {
  /** A session with no request and no open stream for this long ends. */
  idleMs: number;
  /** Sessions at once; the next initialize is refused with 503 until one ends. */
  max: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = { idleMs: 30 * 60_000, max: 64 };

/** Time and the sweep timer, injectable so tests advance time instead of sleeping. */
export interface SessionClock {
  now(): number;
  /** Runs `fn` every `ms` until the returned function is called. */
  every(ms: number, fn: () => void): () => void;
}

export const systemClock: SessionClock = {
  now: () => Date.now(),
  every(ms, fn) {
    const timer = setInterval(fn, ms);
    // Why unref: the sweep alone must not keep a process alive that is otherwise done.
    timer.unref();
    return () => clearInterval(timer);
  },
};

export interface Session {
  readonly id: string;
  readonly transport: StreamableHTTPServerTransport;
  readonly server: McpServer;
  /** When the last request began or the last response closed. */
  lastActive: number;
  /** Requests in flight plus open response streams. */
  busy: number;
}

export type Admission = { ok: true } | { ok: false; retryAfterSeconds: number };

export class SessionTable {
  private readonly sessions = new Map<string, Session>();
  private stopSweep: (() => void) | undefined;

  constructor(
    readonly limits: SessionLimits,
    private readonly clock: SessionClock = systemClock,
    private readonly onError: (err: unknown, sessionId: string) => void = () => undefined,
  ) {
    if (!(limits.idleMs > 0) || !Number.isInteger(limits.max) || limits.max < 1) {
      throw new RangeError(`session limits need idleMs > 0 and max ≥ 1 (got ${limits.idleMs}, ${limits.max})`);
    }
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Sessions held, and how many of them have a request in flight or a stream open right now. */
  stats(): { sessions: number; busy: number } {
    let busy = 0;
    for (const s of this.sessions.values()) if (s.busy > 0) busy += 1;
    return { sessions: this.sessions.size, busy };
  }

  /** Starts the periodic sweep, so idle sessions are freed even when no request ever arrives again. */
  start(): void {
    // Why a quarter of the idle time, 250 ms to 60 s: a session outlives its idle time by at most that much,
    // and a sweep of ≤ max sessions is cheap.
    const every = Math.min(60_000, Math.max(250, this.limits.idleMs / 4));
    this.stopSweep ??= this.clock.every(every, () => this.sweep());
  }

  /** Room for one more session? Expired ones are ended first, so a retry at Retry-After finds room. */
  admit(): Admission {
    this.sweep();
    if (this.sessions.size < this.limits.max) return { ok: true };
    return { ok: false, retryAfterSeconds: this.secondsUntilRoom() };
  }

  /** Registers a session before its initialize is answered; `busy` covers that first request. */
  add(id: string, transport: StreamableHTTPServerTransport, server: McpServer): Session {
    const session: Session = { id, transport, server, lastActive: this.clock.now(), busy: 0 };
    this.sessions.set(id, session);
    return session;
  }

  /** The live session, or undefined when unknown or idle past its time (then it is ended now). */
  get(id: string): Session | undefined {
    const session = this.sessions.get(id);
    if (session && this.expired(session, this.clock.now())) {
      this.end(session);
      return undefined;
    }
    return session;
  }

  /** Marks a request (or the stream it opens) as running; call the returned function when its response closes. */
  begin(session: Session): () => void {
    session.busy += 1;
    session.lastActive = this.clock.now();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      session.busy -= 1;
      session.lastActive = this.clock.now();
    };
  }

  /** Forgets a session that ended otherwise (client DELETE, transport closed); it is not closed again. */
  forget(id: string, transport: StreamableHTTPServerTransport): void {
    if (this.sessions.get(id)?.transport === transport) this.sessions.delete(id);
  }

  /** Ends every session idle past its time; returns how many. */
  sweep(): number {
    const now = this.clock.now();
    let ended = 0;
    for (const session of this.sessions.values()) {
      if (this.expired(session, now)) {
        this.end(session);
        ended += 1;
      }
    }
    return ended;
  }

  /** Stops the sweep and ends every session (server shutdown). */
  async closeAll(): Promise<void> {
    this.stopSweep?.();
    this.stopSweep = undefined;
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map((s) => this.close(s)));
  }

  private expired(session: Session, now: number): boolean {
    return session.busy === 0 && now - session.lastActive >= this.limits.idleMs;
  }

  /** Seconds until the oldest idle session expires; a full idle time when every session is busy. At least 1. */
  private secondsUntilRoom(): number {
    const now = this.clock.now();
    let soonest = this.limits.idleMs;
    for (const s of this.sessions.values()) {
      if (s.busy === 0) soonest = Math.min(soonest, s.lastActive + this.limits.idleMs - now);
    }
    return Math.max(1, Math.ceil(soonest / 1000));
  }

  private end(session: Session): void {
    this.sessions.delete(session.id);
    void this.close(session);
  }

  /**
   * Closing the McpServer closes its transport too (ending any stream still open); once out of the table
   * nothing references either, so the memory is freed.
   */
  private async close(session: Session): Promise<void> {
    try {
      await session.server.close();
    } catch (err) {
      this.onError(err, session.id);
    }
  }
}
