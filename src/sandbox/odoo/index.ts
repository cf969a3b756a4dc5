import type { Logger } from 'pino';
import { startOdooStandin, type RunningOdooStandin } from './server.js';

/**
 * The Odoo stand-in: a local HTTP server that speaks Odoo 19's JSON-2 and XML-RPC with Odoo's own faults
 * and invoice rules. Used by tests, `npm start` and the demo; production points ODOO_URL at a real Odoo.
 */
export { startOdooStandin, type RunningOdooStandin } from './server.js';
export type { StandinOptions } from './options.js';
export type { CallRecord } from './call-log.js';
export type { Injection } from './chaos.js';
export { SALES_USER_LOGIN, SEED_IDS } from './seed.js';

export interface OdooSandboxInfo {
  url: string;
  db: string;
  login: string;
  apiKey: string;
}

/**
 * Runs the stand-in alone (for `ai-employee sandbox odoo`): starts it and returns what to print. It keeps
 * serving until `close()` is called or the process exits; the CLI prints the info (stdout is the CLI's).
 */
export async function runOdooSandboxCommand(options: {
  port?: number;
  host?: string;
  db?: string;
  login?: string;
  apiKey?: string;
  stateFile?: string;
  logger?: Logger;
}): Promise<OdooSandboxInfo & { close(): Promise<void>; standin: RunningOdooStandin }> {
  const standin = await startOdooStandin({ ...options, port: options.port ?? 0 });
  options.logger?.info({ url: standin.url, db: standin.db, login: standin.login }, 'odoo stand-in running');
  return {
    url: standin.url,
    db: standin.db,
    login: standin.login,
    apiKey: standin.apiKey,
    standin,
    close: () => standin.close(),
  };
}

/** The lines a CLI prints for the running stand-in, ready to paste into an env file. */
export function formatOdooSandboxInfo(info: OdooSandboxInfo): string {
  return [`ODOO_URL=${info.url}`, `ODOO_DB=${info.db}`, `ODOO_LOGIN=${info.login}`, `ODOO_API_KEY=${info.apiKey}`].join(
    '\n',
  );
}
