import type { VaultContext } from '../../src/core/vault/context.js';
import type { WatchSource, WatcherName } from '../../src/daemons/watchers/types.js';

/**
 * One driver per watcher for the shared contract suite: it starts the watcher's stand-in, builds the real
 * source (real client library, only the base URL differs), and adds items or arms faults in the stand-in's
 * own terms. The contract test never knows which provider it is testing. Each driver has its own file
 * (watch-driver-<name>.ts).
 */
export interface WatchHandle {
  /** A new source with a new client, as a restarted process would build it. */
  source(ctx: VaultContext, clock: () => Date): WatchSource;
  credentials: string;
  /** Adds `n` new items (all at `time` when given) and returns the task ids they must become. */
  add(n: number, time?: Date): Promise<string[]>;
  /** Arms a rate-limit answer whose reset is `reset` (the driver converts to the provider's own format, against `now`). */
  rateLimit(reset: Date, now: Date): void;
  serverError(): void;
  revokeAuth(): void;
  restoreAuth(): void;
  /**
   * Takes from the credentials the permission (Graph) or scope (Gmail) or access level (X) the watcher's polls
   * need, so the stand-in answers the provider's own "missing permission" error; returns the name the alert
   * must tell the owner to grant. Undefined for a watcher with no provider.
   */
  revokePermission?(): string;
  restorePermission?(): void;
  /** Requests the stand-in has received so far. */
  requests(): number;
  /** Environment for `ai-employee watch <name>` against this stand-in. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export interface WatchDriver {
  name: WatcherName;
  prefix: string;
  /** False for the Inbox: no provider, so no 429, 500 or 401 to test. */
  provider: boolean;
  /** True when the driver's handle has revokePermission/restorePermission (its stand-in checks permissions). */
  permissions: boolean;
  start(vaultRoot: string): Promise<WatchHandle>;
}

/** The HTTP timeout of every driver's client. */
export const DRIVER_TIMEOUT_MS = 5_000;
