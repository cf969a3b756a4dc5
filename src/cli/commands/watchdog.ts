import { Option, type Command } from 'commander';
import type { Config } from '../../config.js';
import { runEvery, stopSignal } from '../../daemons/loop.js';
import { openVaultFromConfig } from '../context.js';
import { say } from '../print.js';

export function registerWatchdogCommand(program: Command, config: () => Config): void {
  program
    .command('watchdog')
    .description('restart PM2 apps that errored or whose heartbeat is stale; alert when one keeps failing')
    .option('--once', 'one round, then exit')
    .addOption(new Option('--interval <s>', 'seconds between rounds').default(60).argParser(Number))
    .addOption(new Option('--stale-after <s>', 'a heartbeat older than this is stale').default(600).argParser(Number))
    .addOption(
      new Option('--alert-after <n>', 'revivals within an hour that raise an alert').default(3).argParser(Number),
    )
    .action(async (opts: { once?: boolean; interval: number; staleAfter: number; alertAfter: number }) => {
      const cfg = config();
      const { connectPm2 } = await import('../../daemons/pm2-client.js');
      const { runWatchdogOnce } = await import('../../daemons/watchdog.js');
      const { vault, logger } = await openVaultFromConfig(cfg, 'watchdog');
      const self = process.env['name'] ?? `${vault.role}-watchdog`;
      const round = async () => {
        const pm2 = await connectPm2();
        try {
          return await runWatchdogOnce({
            pm2,
            vault,
            stateDir: cfg.stateDir,
            logger,
            self,
            staleAfterMs: opts.staleAfter * 1000,
            alertAfter: opts.alertAfter,
            alertWindowMs: 3_600_000,
          });
        } finally {
          await pm2.close();
        }
      };
      if (opts.once) return say(JSON.stringify(await round()));
      await runEvery(opts.interval * 1000, async () => void (await round()), { signal: stopSignal(), logger });
    });
}
