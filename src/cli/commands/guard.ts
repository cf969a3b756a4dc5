import type { Command } from 'commander';
import type { Config } from '../../config.js';
import { openVaultFromConfig } from '../context.js';
import { say, warn } from '../print.js';

/** `ai-employee guard [path]`: exit 1 and the file and rule on a hit. With a role, also raises the alert. */
export function registerGuardCommand(program: Command, config: () => Config): void {
  program
    .command('guard [path]')
    .description('scan the vault (or a path) for secrets by name and content; exit 1 on a hit')
    .action(async (target?: string) => {
      const cfg = config();
      const { formatGuardReport } = await import('../../core/guard/index.js');
      const { runGuard } = await import('../../daemons/guard-run.js');
      const vault = cfg.role ? (await openVaultFromConfig(cfg, 'guard')).vault : undefined;
      const { report, alert } = await runGuard({ target: target ?? cfg.vaultPath, stateDir: cfg.stateDir, vault });
      const text = formatGuardReport(report);
      if (report.ok) say(text);
      else {
        warn(text);
        if (alert) warn(`alert written to ${alert}`);
        process.exitCode = 1;
      }
    });
}
