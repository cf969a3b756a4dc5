/**
 * docker/docker-compose.odoo-cloud.yml held to the deployment rules (issue 7, reference/odoo.md): pinned
 * images, health checks, the database never published, every secret required with no default,
 * `service_healthy` dependencies, named volumes, paths relative to the compose file, restart policies,
 * Caddy alone on 80/443. When docker-compose (v1, needs no engine) is installed, it also interpolates and
 * validates the file, and refuses it by name when a secret is missing.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { COMPOSE_FILE, DOCKER_DIR, run, which } from '../helpers/deploy-tools.js';

interface Service {
  image?: string;
  restart?: string;
  profiles?: string[];
  ports?: (string | { published?: number | string; target?: number })[];
  expose?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: { test?: string[]; start_period?: string; interval?: string; retries?: number };
  entrypoint?: string[];
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const raw = readFileSync(COMPOSE_FILE, 'utf8');
const compose = parse(raw) as Compose;
const services = compose.services;
const svc = (name: string): Service => {
  const s = services[name];
  assert.ok(s, `service ${name} exists`);
  return s;
};
const seconds = (d: string | undefined) => {
  const m = /^(\d+)(s|m)$/.exec(d ?? '');
  assert.ok(m, `duration ${d} is like 30s or 5m`);
  return Number(m[1]) * (m[2] === 'm' ? 60 : 1);
};
/** Names of every variable interpolated anywhere in the file, with the form used. */
const interpolations = [...raw.matchAll(/\$\{([A-Z0-9_]+)(:?[?-])?([^}]*)\}/g)].map((m) => ({
  name: m[1] ?? '',
  op: m[2] ?? '',
  text: m[0],
}));
const SECRET = /PASSWORD|SECRET|TOKEN|API_KEY/;
const REQUIRED = ['POSTGRES_PASSWORD', 'ODOO_ADMIN_PASSWORD', 'ODOO_DOMAIN', 'ODOO_EMAIL', 'ODOO_DB'];

describe('docker-compose.odoo-cloud.yml', () => {
  test('images: odoo:19, postgres:15, caddy:2 (backup jobs use the server’s postgres:15 for a matching pg_dump)', () => {
    assert.equal(svc('odoo').image, 'odoo:19');
    assert.equal(svc('db').image, 'postgres:15');
    assert.equal(svc('caddy').image, 'caddy:2');
    assert.equal(svc('backup').image, 'postgres:15');
    assert.equal(svc('restore').image, 'postgres:15');
    for (const [name, s] of Object.entries(services)) assert.ok(s.image, `${name} has an image (no local build)`);
  });

  test('health checks: pg_isready on the database, curl /web/health on Odoo with a generous start_period', () => {
    assert.deepEqual(svc('db').healthcheck?.test, ['CMD', 'pg_isready', '-U', 'odoo', '-d', 'postgres']);
    assert.deepEqual(svc('odoo').healthcheck?.test, ['CMD', 'curl', '-fsS', 'http://localhost:8069/web/health']);
    assert.ok(seconds(svc('odoo').healthcheck?.start_period) >= 180, 'the first database init takes minutes');
    assert.ok(seconds(svc('db').healthcheck?.start_period) > 0);
  });

  test('the database is never published; Odoo neither (only Caddy reaches it)', () => {
    assert.equal(svc('db').ports, undefined, 'no ports on db');
    assert.equal(svc('odoo').ports, undefined, 'no ports on odoo');
    for (const [name, s] of Object.entries(services)) {
      if (name !== 'caddy') assert.equal(s.ports, undefined, `${name} publishes nothing`);
    }
    assert.deepEqual(svc('odoo').expose, ['8069', '8072']);
  });

  test('Caddy publishes 80 and 443 (and 443/udp for HTTP/3)', () => {
    assert.deepEqual(svc('caddy').ports, ['80:80', '443:443', '443:443/udp']);
  });

  test('every secret and required setting is `${VAR:?message}`: no default, compose refuses to start without it', () => {
    const secrets = interpolations.filter((i) => SECRET.test(i.name));
    assert.ok(secrets.length >= 5, 'passwords are interpolated from the env file');
    for (const i of secrets) assert.equal(i.op, ':?', `${i.text} must be required with no default`);
    for (const name of REQUIRED) {
      const uses = interpolations.filter((i) => i.name === name);
      assert.ok(uses.length > 0, `${name} is used`);
      for (const i of uses) {
        assert.equal(i.op, ':?', `${i.text} must be required`);
        assert.match(i.text, new RegExp(`set ${name}`), `${i.text} names the variable in its message`);
      }
    }
    // No literal value for any password-like key: it must come from interpolation.
    for (const [name, s] of Object.entries(services)) {
      for (const [key, value] of Object.entries(s.environment ?? {})) {
        if (SECRET.test(key) || key === 'PASSWORD') {
          assert.match(String(value), /^\$\{[A-Z_]+:\?[^}]+\}$/, `${name}.${key} comes from the env file`);
        }
      }
    }
    assert.equal(svc('db').environment?.POSTGRES_PASSWORD, svc('odoo').environment?.PASSWORD);
  });

  test('depends_on always waits for service_healthy', () => {
    const expected: Record<string, string[]> = {
      odoo: ['db'],
      caddy: ['odoo'],
      backup: ['db'],
      restore: ['db'],
    };
    for (const [name, deps] of Object.entries(expected)) {
      const d = svc(name).depends_on;
      assert.ok(d && !Array.isArray(d), `${name}.depends_on uses the long form with a condition`);
      assert.deepEqual(Object.keys(d), deps);
      for (const dep of deps) assert.equal(d[dep]?.condition, 'service_healthy', `${name} waits for ${dep}`);
    }
  });

  test('named volumes hold the data; each declared volume is used and each used one declared', () => {
    const declared = Object.keys(compose.volumes ?? {}).sort();
    const used = new Set<string>();
    for (const s of Object.values(services)) {
      for (const v of s.volumes ?? []) {
        const source = v.split(':')[0] ?? '';
        if (!/^[./~]/.test(source)) used.add(source);
      }
    }
    assert.deepEqual([...used].sort(), declared);
    const mountOf = (name: string, target: string) =>
      (svc(name).volumes ?? []).find((v) => v.split(':')[1] === target)?.split(':')[0];
    assert.equal(mountOf('db', '/var/lib/postgresql/data'), 'db-data');
    assert.equal(mountOf('odoo', '/var/lib/odoo'), 'odoo-data');
    assert.equal(mountOf('caddy', '/data'), 'caddy-data', "Caddy's certificates survive a restart");
    assert.ok((svc('backup').volumes ?? []).includes('odoo-data:/var/lib/odoo:ro'), 'backups read the filestore only');
  });

  test('host paths are relative to the compose file and exist there', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const v of s.volumes ?? []) {
        const source = v.split(':')[0] ?? '';
        if (!/^[./~]/.test(source)) continue;
        assert.match(source, /^\.\/[^.]/, `${name}: ${source} is relative to docker/ and stays inside it`);
        assert.ok(existsSync(path.join(DOCKER_DIR, source)), `${name}: ${source} exists in docker/`);
      }
    }
    assert.doesNotMatch(raw, /\/work\/|\/home\/|\/root\//, 'no absolute host paths');
  });

  test('restart policies: every long-running service restarts unless stopped; the one-off restore never', () => {
    for (const [name, s] of Object.entries(services)) {
      if (s.profiles?.length) assert.equal(s.restart, 'no', `${name} is a one-off`);
      else assert.equal(s.restart, 'unless-stopped', `${name} restarts`);
    }
  });

  test('odoo mounts the odoo.conf template and the entrypoint that renders it', () => {
    const odoo = svc('odoo');
    assert.deepEqual(odoo.entrypoint, ['/bin/bash', '/usr/local/bin/odoo-entrypoint.sh']);
    assert.ok(odoo.volumes?.includes('./odoo.conf:/etc/odoo/odoo.conf.template:ro'));
    assert.ok(odoo.volumes?.includes('./odoo-entrypoint.sh:/usr/local/bin/odoo-entrypoint.sh:ro'));
    assert.equal(odoo.environment?.ODOO_CONF_TEMPLATE, '/etc/odoo/odoo.conf.template');
    assert.equal(odoo.environment?.HOST, 'db');
  });
});

