import { startGmailStandin, type GmailStandin } from '../../sandbox/gmail/server.js';
import { graphEnv } from '../../sandbox/graph/index.js';
import { startGraphStandin, type GraphStandin } from '../../sandbox/graph/server.js';
import { startOdooStandin, type RunningOdooStandin } from '../../sandbox/odoo/index.js';
import { startXStandin, type XStandin } from '../../sandbox/x/server.js';

export interface Standins {
  gmail: GmailStandin;
  x: XStandin;
  graph: GraphStandin;
  odoo: RunningOdooStandin;
  close(): Promise<void>;
}

/** Every external service of the product, as local stand-ins on 127.0.0.1 (fake credentials, real wire formats). */
export async function startStandins(): Promise<Standins> {
  const [gmail, x, graph, odoo] = await Promise.all([
    startGmailStandin(),
    startXStandin(),
    startGraphStandin(),
    startOdooStandin(),
  ]);
  return {
    gmail,
    x,
    graph,
    odoo,
    close: async () => {
      await Promise.all([gmail.close(), x.close(), graph.close(), odoo.close()]);
    },
  };
}

/** The environment that points every client at the stand-ins (what a real deployment gets from its env file). */
export function standinEnv(s: Standins): Record<string, string> {
  return {
    GMAIL_API_URL: s.gmail.url,
    GMAIL_TOKEN_URL: s.gmail.tokenUrl,
    GMAIL_CLIENT_ID: s.gmail.credentials.clientId,
    GMAIL_CLIENT_SECRET: s.gmail.credentials.clientSecret,
    GMAIL_REFRESH_TOKEN: s.gmail.credentials.refreshToken,
    X_API_URL: s.x.url,
    X_BEARER_TOKEN: s.x.credentials.bearerToken,
    X_API_KEY: s.x.credentials.appKey,
    X_API_SECRET: s.x.credentials.appSecret,
    X_ACCESS_TOKEN: s.x.credentials.accessToken,
    X_ACCESS_SECRET: s.x.credentials.accessSecret,
    X_USER_ID: s.x.me.id,
    ...graphEnv(s.graph),
    ODOO_URL: s.odoo.url,
    ODOO_DB: s.odoo.db,
    ODOO_LOGIN: s.odoo.login,
    ODOO_API_KEY: s.odoo.apiKey,
  };
}
