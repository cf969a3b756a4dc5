import { readFile } from 'node:fs/promises';
import { parseTaskText, type TaskText } from './frontmatter.js';
import { validateTask, type TaskFrontmatter } from './schemas.js';

/** A task as tools return it: where it is, its frontmatter and its body. */
export interface TaskView {
  path: string;
  frontmatter: Record<string, unknown>;
  body: string;
}

export interface LoadedTask extends TaskText {
  text: string;
  valid: TaskFrontmatter;
}

/** Reads, parses and validates a task file. Throws invalid_input (with the reason) for a malformed one. */
export async function loadTask(abs: string): Promise<LoadedTask> {
  const text = await readFile(abs, 'utf8');
  return loadTaskText(text);
}

export function loadTaskText(text: string): LoadedTask {
  const parsed = parseTaskText(text);
  const valid = validateTask(parsed.data);
  return { ...parsed, text, valid };
}

export const viewOf = (rel: string, task: TaskText): TaskView => ({
  path: rel,
  frontmatter: task.data,
  body: task.body,
});
