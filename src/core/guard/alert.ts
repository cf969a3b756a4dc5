import type { GuardReport } from './types.js';

/** Why: a path is user data; a backtick in it must not break out of the inline code span. */
const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

/**
 * The markdown body of the alert raised when the guard blocks a sync (DESIGN §6). The caller adds the
 * frontmatter and writes the file. It names files, rules and lines only: no preview, no secret, so the
 * alert itself always passes the guard when it is synced.
 */
export function guardAlertMarkdown(report: GuardReport, now: Date): string {
  const when = now.toISOString();
  if (report.ok)
    return [
      '# Security guard: all clear',
      '',
      `The security guard ran at ${when} and found nothing to block.`,
      '',
    ].join('\n');
  const files = [...new Set(report.hits.map((h) => h.path))];
  const out: string[] = ['# Security guard: sync blocked', ''];
  out.push(
    `At ${when} the security guard found ${report.hits.length} possible secret(s) in ${files.length} file(s).`,
    'Nothing is committed or pushed until every hit below is gone.',
    '',
    '## Findings',
    '',
  );
  for (const file of files) {
    const hits = report.hits.filter((h) => h.path === file);
    out.push(`- ${code(file)}`);
    for (const hit of hits) {
      const where = hit.line === undefined ? '' : `, line ${hit.line}`;
      out.push(`  - rule ${code(hit.rule)}: ${hit.description}${where}`);
    }
  }
  out.push(
    '',
    '## What to do',
    '',
    '1. Remove each file named above from the vault, or move the secret out of it into the environment',
    '   (the `.env` file or secret store of the machine, outside the vault) and refer to it by name.',
    '2. If the secret was ever committed or pushed, treat it as leaked: revoke it and issue a new one.',
    ...(report.hits.some((h) => h.kind === 'unscannable')
      ? [
          '   A file the guard could not scan (a binary of a type not on the allowed list, or a file it could not',
          '   read) blocks too: move it out of the vault, save it as text or PDF, or fix its permissions.',
        ]
      : []),
    '3. Re-run `ai-employee guard`; the sync starts again once it reports no hits.',
    '',
  );
  return out.join('\n');
}
