import type { Command } from 'commander';
import type { Config } from '../../config.js';
import { ownerDecides } from '../../core/actions/owner-decision.js';
import { writeHeartbeat } from '../../daemons/heartbeat.js';
import { runEvery, stopSignal } from '../../daemons/loop.js';
import { AppError } from '../../core/errors.js';
import { executorFor, odooFromConfig, openVaultFromConfig } from '../context.js';
import { say } from '../print.js';

export function registerExecutorCommands(program: Command, config: () => Config, worker: Command): void {
  worker
    .command('local-executor')
    .description('local: act on files the owner moves to Approved/ (and file those in Rejected/)')
    .option('--once', 'handle what is there now, then exit')
    .action(async (opts: { once?: boolean }) => {
      const cfg = config();
      const { vault, logger } = await openVaultFromConfig(cfg, 'local-executor');
      const { replyHandlersFromConfig } = await import('../replies.js');
      const executor = executorFor(
        vault,
        cfg,
        await odooFromConfig(cfg, vault.policy, logger),
        await replyHandlersFromConfig(cfg),
      );
      if (!executor)
        throw new AppError(
          'policy_denied',
          `The ${vault.role} role may not execute approvals; run the executor on the local machine (AGENT_ROLE=local).`,
        );
      // Loaded here: chokidar is only needed by this command.
      const { startLocalExecutor } = await import('../../daemons/workers/local-executor.js');
      const running = startLocalExecutor(executor, { logger });
      await running.ready;
      if (opts.once) return running.close();
      const signal = stopSignal();
      // Every 30 s: a heartbeat, and another look at Approved/ for replies deferred by the hourly limit.
      await runEvery(
        30_000,
        async () => {
          await writeHeartbeat(cfg.stateDir, { name: 'local-executor', at: new Date().toISOString(), ok: true });
          await running.rescan();
        },
        { signal, logger },
      );
      await running.close();
    });

  for (const decision of ['approve', 'reject'] as const) {
    program
      .command(`${decision} <file>`)
      .description(
        decision === 'approve'
          ? 'local: approve a request in Pending_Approval/ as it is now (re-hashes your own edits), moving it to Approved/'
          : 'local: reject a request in Pending_Approval/, moving it to Rejected/',
      )
      .action(async (file: string) => {
        const { vault } = await openVaultFromConfig(config(), `owner-${decision}`);
        // Why: a Windows shell completes `Pending_Approval\X.md`; a vault name never holds a backslash.
        const rel = file.replaceAll('\\', '/');
        say(`${decision === 'approve' ? 'Approved' : 'Rejected'}: ${await ownerDecides(vault.ctx, rel, decision)}`);
      });
  }
}
