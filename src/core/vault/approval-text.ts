/**
 * The text an approval sends (a mail's body, a public reply), carried inside the approval file itself between
 * two marker lines (DESIGN §6 "shown is executed"). The owner reads it there, may edit it there before he
 * decides, and the executor sends exactly it: never another file, which could change after he read it.
 * The markers are HTML comments, so Obsidian's reading view shows only the text.
 */
export const TEXT_BEGIN =
  '<!-- ai-employee:text-begin — everything up to the end marker is sent exactly as written here -->';
export const TEXT_END = '<!-- ai-employee:text-end -->';

const BEGIN_LINE = /^\s*<!--\s*ai-employee:text-begin\b.*-->\s*$/;
const END_LINE = /^\s*<!--\s*ai-employee:text-end\s*-->\s*$/;

/** The canonical form of a text: LF line ends, no blank lines around it, no trailing spaces at its end. */
export function normaliseApprovalText(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  while (lines.length > 0 && (lines[0] as string).trim() === '') lines.shift();
  while (lines.length > 0 && (lines[lines.length - 1] as string).trim() === '') lines.pop();
  return lines.join('\n').trimEnd();
}

/** The text block for an approval file's body. */
export function renderTextBlock(text: string): string {
  return `${TEXT_BEGIN}\n${normaliseApprovalText(text)}\n${TEXT_END}`;
}

/** The text between the markers of an approval body, or why there is none (for a refusal a person can act on). */
export function extractApprovalText(body: string): { text: string } | { problem: string } {
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  const begins = lines.flatMap((l, i) => (BEGIN_LINE.test(l) ? [i] : []));
  const ends = lines.flatMap((l, i) => (END_LINE.test(l) ? [i] : []));
  if (begins.length !== 1 || ends.length !== 1 || (ends[0] as number) < (begins[0] as number)) {
    return {
      problem:
        begins.length === 0 && ends.length === 0
          ? 'it has no text block (the lines between "ai-employee:text-begin" and "ai-employee:text-end")'
          : 'its text block markers are missing, repeated or out of order',
    };
  }
  const text = normaliseApprovalText(lines.slice((begins[0] as number) + 1, ends[0]).join('\n'));
  return text === '' ? { problem: 'its text block is empty' } : { text };
}
