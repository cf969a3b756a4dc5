import { Option, type Command } from 'commander';
import type { Config } from '../../config.js';
import { AppError } from '../../core/errors.js';
import { stopSignal } from '../../daemons/loop.js';
import { openVaultFromConfig } from '../context.js';
import { say } from '../print.js';

/** `ai-employee dashboard [--watch]`: local merges Updates/ into Dashboard.md (PM2 app local-dashboard). */
export function registerDashboardCommand(program: Command, config: () => Config): void {
  program
    .command('dashboard')
    .description('local: merge Updates/ into Dashboard.md (state, alerts, pending approvals) and remove what it merged')
    .option('--watch', 'keep merging on a short poll (PM2 app local-dashboard), with a heartbeat')
    .addOption(new Option('--interval <s>', 'seconds between passes with --watch').default(15).argParser(Number))
    .action(async (opts: { watch?: boolean; interval: number }) => {
      const cfg = config();
      const { vault, logger } = await openVaultFromConfig(cfg, 'local-dashboard');
      if (!vault.policy.canWrite('Dashboard.md'))
        throw new AppError(
          'policy_denied',
          `Dashboard.md is written by the local machine only; the ${vault.role} role posts to Updates/ instead (run the dashboard with AGENT_ROLE=local).`,
        );
      const { runDashboardOnce, watchDashboard } = await import('../../daemons/dashboard.js');
      if (!opts.watch) {
        const r = await runDashboardOnce(vault, cfg.stateDir);
        return say(
          `Dashboard.md ${r.written ? 'updated' : 'unchanged'}: merged ${r.merged.length} update${r.merged.length === 1 ? '' : 's'}, removed ${r.removed}.`,
        );
      }
      if (!(opts.interval > 0)) throw new AppError('invalid_input', '--interval must be a positive number of seconds.');
      await watchDashboard(vault, cfg.stateDir, { intervalMs: opts.interval * 1000, signal: stopSignal(), logger });
    });
}
