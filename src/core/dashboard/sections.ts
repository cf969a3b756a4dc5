import { invalidInput } from '../errors.js';

/**
 * The parts of Dashboard.md that the dashboard merge owns: the text between `<!-- ai-employee:begin NAME -->`
 * and `<!-- ai-employee:end NAME -->`. Everything outside them belongs to the human and is kept byte for byte.
 */
export const SECTION_NAMES = ['state', 'approvals', 'alerts', 'updates', 'merged'] as const;
export type SectionName = (typeof SECTION_NAMES)[number];

export const beginMarker = (name: string) => `<!-- ai-employee:begin ${name} -->`;
export const endMarker = (name: string) => `<!-- ai-employee:end ${name} -->`;

interface Span {
  name: string;
  /** Index just after the begin marker. */
  from: number;
  /** Index of the end marker. */
  to: number;
}

const BEGIN = /<!-- ai-employee:begin ([a-z]+) -->/g;

/**
 * Finds every owned section. A broken pair (a begin without its end, one section twice, or sections that
 * overlap) stops the merge: guessing where a human's text ends could delete it.
 */
export function findSections(text: string): Map<string, Span> {
  const spans = new Map<string, Span>();
  let lastEnd = 0;
  for (const match of text.matchAll(BEGIN)) {
    const name = match[1] ?? '';
    const from = (match.index ?? 0) + match[0].length;
    if (spans.has(name)) throw brokenMarkers(`the section "${name}" appears twice`);
    if ((match.index ?? 0) < lastEnd) throw brokenMarkers(`the section "${name}" starts inside another section`);
    const to = text.indexOf(endMarker(name), from);
    if (to < 0) throw brokenMarkers(`"${beginMarker(name)}" has no "${endMarker(name)}"`);
    spans.set(name, { name, from, to });
    lastEnd = to + endMarker(name).length;
  }
  return spans;
}

function brokenMarkers(what: string) {
  return invalidInput(
    `Dashboard.md has broken ai-employee markers: ${what}. Restore the marker line (or delete the whole section, markers included, and it is added again); nothing was written.`,
  );
}

/** The text between a section's markers, without the line breaks that frame it. */
export function sectionBody(text: string, span: Span): string {
  return text
    .slice(span.from, span.to)
    .replace(/^\r?\n/, '')
    .replace(/\r?\n$/, '');
}

/**
 * Replaces the bodies of the given sections (those missing are appended at the end, markers included) and
 * leaves every other byte as it was. `eol` is the file's own line ending.
 */
export function replaceSections(text: string, bodies: ReadonlyMap<string, string>, eol: string): string {
  const spans = findSections(text);
  const framed = (body: string) => `${eol}${body.split('\n').join(eol)}${eol}`;
  const present = [...bodies.keys()].filter((n) => spans.has(n)).map((n) => spans.get(n) as Span);
  // Right to left, so earlier indexes stay valid.
  let out = text;
  for (const span of present.sort((a, b) => b.from - a.from)) {
    out = out.slice(0, span.from) + framed(bodies.get(span.name) ?? '') + out.slice(span.to);
  }
  for (const [name, body] of bodies) {
    if (spans.has(name)) continue;
    const sep = out === '' || out.endsWith(`${eol}${eol}`) ? '' : out.endsWith(eol) ? eol : `${eol}${eol}`;
    out += `${sep}${beginMarker(name)}${framed(body)}${endMarker(name)}${eol}`;
  }
  return out;
}

export function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}
