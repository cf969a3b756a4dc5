import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireRole, type Config } from '../config.js';
import { stopSignal } from '../daemons/loop.js';
import { say } from './print.js';
import { ProcessGroup } from './up/processes.js';
import { runSandbox } from './up/sandbox.js';

export interface UpOptions {
  autoApprove?: boolean;
  dir?: string;
  timeout?: number;
}

/** The built CLI next to this file (dist/src/cli.js): the daemons are real `ai-employee` processes. */
const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'cli.js');

/** Any real service configured means "run for real"; none means the sandbox. */
export function hasCredentials(config: Config): boolean {
  const w = config.watch;
  return Boolean(
    config.odoo.url ||
    w.gmail.refreshToken ||
    w.x.bearerToken ||
    w.x.accessToken ||
    w.graph.pageToken ||
    w.graph.igToken ||
    config.sync.remote,
  );
}

/**
 * `npm start`. With no credentials: the whole Platinum flow on this machine against the stand-ins (see
 * up/sandbox.ts). With credentials and AGENT_ROLE: that role's daemons (the apps of its PM2 ecosystem) in the
 * foreground against the real services, until Ctrl-C. Under PM2, use scripts/cloud/start_cloud_stack.sh.
 */
export async function upCommand(config: Config, options: UpOptions): Promise<void> {
  const signal = stopSignal();
  if (!hasCredentials(config)) {
    say('No credentials are set: running the sandbox (stand-ins for Gmail, X, Facebook/Instagram and Odoo).');
    await runSandbox({
      dir: path.resolve(options.dir ?? '.ai-employee-sandbox'),
      cli: CLI,
      autoApprove: options.autoApprove ?? false,
      say,
      signal,
      timeoutMs: (options.timeout ?? 180) * 1000,
    });
    return;
  }
  const role = requireRole(config);
  const require = createRequire(import.meta.url);
  const appsFile = path.resolve(path.dirname(CLI), '..', '..', 'scripts', 'pm2-apps.cjs');
  const { cloudApps, localApps } = require(appsFile) as Record<
    string,
    () => Array<{ name: string; args: string; env: NodeJS.ProcessEnv }>
  >;
  const apps = (role === 'cloud' ? cloudApps : localApps)!();
  const group = new ProcessGroup(CLI, path.resolve(process.env['AI_EMPLOYEE_LOG_DIR'] ?? 'logs'));
  for (const app of apps) group.start(app.name, app.args.split(' '), { ...process.env, ...app.env });
  say(`Running the ${role} role: ${apps.map((a) => a.name).join(', ')}. Logs in ./logs; Ctrl-C stops everything.`);
  await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
  await group.stopAll();
}
