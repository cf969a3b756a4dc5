import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import type { CallRecord } from './call-log.js';
import { Chaos, type Injection } from './chaos.js';
import type { ServerContext } from './context.js';
import { send, sendHtmlNotFound } from './http-util.js';
import { handleJson2 } from './json2.js';
import { resolveStandinOptions, type StandinOptions } from './options.js';
import { buildRegistry } from './registry.js';
import { SEED_IDS, seedStoreData } from './seed.js';
import { loadStoreFile, saveStoreFile, Store, type Rec } from './store.js';
import { handleHealth, handleVersion } from './web-routes.js';
import { handleXmlRpc } from './xmlrpc-routes.js';

/** A running stand-in: where it listens, who may call it, what reached it, and the runtime switches. */
export interface RunningOdooStandin {
  url: string;
  db: string;
  login: string;
  apiKey: string;
  /** Every API call that reached the stand-in, in order (live array). */
  calls: CallRecord[];
  /** Adds latency, 500s or dropped connections for the next N calls, a ratio, or all calls. */
  inject(injection: Injection): void;
  clearInjections(): void;
  /** False makes `/web/health?db_server_status=1` answer 500 fail. */
  setDatabaseUp(up: boolean): void;
  /** False makes the stand-in behave like Odoo 18 (no JSON-2, `/json/version` 404). */
  setJsonApi(enabled: boolean): void;
  /** A copy of the stored records of a model, for assertions. */
  records(model: string): Rec[];
  close(): Promise<void>;
}

export async function startOdooStandin(options: StandinOptions = {}): Promise<RunningOdooStandin> {
  const o = resolveStandinOptions(options);
  const logger = (o.logger ?? pino({ level: 'silent' })).child({ component: 'odoo-standin' });
  const store = new Store((o.stateFile ? loadStoreFile(o.stateFile) : undefined) ?? seedStoreData(o.login));
  const keys = new Set([o.apiKey, ...o.extraApiKeys]);
  const noAccountingKeys = new Set(o.noAccountingApiKeys);
  const calls: CallRecord[] = [];
  const chaos = new Chaos(o.random);
  const pending = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  let jsonApi = o.jsonApi;
  let databaseUp = true;
  let closed = false;

  const ctx: ServerContext = {
    registry: buildRegistry(),
    store,
    today: o.today,
    db: o.db,
    login: o.login,
    logger,
    uidForKey: (key) => (keys.has(key) ? SEED_IDS.botUser : noAccountingKeys.has(key) ? SEED_IDS.salesUser : undefined),
    record: (entry) => {
      const call: CallRecord = { seq: calls.length + 1, outcome: 'pending', ...entry };
      calls.push(call);
      return call;
    },
    gate: async (_req, res, call) => {
      const { latencyMs, failure } = chaos.draw(call);
      if (latencyMs > 0) {
        await new Promise<void>((resolve) => {
          const entry = { timer: setTimeout(() => (pending.delete(entry), resolve()), latencyMs), resolve };
          pending.add(entry);
        });
      }
      // Why: like Odoo, a call whose client gave up (timeout) still runs; only closing the stand-in stops it.
      if (closed) return false;
      if (failure === 'drop') {
        call.outcome = 'dropped';
        // Why: destroying the socket without a response is what a crashed worker or a proxy reset looks like.
        res.socket?.destroy();
        return false;
      }
      if (failure === 'error500') {
        call.outcome = 'error500';
        send(res, 500, 'text/html; charset=utf-8', '<html><body><h1>500 Internal Server Error</h1></body></html>');
        return false;
      }
      return true;
    },
    persist: () => {
      if (o.stateFile) saveStoreFile(o.stateFile, store.snapshot());
    },
    jsonApi: () => jsonApi,
    databaseUp: () => databaseUp,
    serverVersion: () =>
      jsonApi
        ? { version: '19.0', versionInfo: [19, 0, 0, 'final', 0, ''] }
        : { version: '18.0', versionInfo: [18, 0, 0, 'final', 0, ''] },
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://standin').pathname;
    if (path === '/json/2' || path.startsWith('/json/2/')) {
      if (jsonApi) return handleJson2(ctx, req, res, path);
      return sendHtmlNotFound(res);
    }
    if (path === '/json/version' || path === '/web/version') return handleVersion(ctx, res);
    if (path === '/web/health') return handleHealth(ctx, req, res);
    if (req.method === 'POST' && path === '/xmlrpc/2/common') return handleXmlRpc(ctx, req, res, 'common');
    if (req.method === 'POST' && path === '/xmlrpc/2/object') return handleXmlRpc(ctx, req, res, 'object');
    sendHtmlNotFound(res);
  };

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      logger.error({ err }, 'odoo stand-in route failed');
      send(res, 500, 'text/plain; charset=utf-8', 'internal server error');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  logger.debug({ port }, 'odoo stand-in listening');

  return {
    url: `http://${host}:${port}`,
    db: o.db,
    login: o.login,
    apiKey: o.apiKey,
    calls,
    inject: (injection) => chaos.add(injection),
    clearInjections: () => chaos.clear(),
    setDatabaseUp: (up) => {
      databaseUp = up;
    },
    setJsonApi: (enabled) => {
      jsonApi = enabled;
    },
    records: (model) => structuredClone(store.all(model)),
    close: async () => {
      closed = true;
      for (const entry of pending) {
        clearTimeout(entry.timer);
        entry.resolve();
      }
      pending.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
