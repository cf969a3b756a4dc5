import { Option, type Command } from 'commander';
import type { Config } from '../../config.js';
import { writeHeartbeat } from '../../daemons/heartbeat.js';
import { runEvery, stopSignal } from '../../daemons/loop.js';
import { openVaultFromConfig } from '../context.js';
import { say } from '../print.js';

export function registerDraftCommands(config: () => Config, worker: Command): void {
  worker
    .command('draft')
    .description(
      'cloud: turn watched mail and social items into drafts and approval requests (DRAFT_COMMAND, else a template)',
    )
    .option('--once', 'one pass over the queue, then exit')
    .addOption(new Option('--interval <s>', 'seconds between passes').default(10).argParser(Number))
    .action(async (opts: { once?: boolean; interval: number }) => {
      const cfg = config();
      const { runDraftWorkerOnce } = await import('../../daemons/workers/draft-worker.js');
      const { commandDrafter, templateDrafter } = await import('../../daemons/workers/drafting.js');
      const { vault, logger } = await openVaultFromConfig(cfg, 'cloud-draft-worker');
      const drafter = cfg.drafting.command
        ? commandDrafter(cfg.drafting.command, cfg.drafting.timeoutMs)
        : templateDrafter();
      if (!cfg.drafting.command) logger.warn('DRAFT_COMMAND is not set: drafts are plain templates that say so');
      const pass = async () => {
        const report = await runDraftWorkerOnce(vault, drafter);
        await writeHeartbeat(cfg.stateDir, {
          name: 'cloud-draft-worker',
          at: new Date().toISOString(),
          ok: true,
          detail: { ...report },
        });
        if (report.drafted + report.noted + report.released + report.failed > 0)
          logger.info(report, 'draft worker pass');
        return report;
      };
      if (opts.once) return say(JSON.stringify(await pass()));
      await runEvery(opts.interval * 1000, async () => void (await pass()), { signal: stopSignal(), logger });
    });
}
