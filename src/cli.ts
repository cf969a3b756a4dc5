#!/usr/bin/env node
import { Command, Option } from 'commander';
import { loadConfig, type Config } from './config.js';
import { toAppError } from './core/errors.js';
import { initVault } from './core/vault/init.js';
import { openVaultFromConfig } from './cli/context.js';
import { say, warn } from './cli/print.js';
import { serveHttpCommand, serveStdioCommand } from './cli/serve.js';
import { registerAuditCommands } from './cli/commands/audit.js';
import { registerDraftCommands } from './cli/commands/draft.js';
import { registerExecutorCommands } from './cli/commands/executor.js';
import { registerGuardCommand } from './cli/commands/guard.js';
import { registerSyncCommands } from './cli/commands/sync.js';
import { registerDashboardCommand } from './cli/commands/dashboard.js';
import { registerDoctorCommand } from './cli/commands/doctor.js';
import { registerLocalCommands } from './cli/commands/local.js';
import { registerOdooCommands } from './cli/commands/odoo.js';
import { registerWatchCommands } from './cli/commands/watch.js';
import { registerWatchdogCommand } from './cli/commands/watchdog.js';
import { endProcess } from './cli/unconfigured.js';

/**
 * The `ai-employee` command: parses argv, builds the config, calls one entry. Errors end as one line on
 * stderr and exit code 1; no stack trace reaches the user (set LOG_LEVEL=debug to see one).
 */
const program = new Command('ai-employee')
  .description("The business owner's AI employee: MCP server, daemons and vault tools")
  .option('--vault <path>', 'the vault folder (else VAULT_PATH, else ./AI_Employee_Vault)')
  .showHelpAfterError();

const config = (): Config => loadConfig(process.env, { vault: program.opts<{ vault?: string }>().vault });

program
  .command('init [path]')
  .description('lay out a vault: the protocol folders and the skeleton files (never overwrites)')
  .action(async (target?: string) => {
    const root = target ?? config().vaultPath;
    const created = await initVault(root);
    say(
      created.length ? `Initialised ${root}: created ${created.length} files.` : `${root} is already a complete vault.`,
    );
  });

program
  .command('serve')
  .description('run the MCP server: stdio by default, Streamable HTTP with --http (needs MCP_AUTH_TOKEN)')
  .option('--http', 'serve Streamable HTTP on /mcp instead of stdio')
  .addOption(new Option('--port <n>', 'HTTP port (else MCP_HTTP_PORT, else 8765)').argParser(Number))
  .option('--host <host>', 'HTTP bind address (else MCP_HTTP_HOST, else 127.0.0.1)')
  .action(async (opts: { http?: boolean; port?: number; host?: string }) => {
    if (!opts.http) return serveStdioCommand(config());
    const { server } = await serveHttpCommand(config(), { port: opts.port, host: opts.host });
    warn(`MCP server listening on ${server.url}`);
    await untilSignal(() => server.close());
  });

program
  .command('up')
  .description(
    'npm start: the whole flow on this machine against stand-ins when no credentials are set; else run this role',
  )
  .option('--auto-approve', 'approve every request as the owner would, and stop when the flow is complete')
  .option('--dir <path>', 'sandbox workspace (default ./.ai-employee-sandbox, recreated on every run)')
  .addOption(
    new Option('--timeout <s>', 'with --auto-approve: give up after this many seconds').default(180).argParser(Number),
  )
  .action(async (opts: { autoApprove?: boolean; dir?: string; timeout: number }) => {
    await (await import('./cli/up.js')).upCommand(config(), opts);
  });

program
  .command('recover')
  .description("put this role's In_Progress/ in order: finish interrupted claims, release expired leases")
  .action(async () => {
    const { vault } = await openVaultFromConfig(config(), 'recover');
    say(JSON.stringify(await vault.recover()));
  });

program
  .command('status')
  .description('one screen: queues, pending approvals, daemons, last sync and guard, Odoo, and a verdict')
  .option('--json', 'print JSON')
  .option('--check', 'also check Odoo live (ODOO_URL), with a short timeout')
  .action(async (opts: { json?: boolean; check?: boolean }) =>
    (await import('./cli/commands/status.js')).statusCommand(config(), opts),
  );

const worker = program.command('worker').description('long-running workers (PM2 apps)');
const sandbox = program.command('sandbox').description('run a local stand-in of an external service');
registerOdooCommands(program, config, worker, sandbox);
registerExecutorCommands(program, config, worker);
registerDraftCommands(config, worker);
registerGuardCommand(program, config);
registerSyncCommands(program, config);
registerDashboardCommand(program, config);
registerWatchCommands(program, config, sandbox);
registerWatchdogCommand(program, config);
registerAuditCommands(program, config);
registerDoctorCommand(program, config);
registerLocalCommands(program, config);

function untilSignal(stop: () => Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const onSignal = () => {
      stop().finally(() => resolve());
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}

program.parseAsync(process.argv).catch((err: unknown) => {
  const appError = toAppError(err);
  warn(`ai-employee: ${appError.message}`);
  if (process.env['LOG_LEVEL'] === 'debug') warn(String((err as Error)?.stack ?? err));
  // Under PM2 an open IPC channel would keep a failed start alive and `online` for good (unconfigured.ts): end it,
  // so PM2's crash path (backoff, errored, the watchdog) takes over.
  if (process.connected) void endProcess(1);
  else process.exitCode = 1;
});
