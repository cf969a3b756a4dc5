/**
 * Runs the real `caddy` with the real docker/Caddyfile on loopback for the tests.
 *
 * The Caddyfile reads its domain, ports, upstreams and extra global options from the environment, so the
 * test changes only those: site 127.0.0.1, random high ports, upstreams on 127.0.0.1, and `local_certs`
 * (every certificate from Caddy's own CA, as `tls internal` does) instead of Let's Encrypt. Caddy's data
 * dir (and so its CA) lives in a temp folder through XDG_DATA_HOME/HOME; nothing is installed in a trust
 * store (`skip_install_trust`), the admin endpoint is off, and only TCP is used (no HTTP/3), so parallel
 * runs never share a port or a file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { DOCKER_DIR, freePort, pollUntil } from './deploy-tools.js';

export const CADDYFILE = path.join(DOCKER_DIR, 'Caddyfile');

export interface RunningCaddy {
  httpsUrl: string;
  httpPort: number;
  httpsPort: number;
  /** Caddy's local root certificate (PEM), to trust in clients. */
  rootCertPath: string;
  rootCert: string;
  /** Everything Caddy printed so far (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

/** Test-only global options: see the file comment. */
export const LOOPBACK_GLOBAL_OPTIONS = [
  'local_certs',
  'skip_install_trust',
  'admin off',
  'default_bind 127.0.0.1',
  'servers {',
  '\tprotocols h1 h2',
  '}',
].join('\n');

/** The environment the real Caddyfile needs, for loopback. */
export function loopbackCaddyEnv(opts: {
  home: string;
  httpPort: number;
  httpsPort: number;
  upstream: string;
  websocketUpstream: string;
}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: opts.home,
    XDG_DATA_HOME: path.join(opts.home, 'data'),
    XDG_CONFIG_HOME: path.join(opts.home, 'config'),
    ODOO_DOMAIN: '127.0.0.1',
    ODOO_EMAIL: 'ops@example.com',
    CADDY_HTTP_PORT: String(opts.httpPort),
    CADDY_HTTPS_PORT: String(opts.httpsPort),
    ODOO_UPSTREAM: opts.upstream,
    ODOO_WEBSOCKET_UPSTREAM: opts.websocketUpstream,
    CADDY_GLOBAL_OPTIONS: LOOPBACK_GLOBAL_OPTIONS,
  };
}

/** One HTTPS request trusting only `ca`; resolves with status, headers and body. */
export function httpsGet(
  url: string,
  ca: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca, headers, timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', reject);
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  // Caddy stops in milliseconds on SIGTERM; SIGKILL after 5 s so a stuck Caddy can never outlive the test.
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

export async function startLoopbackCaddy(opts: { upstream: string; websocketUpstream: string }): Promise<RunningCaddy> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'aie-caddy-'));
  const [httpPort, httpsPort] = [await freePort(), await freePort()];
  const env = loopbackCaddyEnv({ home, httpPort, httpsPort, ...opts });
  const child = spawn('caddy', ['run', '--adapter', 'caddyfile', '--config', CADDYFILE], {
    env,
    cwd: home,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (output += d));
  const stop = async () => {
    await stopChild(child);
    await rm(home, { recursive: true, force: true });
  };
  try {
    const rootCertPath = path.join(home, 'data/caddy/pki/authorities/local/root.crt');
    const httpsUrl = `https://127.0.0.1:${httpsPort}`;
    // Ready when the CA exists and a TLS handshake with it succeeds (the site certificate is issued).
    const rootCert = await pollUntil(
      `Caddy to serve ${httpsUrl}`,
      async () => {
        if (child.exitCode !== null) throw new Error(`caddy exited with ${child.exitCode}:\n${output}`);
        if (!existsSync(rootCertPath)) return undefined;
        const pem = await readFile(rootCertPath, 'utf8');
        await httpsGet(`${httpsUrl}/`, pem);
        return pem;
      },
      { attempts: 150, intervalMs: 100 },
    );
    return { httpsUrl, httpPort, httpsPort, rootCertPath, rootCert, log: () => output, stop };
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n--- caddy output ---\n${output}`, { cause: err });
  }
}
