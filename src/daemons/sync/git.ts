import { simpleGit, type SimpleGit } from 'simple-git';
import type { Role } from '../../core/roles.js';

/**
 * The author every commit of a role's sync carries: for people reading the history. Nothing decides on it (an
 * author is whatever the committer typed); the executor decides on the owner's evidence (owner-evidence.ts).
 */
export const gitAuthorFor = (role: Role) => ({
  name: `ai-employee-${role}`,
  email: `${role}@ai-employee.invalid`,
});

/**
 * Credentials reach git from the process environment (PM2 `env`) or ~/.ssh/config only, never from the
 * vault. simple-git 4 strips ambient GIT_* variables unless they are allowed here; these are the ones a
 * deployment sets for authentication. GIT_INDEX_FILE is ours (the integration's scratch index).
 */
const ALLOWED_ENV = [
  'GIT_SSH_COMMAND',
  'GIT_SSH',
  'GIT_ASKPASS',
  'GIT_SSL_CAINFO',
  'GIT_TERMINAL_PROMPT',
  'GIT_INDEX_FILE',
  'GIT_LITERAL_PATHSPECS',
];
const ALLOWED_SET = new Set(ALLOWED_ENV);

const INTERACTIVE_ENV = new Set(['editor', 'visual', 'pager', 'prefix', 'ssh_askpass']);

/**
 * One simple-git instance per vault and process, one git process at a time (a second concurrent one would
 * meet `index.lock: File exists`). The author is set per command, so a human's own git config on the
 * machine cannot make a sync commit look like the other role's.
 */
export function gitFor(root: string, role: Role, options: { indexFile?: string; timeoutMs?: number } = {}): SimpleGit {
  const author = gitAuthorFor(role);
  const git = simpleGit({
    baseDir: root,
    maxConcurrentProcesses: 1,
    trimmed: false,
    config: [`user.name=${author.name}`, `user.email=${author.email}`, 'core.quotePath=false', 'commit.gpgSign=false'],
    allowEnvironment: ALLOWED_ENV,
    timeout: { block: options.timeoutMs ?? 120_000 },
  });
  // Why no prompt: an unattended push must fail with a message, not wait for a password forever.
  const env: Record<string, string> = { GIT_TERMINAL_PROMPT: '0' };
  for (const [key, value] of Object.entries(process.env)) {
    // Other GIT_* variables (GIT_DIR, GIT_WORK_TREE...) would point git somewhere else: never passed on.
    if (value === undefined || (key.toUpperCase().startsWith('GIT_') && !ALLOWED_SET.has(key))) continue;
    // An unattended sync never opens an editor or a pager; simple-git refuses to run with these set anyway
    // (EDITOR is set in many shells and CI environments).
    if (INTERACTIVE_ENV.has(key.toLowerCase())) continue;
    env[key] = value;
  }
  env['GIT_TERMINAL_PROMPT'] = '0';
  // Why: vault file names are data; `*` or `:(` in a task name must never act as pathspec magic.
  env['GIT_LITERAL_PATHSPECS'] = '1';
  if (options.indexFile) env['GIT_INDEX_FILE'] = options.indexFile;
  return git.env(env);
}
