import { Option, type Command } from 'commander';
import type { Config } from '../../config.js';
import { stopSignal } from '../../daemons/loop.js';
import { WATCHER_NAMES, type WatcherName } from '../../daemons/watchers/types.js';
import { openVaultFromConfig } from '../context.js';
import { say } from '../print.js';
import { endUnconfigured } from '../unconfigured.js';

const STANDINS = ['gmail', 'x', 'graph'] as const;

export function registerWatchCommands(program: Command, config: () => Config, sandbox: Command): void {
  program
    .command('watch')
    .description(
      'cloud: turn new mail, mentions, comments and dropped files into Needs_Action/ tasks (PM2 apps cloud-<name>-watcher)',
    )
    .addArgument(program.createArgument('<name>', 'which watcher').choices(WATCHER_NAMES))
    .option('--once', 'one poll, print what it did, exit')
    .action(async (name: WatcherName, opts: { once?: boolean }) => {
      const cfg = config();
      // Loaded here: the Gmail and X libraries cost start-up time in every other command.
      const { missingCredentials, sourceFromConfig } = await import('../../daemons/watchers/from-config.js');
      // Why before anything else (even the vault): a watcher without credentials has nothing to do, and ends
      // with exit 78, which PM2 does not restart (src/cli/unconfigured.ts).
      const unconfigured = (missing: string[]) =>
        endUnconfigured(
          cfg.stateDir,
          {
            name: `cloud-${name}-watcher`,
            label: `${name} watcher`,
            reason: `no credentials (set ${missing.join(', ')}); not watching.`,
            missing,
          },
          { record: !opts.once },
        );
      const missing = missingCredentials(name, cfg.watch);
      if (missing.length > 0) return unconfigured(missing);
      const { vault, logger } = await openVaultFromConfig(cfg, `cloud-${name}-watcher`);
      const setup = sourceFromConfig(name, cfg.watch, { logger, ctx: vault.ctx });
      if (!setup.ok) return unconfigured(setup.missing);
      // Loaded here: the provider libraries cost start-up time in every other command.
      const { WatcherRunner } = await import('../../daemons/watchers/runner.js');
      const { runWatcherDaemon } = await import('../../daemons/watchers/schedule.js');
      const runner = new WatcherRunner({
        source: setup.source,
        vault,
        stateDir: cfg.stateDir,
        logger,
        credentials: setup.credentials,
        seenMax: cfg.watch.seenMax,
        backoff: { baseMs: cfg.watch.backoff.baseSeconds * 1000, maxMs: cfg.watch.backoff.maxSeconds * 1000 },
        authPauseMs: cfg.watch.authPauseMinutes * 60_000,
      });
      if (opts.once) return say(JSON.stringify(await runner.tick()));
      await runWatcherDaemon(runner, {
        schedule: cfg.watch.schedules[name],
        signal: stopSignal(),
        logger,
        watchFolder: name === 'inbox' ? `${vault.root}/Inbox` : undefined,
      });
    });

  for (const which of STANDINS)
    sandbox
      .command(which)
      .description(`run the ${which} stand-in alone and print its URL and fake credentials`)
      .addOption(new Option('--port <n>', 'port (default: any free port)').argParser(Number))
      .addOption(new Option('--seed <n>', 'sample items to start with').default(3).argParser(Number))
      .action(async (opts: { port?: number; seed: number }) => {
        const args = { port: opts.port ?? 0, seed: opts.seed };
        let env: string[];
        let close: () => Promise<void>;
        if (which === 'gmail') {
          const { runGmailSandbox, gmailSandboxEnv } = await import('../../sandbox/gmail/index.js');
          const s = await runGmailSandbox(args);
          [env, close] = [gmailSandboxEnv(s), s.close];
        } else if (which === 'x') {
          const { runXSandbox, xSandboxEnv } = await import('../../sandbox/x/index.js');
          const s = await runXSandbox(args);
          [env, close] = [xSandboxEnv(s), s.close];
        } else {
          const { runGraphSandbox, graphSandboxEnv } = await import('../../sandbox/graph/index.js');
          const s = await runGraphSandbox(args);
          [env, close] = [graphSandboxEnv(s), s.close];
        }
        say(`${which} stand-in running at ${env[0]?.split('=')[1] ?? ''}. Use it with:`);
        for (const line of env) say(line);
        await new Promise<void>((resolve) => stopSignal().addEventListener('abort', () => resolve()));
        await close();
      });
}
