import type { GuardHit, GuardReport, GuardSkip } from './types.js';

const SKIP_TEXT: Record<GuardSkip['reason'], (skip: GuardSkip) => string> = {
  binary: (s) => `binary file of an allowed type (${s.type ?? 'image or PDF'}), checked by name only`,
  symlink: () => 'symbolic link, not followed',
  missing: () => 'no longer exists',
};

/** One human line per hit, e.g. `BLOCKED Logs/x.md: rule aws-access-key-id (AWS access key id) at line 3`. */
export function formatGuardHit(hit: GuardHit): string {
  const where = hit.line === undefined ? '' : ` at line ${hit.line}`;
  const seen = hit.preview === undefined ? '' : `, found ${hit.preview}`;
  return `BLOCKED ${hit.path}: rule ${hit.rule} (${hit.description})${where}${seen}`;
}

/** The report as lines for a terminal or a log: hits, then skipped files, then a one-line summary. */
export function formatGuardReport(report: GuardReport): string {
  const lines = report.hits.map(formatGuardHit);
  for (const skip of report.skipped) lines.push(`SKIPPED ${skip.path}: ${SKIP_TEXT[skip.reason](skip)}`);
  const files = new Set(report.hits.map((h) => h.path)).size;
  const counts = `${report.scanned} file(s) scanned, ${report.skipped.length} skipped`;
  lines.push(
    report.ok
      ? `guard: OK, no secrets found (${counts})`
      : `guard: ${report.hits.length} hit(s) in ${files} file(s) (${counts}); remove each file or move its secret out of the vault, then re-run \`ai-employee guard\``,
  );
  return lines.join('\n');
}
