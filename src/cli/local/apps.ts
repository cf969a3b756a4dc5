import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../../core/errors.js';

/** One PM2 app definition of scripts/pm2-apps.cjs (the fields this side reads; PM2 gets the whole object). */
export interface AppDefinition {
  name: string;
  script: string;
  args: string;
  env: Record<string, string>;
  [key: string]: unknown;
}

const APPS_FILE = path.join('scripts', 'pm2-apps.cjs');

/**
 * The checkout this module belongs to: the nearest folder above it that holds scripts/pm2-apps.cjs.
 * Why a search and not a fixed `../../..`: this file runs from src/cli/local (tsx) and dist/src/cli/local (build),
 * and the checkout itself may be named anything, `dist` included. fileURLToPath, never URL.pathname, which is
 * percent-encoded (`Mi%20Empresa`) and on Windows starts with a slash before the drive letter.
 */
export function packageRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, APPS_FILE))) return dir;
    if (path.dirname(dir) === dir)
      throw new AppError('not_found', `${APPS_FILE} was not found above ${from}; reinstall the checkout.`);
  }
}

/**
 * The local apps of ecosystem.local.cjs, from the one place that defines them. Call it after the env file is
 * applied: the definitions read AI_EMPLOYEE_LOG_DIR and the variables they pass through from process.env.
 */
export function loadLocalApps(root: string): { apps: AppDefinition[]; cli: string } {
  const require = createRequire(import.meta.url);
  const mod = require(path.join(root, APPS_FILE)) as { localApps: () => AppDefinition[]; CLI: string };
  if (!existsSync(mod.CLI))
    throw new AppError('not_found', `${mod.CLI} is missing: run \`npm run build\` in ${root}, then start again.`);
  return { apps: mod.localApps().map(relativeScript), cli: mod.CLI };
}

/**
 * The app's script relative to its cwd (the checkout). Why: PM2 (Common.verifyConfs) takes any `script` with a
 * space in it for a shell command line and runs `bash -c <script>` instead, on every OS but Windows, so a checkout
 * under `Mi Empresa/` crash-looped every app. PM2 resolves the relative path against `cwd` itself, as a path.
 */
function relativeScript(app: AppDefinition): AppDefinition {
  const cwd = typeof app['cwd'] === 'string' ? app['cwd'] : undefined;
  return cwd && path.isAbsolute(app.script) ? { ...app, script: path.relative(cwd, app.script) } : app;
}

/** The names of the local apps, without the build check (stop and status work on a checkout not yet built). */
export function localAppNames(root: string): string[] {
  const require = createRequire(import.meta.url);
  const mod = require(path.join(root, APPS_FILE)) as { localApps: () => AppDefinition[] };
  return mod.localApps().map((a) => a.name);
}

/** The version of the checkout's pm2 (for a global install of the same version). */
export function pm2Version(root: string): string {
  try {
    const pkg = JSON.parse(readFileSync(path.join(root, 'node_modules', 'pm2', 'package.json'), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'latest';
  } catch {
    return 'latest';
  }
}
