/**
 * The changes of one side since the common base, path by path, as git's raw diff reports them
 * (`git diff-tree -r -z --no-renames <base> <tip>`). Renames are split into a delete and an add on purpose:
 * a claim is a move, and the claim rule (§6) looks at the deleted queue file.
 */
export interface BlobRef {
  readonly mode: string;
  readonly oid: string;
}

export interface PathChange {
  readonly path: string;
  /** The base's version, or null when the side added the path. */
  readonly before: BlobRef | null;
  /** The side's version, or null when the side deleted the path. */
  readonly after: BlobRef | null;
}

export type ChangeSet = ReadonlyMap<string, PathChange>;

const ZERO_OID = /^0+$/;

/** Parses `git diff-tree -r -z --no-renames --no-commit-id <a> <b>` output. */
export function parseRawDiff(raw: string): Map<string, PathChange> {
  const out = new Map<string, PathChange>();
  const parts = raw.split('\0');
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const meta = parts[i] as string;
    const file = parts[i + 1] as string;
    const match = /^:(\d{6}) (\d{6}) ([0-9a-f]+) ([0-9a-f]+) ([A-Z])\d*$/.exec(meta);
    if (!match) continue;
    const [, modeA, modeB, oidA, oidB] = match as unknown as [string, string, string, string, string];
    out.set(file, {
      path: file,
      before: ZERO_OID.test(oidA) || modeA === '000000' ? null : { mode: modeA, oid: oidA },
      after: ZERO_OID.test(oidB) || modeB === '000000' ? null : { mode: modeB, oid: oidB },
    });
  }
  return out;
}

export const sameBlob = (a: BlobRef | null, b: BlobRef | null): boolean =>
  a === null || b === null ? a === b : a.oid === b.oid && a.mode === b.mode;