const compose1 = which('docker-compose');
describe(
  'docker-compose config (v1, no engine needed) on the compose file',
  { skip: compose1 ? false : 'docker-compose is not on PATH (.ci/system-deps installs the Debian package)' },
  () => {
    const full: Record<string, string> = {
      POSTGRES_PASSWORD: 'test-only-not-a-secret',
      ODOO_ADMIN_PASSWORD: 'test-only-not-a-secret-either',
      ODOO_DOMAIN: 'odoo.example.com',
      ODOO_EMAIL: 'ops@example.com',
      ODOO_DB: 'odoo',
    };
    // v1 predates the top-level `name:` key that compose v2 (what the VM runs) reads; drop it for v1 only.
    const v1Text = raw.replace(/^name: .*$/m, '');
    const config = async (env: Record<string, string>) => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'aie-compose-'));
      try {
        const file = path.join(dir, 'docker-compose.yml');
        await writeFile(file, v1Text);
        return await run(compose1!, ['--file', file, '--project-directory', DOCKER_DIR, 'config'], {
          env: { PATH: process.env.PATH, HOME: dir, ...env },
          cwd: dir,
          timeoutMs: 30_000,
        });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    };

    test('accepts the file with every variable set, resolving paths inside docker/', async () => {
      const r = await config(full);
      assert.equal(r.code, 0, r.stderr);
      const resolved = parse(r.stdout) as Compose;
      assert.deepEqual(Object.keys(resolved.services).sort(), ['backup', 'caddy', 'db', 'odoo', 'restore']);
      assert.equal(resolved.services.db?.environment?.POSTGRES_PASSWORD, full.POSTGRES_PASSWORD);
      assert.ok(
        resolved.services.caddy?.volumes?.includes(`${path.join(DOCKER_DIR, 'Caddyfile')}:/etc/caddy/Caddyfile:ro`),
      );
    });

    test('refuses the file, naming the variable, when any required one is missing', async () => {
      for (const name of REQUIRED) {
        const env = { ...full };
        delete env[name];
        const r = await config(env);
        assert.notEqual(r.code, 0, `must refuse without ${name}`);
        assert.match(r.stderr, new RegExp(`set ${name}`), `the error names ${name}`);
      }
    });
  },
);
