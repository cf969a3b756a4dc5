import { Option, type Command } from 'commander';
import type { Config } from '../../config.js';
import { writeHeartbeat } from '../../daemons/heartbeat.js';
import { runEvery, stopSignal } from '../../daemons/loop.js';
import { missingOdooSettings, odooFromConfig, openVaultFromConfig, requireOdoo } from '../context.js';
import { say, warn } from '../print.js';
import { endUnconfigured } from '../unconfigured.js';

const seconds = (v: string) => Number(v);

/** Ends a daemon that needs Odoo when none is configured (exit 78, recorded for `status`); else returns. */
async function unlessOdooConfigured(cfg: Config, name: string, label: string, what: string, once = false) {
  const missing = missingOdooSettings(cfg);
  if (missing.length === 0) return;
  await endUnconfigured(
    cfg.stateDir,
    { name, label, reason: `no Odoo connection (set ${missing.join(', ')}); ${what}.`, missing },
    { record: !once },
  );
}

export function registerOdooCommands(program: Command, config: () => Config, worker: Command, sandbox: Command): void {
  sandbox
    .command('odoo')
    .description('run the Odoo stand-in alone and print its URL, database, login and API key')
    .addOption(new Option('--port <n>', 'port (default: any free port)').argParser(Number))
    .option('--state <file>', 'keep its database in this JSON file')
    .action(async (opts: { port?: number; state?: string }) => {
      // Dynamic imports here and below: each command loads only what it runs (start-up time of every process).
      const { formatOdooSandboxInfo, runOdooSandboxCommand } = await import('../../sandbox/odoo/index.js');
      const info = await runOdooSandboxCommand({ port: opts.port ?? 0, stateFile: opts.state });
      say('Odoo stand-in running. Use it with:');
      say(formatOdooSandboxInfo(info));
      await new Promise<void>((resolve) => stopSignal().addEventListener('abort', () => resolve()));
      await info.close();
    });

  worker
    .command('odoo')
    .description('cloud: turn ODOO_DRAFT_INVOICE_* tasks into draft invoices and approval requests')
    .option('--once', 'one pass over the queue, then exit')
    .addOption(new Option('--interval <s>', 'seconds between passes').default(15).argParser(seconds))
    .action(async (opts: { once?: boolean; interval: number }) => {
      const cfg = config();
      await unlessOdooConfigured(cfg, 'cloud-odoo-mcp', 'odoo worker', 'no draft invoices are made', opts.once);
      const { runOdooWorkerOnce } = await import('../../daemons/workers/odoo-worker.js');
      const { vault, logger } = await openVaultFromConfig(cfg, 'cloud-odoo-mcp');
      const odoo = requireOdoo(await odooFromConfig(cfg, vault.policy, logger));
      const pass = async () => {
        const report = await runOdooWorkerOnce(vault, odoo);
        await writeHeartbeat(cfg.stateDir, {
          name: 'cloud-odoo-mcp',
          at: new Date().toISOString(),
          ok: report.released === 0,
          detail: { ...report },
        });
        if (report.drafted + report.failed + report.released > 0) logger.info(report, 'odoo worker pass');
        return report;
      };
      if (opts.once) return say(JSON.stringify(await pass()));
      await runEvery(opts.interval * 1000, async () => void (await pass()), { signal: stopSignal(), logger });
    });

  const health = program.command('health').description('health checks of the services we depend on');
  health
    .command('odoo')
    .description("check Odoo's /web/health (exit 1 when unhealthy); --watch keeps checking, alerts after N failures")
    .option('--watch', 'check on a schedule (PM2 app cloud-odoo-health)')
    .addOption(new Option('--interval <s>', 'seconds between checks').default(60).argParser(seconds))
    .addOption(new Option('--failures <n>', 'failed checks in a row before an alert').default(3).argParser(Number))
    .action(async (opts: { watch?: boolean; interval: number; failures: number }) => {
      const cfg = config();
      const { ODOO_HEALTH_APP, OdooHealthMonitor, checkOdooHealth } = await import('../../daemons/odoo-health.js');
      if (!opts.watch) {
        // One-shot use needs no role: it only reads /web/health (e.g. from a cron job or the setup script).
        const { loadPolicy } = await import('../../core/policy/policy.js');
        const { silentLogger } = await import('../../core/log.js');
        const policy = await loadPolicy(cfg.role ?? 'cloud', { dir: cfg.policyDir, draftOnly: true });
        const result = await checkOdooHealth(requireOdoo(await odooFromConfig(cfg, policy, silentLogger())));
        (result.ok ? say : warn)(result.detail);
        process.exitCode = result.ok ? 0 : 1;
        return;
      }
      await unlessOdooConfigured(cfg, ODOO_HEALTH_APP, 'odoo health', 'nothing to check');
      const { vault, logger } = await openVaultFromConfig(cfg, ODOO_HEALTH_APP);
      const monitor = new OdooHealthMonitor({
        odoo: requireOdoo(await odooFromConfig(cfg, vault.policy, logger)),
        vault,
        stateDir: cfg.stateDir,
        logger,
        failuresBeforeAlert: opts.failures,
      });
      await runEvery(opts.interval * 1000, async () => void (await monitor.tick()), { signal: stopSignal(), logger });
    });
}
