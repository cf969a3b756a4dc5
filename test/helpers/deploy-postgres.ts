/**
 * The local PostgreSQL server (started by .ci/system-deps) for the backup tests.
 *
 * The scripts under test take their connection from PGHOST/PGPORT/PGUSER/PGPASSWORD, as they do in the
 * compose stack, so the tests make a throwaway login role with a random password and talk to the server
 * over TCP on 127.0.0.1, like the backup container does. Only creating and dropping that role needs the
 * superuser: as root through `runuser -u postgres`, otherwise `sudo -n -u postgres`, otherwise whatever
 * PG* variables the environment already holds.
 */
import { randomBytes } from 'node:crypto';
import { run, which } from './deploy-tools.js';

export interface TestPostgres {
  /** PG* variables for the throwaway role, to pass to scripts and psql. */
  env: NodeJS.ProcessEnv;
  role: string;
  /** psql as the throwaway role; throws with psql's message on failure. Returns unaligned tuples. */
  psql(db: string, sql: string): Promise<string>;
  /** Drops the given databases (if they exist) and the role. */
  cleanup(databases: readonly string[]): Promise<void>;
}

type Superuser = (sql: string) => Promise<string>;

function superuserRunner(): Superuser | undefined {
  const psqlArgs = ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', 'postgres'];
  let prefix: string[] | undefined;
  if (process.getuid?.() === 0 && which('runuser')) prefix = ['runuser', '-u', 'postgres', '--', 'psql'];
  else if (which('sudo')) prefix = ['sudo', '-n', '-u', 'postgres', 'psql'];
  else if (process.env.PGUSER) prefix = ['psql'];
  if (!prefix) return undefined;
  const [cmd, ...rest] = prefix as [string, ...string[]];
  return async (sql) => {
    const r = await run(cmd, [...rest, ...psqlArgs], { input: sql, timeoutMs: 30_000, cwd: '/' });
    if (r.code !== 0) throw new Error(`superuser psql failed (${r.code}): ${r.stderr.trim()}`);
    return r.stdout.trim();
  };
}

/** Why the backup tests cannot run here, or undefined when they can. */
export async function postgresUnavailable(): Promise<string | undefined> {
  for (const tool of ['psql', 'pg_dump', 'pg_restore', 'createdb', 'dropdb']) {
    if (!which(tool)) return `${tool} is not on PATH (install the Debian package postgresql; .ci/system-deps does)`;
  }
  const su = superuserRunner();
  if (!su) return 'no way to reach the PostgreSQL superuser (not root, no sudo, no PGUSER)';
  try {
    await su('SELECT 1');
  } catch (err) {
    return `the local PostgreSQL server is not reachable (.ci/system-deps starts it): ${(err as Error).message}`;
  }
  return undefined;
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const su = superuserRunner();
  if (!su) throw new Error('no PostgreSQL superuser access');
  const suffix = randomBytes(4).toString('hex');
  const role = `aie_backup_${suffix}`;
  const password = randomBytes(18).toString('hex');
  // CREATEDB is all a restore needs (like the odoo role in the stack, which owns its databases).
  await su(`CREATE ROLE ${role} LOGIN CREATEDB PASSWORD '${password}'`);
  const port = (await su('SHOW port')) || '5432';
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PGHOST: '127.0.0.1',
    PGPORT: port,
    PGUSER: role,
    PGPASSWORD: password,
    PGDATABASE: 'postgres',
    PGCONNECT_TIMEOUT: '10',
  };
  const psql = async (db: string, sql: string) => {
    const r = await run('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', db], {
      env,
      input: sql,
      timeoutMs: 30_000,
    });
    if (r.code !== 0) throw new Error(`psql on ${db} failed (${r.code}): ${r.stderr.trim()}`);
    return r.stdout.trim();
  };
  return {
    env,
    role,
    psql,
    cleanup: async (databases) => {
      for (const db of databases) await su(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
      await su(`DROP ROLE IF EXISTS ${role}`);
    },
  };
}
