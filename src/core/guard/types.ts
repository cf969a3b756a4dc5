/** Shapes shared by the guard's rules, scanners and reports. Data only. */

export type GuardRuleKind = 'name' | 'content';

/**
 * A rule that blocks a file or folder by its name. `test` gets the base name of one path segment,
 * lower-cased (file systems and users disagree on case; a secret is a secret in any case).
 */
export interface NameRule {
  readonly id: string;
  readonly kind: 'name';
  readonly description: string;
  readonly test: (lowerName: string, isDir: boolean) => boolean;
}

/**
 * A rule that blocks a file by what it contains. `test` is a global regexp with the `d` flag and a named
 * group `secret`: everything before that group is safe to show (a known prefix or a key name), the group
 * itself never leaves the scanner. `keywords` (lower case, at least 3 characters) are a cheap pre-filter:
 * the regexp runs only when the lower-cased text contains one of them. `accept` drops matches that are placeholders or too
 * regular to be a secret. A `fallback` rule is dropped on lines where a specific rule already hit.
 */
export interface ContentRule {
  readonly id: string;
  readonly kind: 'content';
  readonly description: string;
  readonly test: RegExp;
  readonly keywords: readonly string[];
  readonly accept?: (secret: string, context: AcceptContext) => boolean;
  readonly fallback?: boolean;
  /**
   * A cheaper regexp (no `g`) that every match of `test` contains, for a rule whose matches never span a
   * line: `test` runs only from the start of the line where `gate` first matches, or not at all. Why: a
   * rule that starts with a character class (`[A-Za-z0-9_.-]*password`) is tried at every word of a file,
   * while most files that name a password never assign one.
   */
  readonly gate?: RegExp;
}

/** Where a match sits, for rules that look past the matched text (base64 decoding reads on from `end`). */
export interface AcceptContext {
  readonly text: string;
  /** Offset in `text` just after the `secret` group. */
  readonly end: number;
}

export type GuardRule = NameRule | ContentRule;

/**
 * What a hit is about: a name, a content match, or a file the guard could not scan at all (a binary of a
 * type not on the allowed list, or a file or folder it could not read). The last kind fails closed: it
 * blocks like a secret, because the guard cannot tell that it holds none.
 */
export type GuardHitKind = GuardRuleKind | 'unscannable';

/** One finding. It names the file and the rule, never the secret (`preview` is a redacted prefix). */
export interface GuardHit {
  /** Relative to the scanned root, forward slashes; a blocked folder ends with `/`. */
  readonly path: string;
  readonly rule: string;
  readonly kind: GuardHitKind;
  readonly description: string;
  /** 1-based line of a content hit. */
  readonly line?: number;
  /** e.g. `AKIA…(redacted)`: only the known prefix or key name, never any part of the secret. */
  readonly preview?: string;
}

/**
 * Why a file's content was not scanned, without that being a hit: a binary of an allowed type (images,
 * PDF: see binary-types.ts; its name was checked), a symbolic link (git stores only the link), or a file
 * deleted while the scan ran (a deleted file cannot leak).
 */
export type GuardSkipReason = 'binary' | 'symlink' | 'missing';

/** A file whose content was not scanned (its name was still checked). Not a hit. */
export interface GuardSkip {
  readonly path: string;
  readonly reason: GuardSkipReason;
  /** For `binary`: the allowed type it was recognised as, e.g. `pdf`. */
  readonly type?: string;
}

export interface GuardReport {
  /** True when there is no hit (skipped files do not make a report fail; unscannable ones are hits). */
  readonly ok: boolean;
  readonly hits: readonly GuardHit[];
  /** How many files had their content scanned. */
  readonly scanned: number;
  readonly skipped: readonly GuardSkip[];
}

export interface ScanOptions {
  /** Extra name globs (`*`, `?`) from the role's policy, matched against every path segment's name. */
  readonly extraBlockedNames?: readonly string[];
  /** Scan only these paths (relative to the root, or absolute inside it) instead of the whole tree. */
  readonly files?: readonly string[];
  /**
   * Files are read and scanned in chunks of this many bytes (default 1 MiB), each chunk's text overlapping
   * the previous one's tail, so a file of any size is scanned in full with bounded memory.
   */
  readonly chunkBytes?: number;
  /** How many directory reads and file batches run at once. Default 32. */
  readonly concurrency?: number;
  /**
   * Where file content is read and scanned. `auto` (default): in-process until the scan has found 4,000
   * files, then on the process's worker threads (one per CPU), or on those threads from the first file
   * when a recent scan left them running; `never`: in-process only; `always`: on the worker threads from
   * the first file. The report is the same either way.
   */
  readonly workers?: 'auto' | 'always' | 'never';
}
