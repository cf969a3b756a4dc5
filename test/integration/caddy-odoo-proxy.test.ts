/**
 * docker/Caddyfile with the real `caddy` binary (Debian package; .ci/system-deps installs it):
 * - `caddy validate` accepts it with the production variables, and it refuses to load without them;
 * - the adapted config sends /websocket to 8072, the rest to 8069, and answers /web/database/* itself;
 * - a real run on loopback with Caddy's local CA (`local_certs`, i.e. `tls internal`) in front of the Odoo
 *   stand-in: `ai-employee health odoo` over HTTPS passes when it trusts that CA (NODE_EXTRA_CA_CERTS) and
 *   fails when it does not, /websocket (plain and upgraded) reaches the second upstream, and the database
 *   manager is refused before it reaches Odoo.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import https from 'node:https';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startOdooStandin, type RunningOdooStandin } from '../../src/sandbox/odoo/index.js';
import { CADDYFILE, httpsGet, startLoopbackCaddy, type RunningCaddy } from '../helpers/deploy-caddy.js';
import { CLI, REPO, run, which } from '../helpers/deploy-tools.js';

const skip = which('caddy') ? false : 'caddy is not on PATH (install the Debian package caddy; .ci/system-deps does)';

async function caddyWithEnv(args: string[], env: NodeJS.ProcessEnv) {
  const home = await mkdtemp(path.join(os.tmpdir(), 'aie-caddy-validate-'));
  try {
    return await run('caddy', [...args, '--adapter', 'caddyfile', '--config', CADDYFILE], {
      env: { PATH: process.env.PATH, HOME: home, XDG_DATA_HOME: path.join(home, 'data'), ...env },
      cwd: home,
      timeoutMs: 30_000,
    });
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

const PRODUCTION_ENV = { ODOO_DOMAIN: 'odoo.example.com', ODOO_EMAIL: 'ops@example.com' };

describe('docker/Caddyfile: caddy validate and adapt', { skip }, () => {
  test('caddy validate accepts the Caddyfile with ODOO_DOMAIN and ODOO_EMAIL set', async () => {
    const r = await caddyWithEnv(['validate'], PRODUCTION_ENV);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout + r.stderr, /Valid configuration/);
  });

  test('caddy refuses the Caddyfile without ODOO_DOMAIN or without ODOO_EMAIL', async () => {
    for (const missing of ['ODOO_DOMAIN', 'ODOO_EMAIL'] as const) {
      const env: Record<string, string> = { ...PRODUCTION_ENV };
      delete env[missing];
      const r = await caddyWithEnv(['validate'], env);
      assert.notEqual(r.code, 0, `must not load without ${missing}`);
    }
  });

  test('production routes: automatic HTTPS on 443 for the domain, /websocket -> odoo:8072, rest -> odoo:8069', async () => {
    const r = await caddyWithEnv(['adapt'], PRODUCTION_ENV);
    assert.equal(r.code, 0, r.stderr);
    const json = r.stdout;
    const config = JSON.parse(json) as {
      apps: { http: { http_port?: number; https_port?: number; servers: Record<string, { listen: string[] }> } };
    };
    assert.equal(config.apps.http.http_port, 80);
    assert.equal(config.apps.http.https_port, 443);
    assert.deepEqual(Object.values(config.apps.http.servers)[0]?.listen, [':443']);
    assert.match(json, /"host":\["odoo\.example\.com"\]/);
    assert.match(json, /"dial":"odoo:8072"/);
    assert.match(json, /"dial":"odoo:8069"/);
    assert.match(json, /"path":\["\/websocket\*"\]/);
    assert.match(json, /"\/web\/database\/\*"/);
    assert.match(json, /"status_code":403/);
    // No internal CA in production: certificates come from a public ACME CA.
    assert.doesNotMatch(json, /"module":"internal"/);
  });
});

describe('docker/Caddyfile: Caddy with its local CA on loopback in front of the Odoo stand-in', { skip }, () => {
  let standin: RunningOdooStandin | undefined;
  let gevent: Server | undefined;
  let caddy: RunningCaddy | undefined;
  const geventSeen: { url: string; upgrade: string | undefined; forwardedProto: string | undefined }[] = [];

  before(async () => {
    standin = await startOdooStandin({ port: 0 });
    // Stands in for Odoo's gevent process (port 8072): answers plain requests and websocket upgrades.
    gevent = createServer((req, res) => {
      record(req);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('gevent upstream');
    });
    gevent.on('upgrade', (req: IncomingMessage, socket) => {
      record(req);
      socket.end('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    });
    const record = (req: IncomingMessage) =>
      geventSeen.push({
        url: req.url ?? '',
        upgrade: req.headers.upgrade,
        forwardedProto: req.headers['x-forwarded-proto'] as string | undefined,
      });
    await new Promise<void>((resolve) => gevent!.listen(0, '127.0.0.1', resolve));
    const geventPort = (gevent.address() as AddressInfo).port;
    caddy = await startLoopbackCaddy({
      upstream: new URL(standin.url).host,
      websocketUpstream: `127.0.0.1:${geventPort}`,
    });
  });

  after(async () => {
    // Each step on its own, so one failure cannot leave Caddy or a server running.
    await caddy?.stop().catch(() => undefined);
    await standin?.close().catch(() => undefined);
    if (gevent) await new Promise<void>((resolve) => gevent!.close(() => resolve()));
  });

  const cliEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: os.tmpdir(),
    ODOO_URL: caddy!.httpsUrl,
    ODOO_DB: standin!.db,
    ODOO_LOGIN: standin!.login,
    ODOO_API_KEY: standin!.apiKey,
    ODOO_TIMEOUT_MS: '5000',
    LOG_LEVEL: 'silent',
    ...extra,
  });

  test('`ai-employee health odoo` over HTTPS passes when it trusts Caddy’s local CA', async () => {
    const r = await run('node', [CLI, 'health', 'odoo'], {
      env: cliEnv({ NODE_EXTRA_CA_CERTS: caddy!.rootCertPath }),
      timeoutMs: 30_000,
    });
    assert.equal(r.code, 0, `stdout: ${r.stdout}\nstderr: ${r.stderr}\ncaddy: ${caddy!.log().slice(-2000)}`);
    assert.match(r.stdout + r.stderr, /healthy/);
  });

  test('scripts/cloud/odoo_health_monitor.sh runs the same check and passes its exit status through', async () => {
    const script = path.join(REPO, 'scripts/cloud/odoo_health_monitor.sh');
    const ok = await run('bash', [script], {
      env: cliEnv({ NODE_EXTRA_CA_CERTS: caddy!.rootCertPath }),
      timeoutMs: 30_000,
    });
    assert.equal(ok.code, 0, ok.stderr);
    // The database behind Odoo goes down: /web/health?db_server_status=1 fails through the proxy.
    standin!.setDatabaseUp(false);
    try {
      const down = await run('bash', [script], {
        env: cliEnv({ NODE_EXTRA_CA_CERTS: caddy!.rootCertPath }),
        timeoutMs: 30_000,
      });
      assert.equal(down.code, 1, down.stdout + down.stderr);
      assert.match(down.stdout + down.stderr, /database down/);
    } finally {
      standin!.setDatabaseUp(true);
    }
  });

  test('without trusting the local CA the health check fails (TLS is really verified)', async () => {
    const r = await run('node', [CLI, 'health', 'odoo'], { env: cliEnv(), timeoutMs: 30_000 });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /unreachable/);
  });

  test('/websocket reaches the second upstream, as plain HTTP and as a websocket upgrade', async () => {
    const before = geventSeen.length;
    const plain = await httpsGet(`${caddy!.httpsUrl}/websocket?version=19`, caddy!.rootCert);
    assert.equal(plain.status, 200);
    assert.equal(plain.body, 'gevent upstream');

    const upgraded = await new Promise<number>((resolve, reject) => {
      const req = https.request(`${caddy!.httpsUrl}/websocket`, {
        ca: caddy!.rootCert,
        headers: {
          Connection: 'Upgrade',
          Upgrade: 'websocket',
          'Sec-WebSocket-Version': '13',
          'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        },
        timeout: 5_000,
      });
      req.on('upgrade', (res, socket) => {
        socket.destroy();
        resolve(res.statusCode ?? 0);
      });
      req.on('response', (res) => reject(new Error(`no upgrade: HTTP ${res.statusCode}`)));
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end();
    });
    assert.equal(upgraded, 101);

    const seen = geventSeen.slice(before);
    assert.deepEqual(
      seen.map((s) => [s.url, s.upgrade, s.forwardedProto]),
      [
        ['/websocket?version=19', undefined, 'https'],
        ['/websocket', 'websocket', 'https'],
      ],
    );
    // The rest of the site is Odoo's HTTP port, not the gevent one.
    const version = await httpsGet(`${caddy!.httpsUrl}/json/version`, caddy!.rootCert);
    assert.equal(version.status, 200);
    assert.match(version.body, /version_info/);
    assert.equal(geventSeen.length, before + 2);
  });

  test('the database manager and the XML-RPC db service are refused by Caddy, never reaching Odoo', async () => {
    const callsBefore = standin!.calls.length;
    for (const p of ['/web/database/manager', '/web/database/selector', '/web/database/drop', '/xmlrpc/2/db']) {
      const r = await httpsGet(`${caddy!.httpsUrl}${p}`, caddy!.rootCert);
      assert.equal(r.status, 403, p);
      assert.match(r.body, /database manager is disabled/, p);
    }
    assert.equal(standin!.calls.length, callsBefore);
    // Ordinary XML-RPC still goes through to Odoo (the stand-in answers, not Caddy's 403).
    const common = await httpsGet(`${caddy!.httpsUrl}/xmlrpc/2/common`, caddy!.rootCert);
    assert.notEqual(common.status, 403);
  });

  test('plain HTTP redirects to HTTPS', async () => {
    const res = await fetch(`http://127.0.0.1:${caddy!.httpPort}/web/health`, { redirect: 'manual' });
    assert.ok([301, 302, 307, 308].includes(res.status), `status ${res.status}`);
    assert.match(res.headers.get('location') ?? '', /^https:\/\/127\.0\.0\.1/);
  });
});
