import { parseTaskText } from '../vault/frontmatter.js';

/** One file of `Updates/`, as the dashboard lists it. */
export interface UpdateEntry {
  file: string;
  level: 'info' | 'alert';
  title: string;
  created: string;
  from: string;
  summary: string;
}

const MAX_SUMMARY = 240;

/**
 * Makes one line of text safe to place between our markers: an update comes from the other machine (the
 * more exposed one), so it must not be able to close a section, open a comment or start a new line.
 */
export function oneLine(text: string, max = MAX_SUMMARY): string {
  const flat = text
    .replace(/<!--|-->/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * Reads an update file's text. A file that is not a well-formed update is still shown — as an alert, with
 * its first words — because it is about to be removed, and a signal nobody saw is a lost signal.
 */
export function parseUpdate(file: string, text: string, fallbackCreated: string): UpdateEntry {
  try {
    const { data, body } = parseTaskText(text);
    const created = typeof data['created'] === 'string' && !Number.isNaN(Date.parse(data['created']));
    const firstLine =
      body
        .split(/\r?\n/)
        .map((l) => l.trim())
        .find((l) => l !== '' && !l.startsWith('#')) ?? '';
    const role = typeof data['role'] === 'string' ? data['role'] : '?';
    const source = typeof data['source'] === 'string' ? data['source'] : undefined;
    return {
      file,
      level: data['level'] === 'alert' ? 'alert' : 'info',
      title: oneLine(typeof data['title'] === 'string' ? data['title'] : file, 120) || file,
      created: created ? new Date(String(data['created'])).toISOString() : fallbackCreated,
      from: oneLine(source && source !== role ? `${role} (${source})` : role, 80),
      summary: oneLine(firstLine),
    };
  } catch {
    return {
      file,
      level: 'alert',
      title: oneLine(`Unreadable update ${file}`, 120),
      created: fallbackCreated,
      from: '?',
      summary: oneLine(text),
    };
  }
}
