/**
 * The deployment scripts: shellcheck and `bash -n` on every script under scripts/ and docker/ (and
 * .ci/system-deps); docker/odoo.conf's settings and the entrypoint that renders the master password into
 * it; scripts/cloud/setup_odoo_cloud.sh's checks, its env file (mode 0600) and its order of work, against a
 * stub `docker` (there is no Docker engine here).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DOCKER_DIR, REPO, run, which } from '../helpers/deploy-tools.js';

/** Every shell script in a folder tree: *.sh, or an executable file with a bash/sh shebang. */
function shellScripts(dir: string): string[] {
  const out: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    const full = path.join(dir, name);
    const st = statSync(full);
    if (st.isDirectory()) out.push(...shellScripts(full));
    else if (name.endsWith('.sh') || /^#!.*\b(ba)?sh\b/.test(readFileSync(full, 'utf8').split('\n', 1)[0] ?? '')) {
      out.push(full);
    }
  }
  return out;
}

const SCRIPTS = [
  ...shellScripts(path.join(REPO, 'scripts')),
  ...shellScripts(DOCKER_DIR),
  path.join(REPO, '.ci/system-deps'),
].sort();
const rel = (p: string) => path.relative(REPO, p);

describe('shell scripts', () => {
  test('the deployment scripts are all there', () => {
    for (const p of [
      'scripts/cloud/setup_odoo_cloud.sh',
      'scripts/cloud/odoo_health_monitor.sh',
      'docker/backup/backup_odoo.sh',
      'docker/backup/restore_odoo.sh',
      'docker/backup/backup_schedule.sh',
      'docker/odoo-entrypoint.sh',
      '.ci/system-deps',
    ]) {
      assert.ok(SCRIPTS.map(rel).includes(p), `${p} found`);
    }
  });

  test('bash -n parses every script, and each one runs with set -euo pipefail', async () => {
    for (const script of SCRIPTS) {
      const r = await run('bash', ['-n', script]);
      assert.equal(r.code, 0, `${rel(script)}: ${r.stderr}`);
      assert.match(await readFile(script, 'utf8'), /^set -euo pipefail$/m, `${rel(script)} sets -euo pipefail`);
    }
  });

  test(
    'shellcheck passes on every script under scripts/ and docker/',
    { skip: which('shellcheck') ? false : 'shellcheck is not on PATH (.ci/system-deps installs it)' },
    async () => {
      for (const script of SCRIPTS) {
        const r = await run('shellcheck', ['--format=gcc', script], { timeoutMs: 60_000 });
        assert.equal(r.code, 0, `${rel(script)}:\n${r.stdout}${r.stderr}`);
      }
    },
  );
});

describe('docker/odoo.conf and docker/odoo-entrypoint.sh', () => {
  const conf = readFileSync(path.join(DOCKER_DIR, 'odoo.conf'), 'utf8');
  const options = new Map(
    conf
      .split('\n')
      .filter((l) => /^\s*[a-z_]+\s*=/.test(l))
      .map((l) => {
        const [k, ...v] = l.split('=');
        return [k!.trim(), v.join('=').trim()] as const;
      }),
  );

  test('behind a proxy, one database, no database manager, workers with the gevent port, no demo data', () => {
    assert.equal(options.get('proxy_mode'), 'True');
    assert.equal(options.get('list_db'), 'False');
    assert.equal(options.get('dbfilter'), '^__ODOO_DB__$');
    assert.ok(Number(options.get('workers')) >= 2, 'multi-process mode');
    assert.equal(options.get('gevent_port'), '8072');
    assert.equal(options.get('with_demo'), 'False');
    assert.equal(options.get('admin_passwd'), '__ODOO_ADMIN_PASSWORD__', 'from the environment, never a literal');
    for (const key of ['db_password', 'db_host', 'db_user']) {
      assert.equal(options.has(key), false, `${key} is left to the image's entrypoint (HOST/USER/PASSWORD)`);
    }
  });

  let tmp = '';
  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'aie-odoo-conf-'));
  });
  after(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  const render = (env: NodeJS.ProcessEnv) =>
    run('bash', [path.join(DOCKER_DIR, 'odoo-entrypoint.sh'), 'odoo'], {
      env: {
        PATH: process.env.PATH,
        ODOO_CONF_TEMPLATE: path.join(DOCKER_DIR, 'odoo.conf'),
        // Stands in for the image's /entrypoint.sh: the test only needs the rendered file.
        ODOO_IMAGE_ENTRYPOINT: '/bin/true',
        ...env,
      },
    });

  test('the entrypoint renders the master password and database name literally, in a 0600 file', async () => {
    const target = path.join(tmp, 'run/odoo.conf');
    const password = String.raw`p&ss\w0rd$(not run)'"#;x`;
    const r = await render({ ODOO_RC: target, ODOO_DB: 'acme_prod', ODOO_ADMIN_PASSWORD: password });
    assert.equal(r.code, 0, r.stderr);
    const rendered = await readFile(target, 'utf8');
    assert.ok(rendered.includes(`admin_passwd = ${password}\n`), rendered);
    assert.match(rendered, /^dbfilter = \^acme_prod\$$/m);
    assert.doesNotMatch(rendered, /__ODOO_/);
    assert.equal((await stat(target)).mode & 0o777, 0o600);
  });

  test('the entrypoint refuses to start Odoo without the master password or with an unsafe database name', async () => {
    const target = path.join(tmp, 'refused/odoo.conf');
    const missing = await render({ ODOO_RC: target, ODOO_DB: 'acme' });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /ODOO_ADMIN_PASSWORD/);
    const badDb = await render({ ODOO_RC: target, ODOO_DB: 'a.*', ODOO_ADMIN_PASSWORD: 'x'.repeat(20) });
    assert.equal(badDb.code, 1);
    assert.match(badDb.stderr, /ODOO_DB/);
  });
});

