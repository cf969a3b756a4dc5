import type { RefusedCommit } from './integrate.js';

/** Markdown bodies of the sync's notes in Updates/. Paths and commit ids only: never file contents. */

const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

export function refusedMarkdown(role: string, commits: readonly RefusedCommit[]): string {
  const out = [
    `The ${role} machine refused incoming changes that only ${role} may make (DESIGN §6 trust boundary).`,
    'They were not merged: this machine kept its own version of each path below, and its next push restores',
    'that version on the remote. The rest of the incoming work was taken as usual.',
    '',
    '## Refused commits',
    '',
  ];
  for (const c of commits) {
    out.push(`- ${code(c.commit.slice(0, 12))} by ${code(c.author)}: ${c.subject.slice(0, 120)}`);
    for (const p of c.paths.slice(0, 50)) out.push(`  - ${code(p)}`);
    if (c.paths.length > 50) out.push(`  - ... and ${c.paths.length - 50} more`);
  }
  out.push(
    '',
    '## What to do',
    '',
    'If you did not expect the other machine to touch these paths, treat it as compromised: check its logs,',
    'rotate its credentials, and review `Pending_Approval/` before approving anything.',
    '',
  );
  return out.join('\n');
}

export function lostClaimMarkdown(role: string, task: string, queuePath: string, dropped: readonly string[]): string {
  return [
    `Both machines claimed ${code(queuePath)} (task ${code(task)}) before they could sync.`,
    `The other machine's claim reached the remote first, so it wins (DESIGN §6). The ${role} machine dropped`,
    'its own claim and what it made from it:',
    '',
    ...(dropped.length ? dropped.map((p) => `- ${code(p)}`) : ['- (nothing beyond the claim itself)']),
    '',
    'Nothing to do: the task goes on in the other machine.',
    '',
  ].join('\n');
}

export function failureMarkdown(message: string, whatToDo: string, at: string): string {
  return [
    `The vault sync failed at ${at}:`,
    '',
    `> ${message.replace(/\n/g, ' ')}`,
    '',
    '## What to do',
    '',
    whatToDo,
    '',
    'This note is written once per distinct failure; `ai-employee sync --status` shows the latest state.',
    '',
  ].join('\n');
}
