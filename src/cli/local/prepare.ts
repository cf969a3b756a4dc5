import path from 'node:path';
import type { Config } from '../../config.js';
import { AppError } from '../../core/errors.js';
import { openVaultFromConfig } from '../context.js';
import { defaultEnvFile, readEnvFile } from '../env-file.js';

export interface AppliedEnvFile {
  file: string;
  /** How many variables it set; undefined when there is no file at the default place. */
  count: number | undefined;
  warnings: string[];
}

/**
 * Reads the local env file (AI_EMPLOYEE_ENV_FILE, else the per-OS default) into `env`. As with the shell's
 * `set -a; . file` of the old start script, the file's values win over the shell's. AGENT_ROLE is forced to
 * `local` afterwards, whatever either says: these commands run the owner's side only.
 */
export async function applyLocalEnvFile(env: NodeJS.ProcessEnv = process.env): Promise<AppliedEnvFile> {
  const named = env['AI_EMPLOYEE_ENV_FILE'];
  const file = named ? path.resolve(named) : defaultEnvFile('local', { env });
  const read = await readEnvFile(file, { required: Boolean(named) });
  const warnings = read?.warning ? [read.warning] : [];
  const role = read?.vars['AGENT_ROLE'] ?? env['AGENT_ROLE'];
  if (role !== undefined && role !== 'local')
    warnings.push(`AGENT_ROLE=${role} is ignored here: \`ai-employee local\` always runs the local role.`);
  Object.assign(env, read?.vars ?? {});
  env['AGENT_ROLE'] = 'local';
  return { file, count: read ? Object.keys(read.vars).length : undefined, warnings };
}

/**
 * Pins the vault and the state folder to absolute paths before the apps are defined. Why: PM2 runs the apps in
 * the checkout, and at logon this command runs in whatever folder the OS chose, so a relative or defaulted
 * path would point the guard and the apps at different folders. Relative paths from the environment are taken
 * from the checkout (where the apps run); `--vault` from the current folder, as every command line is.
 */
export function pinLocalPaths(root: string, vaultOption: string | undefined, envFile: string, env = process.env): void {
  const fromEnv = env['VAULT_PATH'];
  if (!vaultOption && !fromEnv)
    throw new AppError(
      'invalid_input',
      `VAULT_PATH is not set: add VAULT_PATH=<your vault folder> to ${envFile} (or pass --vault <path>).`,
    );
  env['VAULT_PATH'] = vaultOption ? path.resolve(vaultOption) : path.resolve(root, fromEnv!);
  env['AI_EMPLOYEE_STATE_DIR'] = path.resolve(root, env['AI_EMPLOYEE_STATE_DIR'] || '.ai-employee-state');
}

/**
 * The security guard over the vault, in-process, before anything starts (as `ai-employee guard` runs it: a hit
 * also raises an alert in Updates/). A hit refuses the start with the guard's own report.
 */
export async function guardBeforeStart(config: Config): Promise<string> {
  const { vault } = await openVaultFromConfig(config, 'local-start', { role: 'local' });
  const { formatGuardReport } = await import('../../core/guard/index.js');
  const { runGuard } = await import('../../daemons/guard-run.js');
  const { report, alert } = await runGuard({ target: config.vaultPath, stateDir: config.stateDir, vault });
  const text = formatGuardReport(report);
  if (report.ok) return text;
  throw new AppError(
    'policy_denied',
    `${text}\n${alert ? `alert written to ${alert}\n` : ''}` +
      'The security guard blocked the start; nothing was started. Remove the files it named, then run `ai-employee local start` again.',
  );
}
