import { Option, type Command } from 'commander';
import os from 'node:os';
import type { Config } from '../../config.js';
import type { Pm2Api } from '../local/pm2-stack.js';
import { say, warn } from '../print.js';

/**
 * `ai-employee local start|stop|status|startup-command`: the owner's side under PM2 through its API, on
 * Windows, macOS and Linux alike (no bash). The app definitions stay in scripts/pm2-apps.cjs.
 */
export function registerLocalCommands(program: Command, config: () => Config): void {
  const local = program
    .command('local')
    .description("the owner's laptop: start, stop and check the local apps under PM2 (Windows, macOS, Linux)");
  const vaultOption = () => program.opts<{ vault?: string }>().vault;

  local
    .command('start')
    .description('read the env file, run the security guard, start the local apps under PM2 and save the list')
    .option('--restart', 'restart the apps that already run (to take a changed env file)')
    .action(async (opts: { restart?: boolean }) => {
      const { applyLocalEnvFile, guardBeforeStart, pinLocalPaths } = await import('../local/prepare.js');
      const { loadLocalApps, packageRoot } = await import('../local/apps.js');
      const root = packageRoot();
      const envFile = await applyLocalEnvFile();
      say(
        envFile.count === undefined
          ? `env file: none at ${envFile.file}; using this shell's environment`
          : `env file: ${envFile.file} (${envFile.count} variable${envFile.count === 1 ? '' : 's'})`,
      );
      for (const w of envFile.warnings) warn(`warning: ${w}`);
      pinLocalPaths(root, vaultOption(), envFile.file);
      const { apps } = loadLocalApps(root);
      const cfg = config();
      say(await guardBeforeStart(cfg));
      await withPm2(async (pm2, home) => {
        const { appStatuses, startApps } = await import('../local/pm2-stack.js');
        const actions = await startApps(pm2, apps, { restart: opts.restart });
        const statuses = appStatuses(
          apps.map((a) => a.name),
          await pm2.list(),
          Date.now(),
        );
        for (const a of actions) {
          const s = statuses.find((x) => x.name === a.name);
          const was = a.was ? ` (was ${a.was})` : '';
          say(
            `${a.name.padEnd(18)} ${`${a.action}${was}`.padEnd(28)} ${s?.status ?? '?'}${s?.pid ? `  pid ${s.pid}` : ''}`,
          );
        }
        say(`Saved the PM2 list in ${home}: \`pm2 resurrect\` and \`pm2 startup\` bring these apps back.`);
      });
    });

  local
    .command('stop')
    .description('stop the local apps and remove them from PM2 (other PM2 apps are left alone)')
    .action(async () => {
      const { applyLocalEnvFile } = await import('../local/prepare.js');
      const { localAppNames, packageRoot } = await import('../local/apps.js');
      const names = localAppNames(packageRoot());
      await applyLocalEnvFile();
      const { pm2Home } = await import('../../daemons/status/pm2.js');
      const { pm2DaemonRunning } = await import('../local/pm2-stack.js');
      if (!(await pm2DaemonRunning(pm2Home()))) return say(`PM2 is not running (${pm2Home()}): nothing to stop.`);
      await withPm2(async (pm2) => {
        const { stopApps } = await import('../local/pm2-stack.js');
        const done = await stopApps(pm2, names);
        for (const d of done) say(`${d.name.padEnd(18)} ${d.action}`);
        const stopped = done.filter((d) => d.action === 'stopped').length;
        say(
          stopped ? `Stopped ${stopped} local app(s); the saved PM2 list no longer has them.` : 'Nothing was running.',
        );
      });
    });

  local
    .command('status')
    .description('the local apps under PM2: status, restarts, uptime; exit 1 when one is not online')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { applyLocalEnvFile } = await import('../local/prepare.js');
      const { localAppNames, packageRoot } = await import('../local/apps.js');
      const names = localAppNames(packageRoot());
      await applyLocalEnvFile();
      const { pm2Home } = await import('../../daemons/status/pm2.js');
      const { appStatuses, pm2DaemonRunning } = await import('../local/pm2-stack.js');
      const home = pm2Home();
      const running = await pm2DaemonRunning(home);
      const rows = running ? await withPm2((pm2) => pm2.list()) : [];
      // An app that stopped itself for want of settings (git sync without a remote) is not down: it says why.
      const { readNotConfigured } = await import('../../daemons/heartbeat.js');
      const unconfigured = new Map((await readNotConfigured(config().stateDir)).map((r) => [r.name, r.reason]));
      const apps = appStatuses(names, rows, Date.now()).map((a) =>
        a.status === 'stopped' && unconfigured.has(a.name)
          ? { ...a, status: 'not configured', reason: unconfigured.get(a.name) }
          : a,
      );
      const ok = apps.every((a) => a.status === 'online' || a.status === 'not configured');
      if (!ok) process.exitCode = 1;
      if (opts.json) return say(JSON.stringify({ pm2_home: home, pm2_running: running, ok, apps }, null, 2));
      if (!running) say(`PM2 is not running (${home}); start the local side with \`ai-employee local start\`.`);
      say(`${'app'.padEnd(18)} ${'status'.padEnd(12)} ${'pid'.padEnd(8)} ${'restarts'.padEnd(9)} uptime`);
      for (const a of apps)
        say(
          `${a.name.padEnd(18)} ${a.status.padEnd(12)} ${String(a.pid ?? '-').padEnd(8)} ${String(a.restarts).padEnd(9)} ${uptime(a.uptime_seconds)}${a.reason ? `  ${a.reason}` : ''}`,
        );
    });

  local
    .command('startup-command')
    .description('print the commands that start the local side at login on this OS (prints only; runs nothing)')
    .addOption(
      new Option('--platform <os>', 'the OS to print for')
        .choices(['linux', 'darwin', 'win32'])
        .default(process.platform),
    )
    .action(async (opts: { platform: NodeJS.Platform }) => {
      const { packageRoot, pm2Version } = await import('../local/apps.js');
      const { formatStartupPlan, startupPlan } = await import('../local/startup.js');
      const root = packageRoot();
      say(
        formatStartupPlan(
          startupPlan({
            platform: opts.platform,
            root,
            nodePath: process.execPath,
            user: os.userInfo().username,
            home: os.homedir(),
            pm2Version: pm2Version(root),
          }),
        ),
      );
    });
}

/** Runs `fn` connected to PM2 and always disconnects (the API keeps a socket open that would hold the process). */
async function withPm2<T>(fn: (pm2: Pm2Api, home: string) => Promise<T>): Promise<T> {
  const { pm2Home } = await import('../../daemons/status/pm2.js');
  const { connectPm2Api } = await import('../local/pm2-stack.js');
  const home = pm2Home();
  const pm2 = await connectPm2Api(home);
  try {
    return await fn(pm2, home);
  } finally {
    pm2.close();
  }
}

function uptime(seconds: number | null): string {
  if (seconds === null) return '-';
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return d ? `${d}d ${h}h` : h ? `${h}h ${m}m` : `${m}m ${seconds % 60}s`;
}
