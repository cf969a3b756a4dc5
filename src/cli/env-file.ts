import { readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../core/errors.js';

/**
 * The env file of a machine (`local.env`, `cloud.env`): KEY=VALUE lines, the subset of dotenv that a shell's
 * `set -a; . file` reads the same way, so one file serves the bash scripts and `ai-employee local start`.
 * Values are secrets: no message here ever contains one, only line numbers and key names.
 */

export interface EnvFileResult {
  vars: Record<string, string>;
  /** A warning to show (never a value): the file is readable by others. */
  warning?: string;
}

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DQ_ESCAPES = ['"', '\\', '$', '`'];

/** Where `<name>.env` lives by default: `%APPDATA%\ai-employee` on Windows, `~/.config/ai-employee` elsewhere. */
export function defaultEnvFile(
  name: string,
  options: { platform?: NodeJS.Platform; env?: NodeJS.ProcessEnv; home?: string } = {},
): string {
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  const home = options.home ?? os.homedir();
  const p = platform === 'win32' ? path.win32 : path.posix;
  if (platform === 'win32')
    return p.join(env['APPDATA'] || p.join(home, 'AppData', 'Roaming'), 'ai-employee', `${name}.env`);
  return p.join(home, '.config', 'ai-employee', `${name}.env`);
}

/**
 * Parses the text of an env file. Accepted: blank lines, `# comments`, an optional `export ` prefix,
 * `KEY=value` (unquoted: taken as is, trimmed, a ` #` starts a comment), `KEY='literal'`, and `KEY="value"` where
 * a backslash escapes only `"`, `\`, `$` and a backquote, as in a shell. No variable expansion.
 * Anything else stops with the line number: a half-understood secrets file must not start a daemon.
 */
export function parseEnvFile(text: string, file = 'the env file'): Record<string, string> {
  const vars: Record<string, string> = {};
  // Why strip a BOM and accept CRLF: Notepad on Windows writes both.
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    const at = `line ${index + 1} of ${file}`;
    let line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (/^export\s/.test(line)) line = line.slice('export'.length).trimStart();
    const eq = line.indexOf('=');
    if (eq <= 0) throw invalid(`${at} is not KEY=VALUE`);
    const key = line.slice(0, eq).trim();
    if (!KEY.test(key)) throw invalid(`${at}: "${key}" is not a variable name (letters, digits, _)`);
    vars[key] = parseValue(line.slice(eq + 1).trimStart(), `${at} (${key})`);
  });
  return vars;
}

function parseValue(rest: string, at: string): string {
  const quote = rest[0];
  if (quote === "'" || quote === '"') {
    let value = '';
    let i = 1;
    for (; i < rest.length; i += 1) {
      const c = rest[i]!;
      if (c === quote) break;
      // As in a shell's double quotes, `\` escapes only `"`, `\`, `$` and a backquote; any other backslash is kept.
      // Why no `\n` and friends: `"C:\Users\new"` is a Windows path, and must stay one.
      if (quote === '"' && c === '\\' && DQ_ESCAPES.includes(rest[i + 1] ?? '')) value += rest[(i += 1)];
      else value += c;
    }
    if (i >= rest.length) throw invalid(`${at}: the ${quote} quote is not closed (values are one line)`);
    const after = rest.slice(i + 1).trim();
    if (after !== '' && !after.startsWith('#')) throw invalid(`${at}: text after the closing quote`);
    return value;
  }
  // Unquoted: a shell would end the value at a space; ` #` begins a comment, as in dotenv.
  const comment = rest.search(/\s#/);
  return (comment === -1 ? rest : rest.slice(0, comment)).trim();
}

const invalid = (message: string) => new AppError('invalid_input', `${message}; fix the file and start again.`);

/**
 * Reads and parses an env file. `required`: a missing file is an error (it was named explicitly); otherwise a
 * missing file yields no variables. On POSIX, a file that the group or others can read gets a warning.
 */
export async function readEnvFile(
  file: string,
  options: { required: boolean; platform?: NodeJS.Platform },
): Promise<EnvFileResult | undefined> {
  const platform = options.platform ?? process.platform;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !options.required) return undefined;
    if (code === 'ENOENT')
      throw new AppError('not_found', `The env file ${file} does not exist; create it or fix AI_EMPLOYEE_ENV_FILE.`);
    if (code === 'EISDIR')
      throw new AppError('invalid_input', `The env file ${file} is a folder; point AI_EMPLOYEE_ENV_FILE at a file.`);
    throw new AppError(
      'invalid_input',
      `The env file ${file} cannot be read (${code ?? 'error'}); check its owner and permissions.`,
    );
  }
  const vars = parseEnvFile(text, file);
  // Why no check on Windows: its mode bits are synthesised from the read-only flag and say nothing about ACLs.
  if (platform === 'win32') return { vars };
  const mode = (await stat(file)).mode & 0o777;
  if ((mode & 0o077) === 0) return { vars };
  return {
    vars,
    warning: `${file} is readable by other users (mode ${mode.toString(8).padStart(4, '0')}); run: chmod 600 '${file.replaceAll("'", "'\\''")}'`,
  };
}
