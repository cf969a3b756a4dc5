/**
 * The sync as the rest of the product sees it: one call that brings this vault in step with the remote.
 * The git implementation lives in src/daemons/sync; tools and the CLI depend on this shape only.
 */
export interface SyncResult {
  status: 'ok' | 'blocked' | 'failed' | 'busy';
  /** Paths this side committed in this run. */
  committed: number;
  /** Incoming changes taken from the remote. */
  received: number;
  pushed: boolean;
  /** Incoming commits refused by the trust boundary, with the refused paths. */
  refused: Array<{ commit: string; author: string; subject: string; paths: string[] }>;
  /** Files written to Needs_Action/local/ with both versions. */
  conflicts: string[];
  /** Claims this side lost (the other side's claim reached the remote first). */
  lostClaims: Array<{ task: string; dropped: string[] }>;
  /** What happened, and on failure what to do. */
  message: string;
  /** The remote's commit after this run, when known. */
  head?: string;
}

export interface VaultSync {
  syncOnce(): Promise<SyncResult>;
}