describe('scripts/cloud/setup_odoo_cloud.sh', () => {
  const SETUP = path.join(REPO, 'scripts/cloud/setup_odoo_cloud.sh');
  let tmp = '';
  let bin = '';
  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'aie-setup-'));
    bin = path.join(tmp, 'bin');
    await mkdir(bin);
    // A stub docker: logs each call, says every container is healthy, and that the database does not exist.
    await writeFile(
      path.join(bin, 'docker'),
      [
        '#!/usr/bin/env bash',
        'printf "%s\\n" "$*" >>"$DOCKER_STUB_LOG"',
        'case "$*" in',
        '  "compose version") echo "Docker Compose version v2.30.0" ;;',
        '  *" ps --quiet "*) echo "container-id" ;;',
        '  "inspect "*) echo healthy ;;',
        '  *" run "*shell*) cat >"$DOCKER_STUB_LOG.shell" ;;',
        '  *" run "*) cat >/dev/null ;;',
        'esac',
        'exit 0',
        '',
      ].join('\n'),
    );
    await writeFile(path.join(bin, 'curl'), '#!/usr/bin/env bash\nexit 0\n');
    await chmod(path.join(bin, 'docker'), 0o755);
    await chmod(path.join(bin, 'curl'), 0o755);
  });
  after(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  const setup = (env: NodeJS.ProcessEnv, name: string) =>
    run('bash', [SETUP], {
      env: {
        PATH: `${bin}${path.delimiter}${process.env.PATH}`,
        HOME: tmp,
        ODOO_ENV_FILE: path.join(tmp, `${name}.env`),
        DOCKER_STUB_LOG: path.join(tmp, `${name}.log`),
        SETUP_TIMEOUT_SECONDS: '5',
        SETUP_POLL_SECONDS: '0.1',
        ...env,
      },
      timeoutMs: 30_000,
    });

  test('names every missing variable at once, and writes nothing', async () => {
    const r = await setup({}, 'missing');
    assert.equal(r.code, 1);
    for (const name of ['POSTGRES_PASSWORD', 'ODOO_DOMAIN', 'ODOO_EMAIL']) assert.match(r.stderr, new RegExp(name));
    await assert.rejects(stat(path.join(tmp, 'missing.env')));
  });

  test('refuses a short or placeholder database password', async () => {
    const r = await setup(
      { POSTGRES_PASSWORD: 'change-me', ODOO_DOMAIN: 'odoo.example.com', ODOO_EMAIL: 'ops@example.com' },
      'weak',
    );
    assert.equal(r.code, 1);
    assert.match(r.stderr, /POSTGRES_PASSWORD must be at least 16 characters/);
  });

  test('says so when docker, compose or the engine is missing', async () => {
    const r = await run('bash', [SETUP], {
      env: { PATH: '/usr/bin:/bin', HOME: tmp, ODOO_ENV_FILE: path.join(tmp, 'nodocker.env') },
    });
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /docker is not installed|docker compose \(v2 plugin\) is not available|Docker engine is not reachable/,
    );
  });

  test('writes the env file 0600, creates the database, starts the stack, waits for health, prints next steps', async () => {
    const r = await setup(
      {
        POSTGRES_PASSWORD: 'a-test-value-long-enough',
        ODOO_DOMAIN: 'odoo.example.com',
        ODOO_EMAIL: 'ops@example.com',
      },
      'ok',
    );
    assert.equal(r.code, 0, r.stderr);
    const envFile = path.join(tmp, 'ok.env');
    assert.equal((await stat(envFile)).mode & 0o777, 0o600);
    const written = await readFile(envFile, 'utf8');
    assert.match(written, /^POSTGRES_PASSWORD='a-test-value-long-enough'$/m);
    assert.match(written, /^ODOO_DOMAIN='odoo\.example\.com'$/m);
    assert.match(written, /^ODOO_DB='odoo'$/m);
    assert.match(written, /^ODOO_ADMIN_PASSWORD='[A-Za-z0-9]{30,}'$/m, 'a generated master password');

    const calls = (await readFile(path.join(tmp, 'ok.log'), 'utf8')).trim().split('\n');
    const order = ['pull', 'up -d db', 'exec -T db psql', 'run --rm -T odoo odoo --init base', 'odoo shell', 'up -d'];
    let at = -1;
    for (const step of order) {
      const i = calls.findIndex((c, idx) => idx > at && c.includes(step) && (step !== 'up -d' || c.endsWith('up -d')));
      assert.ok(i > at, `"${step}" runs after the previous step:\n${calls.join('\n')}`);
      at = i;
    }
    for (const c of calls.filter((c) => c.startsWith('compose ') && c !== 'compose version')) {
      assert.ok(c.includes(`--env-file ${envFile}`), `compose gets the env file: ${c}`);
    }
    // The default admin/admin login never stays: the shell step sets a random password.
    assert.match(await readFile(path.join(tmp, 'ok.log.shell'), 'utf8'), /base\.user_admin.*password/);
    for (const text of [
      'ODOO_URL=https://odoo.example.com',
      'ODOO_DB=odoo',
      'ODOO_LOGIN=',
      'ODOO_API_KEY=',
      'API Key',
    ]) {
      assert.ok(r.stdout.includes(text), `next steps mention ${text}`);
    }
  });

  test('a second run reuses the env file’s values', async () => {
    const r = await setup({}, 'ok');
    assert.equal(r.code, 0, r.stderr);
    assert.match(await readFile(path.join(tmp, 'ok.env'), 'utf8'), /^POSTGRES_PASSWORD='a-test-value-long-enough'$/m);
  });
});
