import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';

/** How to start the Odoo stand-in. Every field has a default, so `startOdooStandin()` just works. */
export interface StandinOptions {
  /** Interface to listen on; default 127.0.0.1 (never 0.0.0.0 by default: the key is printed). */
  host?: string;
  /** Default 0: the OS picks a free port, so tests can run in parallel. */
  port?: number;
  db?: string;
  login?: string;
  /** Default: a random 40-hex-character key, like Odoo's. */
  apiKey?: string;
  /** More keys that also belong to the bot user (e.g. to test key rotation). */
  extraApiKeys?: string[];
  /** Keys of the seeded user without accounting rights (`SEED_IDS.salesUser`), to meet Odoo's AccessError. */
  noAccountingApiKeys?: string[];
  /** Load the database from this JSON file at start and save it (atomically) after each write. */
  stateFile?: string;
  /** False behaves like Odoo 18: no JSON-2, `/json/version` answers 404, XML-RPC reports 18.0. */
  jsonApi?: boolean;
  /** Today's date `YYYY-MM-DD` (invoice dates and numbers); default the real UTC date. */
  today?: () => string;
  /** Random source for ratio-based fault injection; default Math.random. */
  random?: () => number;
  logger?: Logger;
}

export interface ResolvedStandinOptions {
  host: string;
  port: number;
  db: string;
  login: string;
  apiKey: string;
  extraApiKeys: string[];
  noAccountingApiKeys: string[];
  stateFile: string | undefined;
  jsonApi: boolean;
  today: () => string;
  random: () => number;
  logger: Logger | undefined;
}

export function resolveStandinOptions(options: StandinOptions): ResolvedStandinOptions {
  return {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    db: options.db ?? 'ai_employee',
    login: options.login ?? 'bot@example.com',
    apiKey: options.apiKey ?? randomBytes(20).toString('hex'),
    extraApiKeys: options.extraApiKeys ?? [],
    noAccountingApiKeys: options.noAccountingApiKeys ?? [],
    stateFile: options.stateFile,
    jsonApi: options.jsonApi ?? true,
    today: options.today ?? (() => new Date().toISOString().slice(0, 10)),
    random: options.random ?? Math.random,
    logger: options.logger,
  };
}
