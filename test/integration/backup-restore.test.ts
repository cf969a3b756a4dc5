/**
 * docker/backup/backup_odoo.sh and restore_odoo.sh against the real local PostgreSQL server (.ci/system-deps
 * installs and starts it): a backup of a database with a few tables and a filestore restores into a fresh
 * database with the same rows and files; retention keeps 7 daily and 4 weekly backups; a damaged backup or
 * an existing target is refused. Database and role names are unique per run, and dropped at the end.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { postgresUnavailable, startTestPostgres, type TestPostgres } from '../helpers/deploy-postgres.js';
import { DOCKER_DIR, run } from '../helpers/deploy-tools.js';

const BACKUP = path.join(DOCKER_DIR, 'backup/backup_odoo.sh');
const RESTORE = path.join(DOCKER_DIR, 'backup/restore_odoo.sh');

const skip = await postgresUnavailable();
const suffix = randomBytes(4).toString('hex');
const SRC = `aie_src_${suffix}`;
const DST = `aie_dst_${suffix}`;
const DST_BAD = `aie_bad_${suffix}`;
const TABLES = ['partners', 'invoices', 'invoice_lines'];

/** Every row of a table in a stable order, as text: equal output means equal contents. */
const contents = (table: string) => `SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t.id)), '')
  FROM ${table} t`;

async function listFiles(root: string, dir = ''): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of await readdir(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) for (const [k, v] of await listFiles(root, rel)) out.set(k, v);
    else out.set(rel, (await readFile(path.join(root, rel))).toString('base64'));
  }
  return out;
}

const backupNames = async (dir: string) => (await readdir(dir)).filter((n) => !n.startsWith('.')).sort();

describe('Odoo backup and restore scripts on the local PostgreSQL', { skip: skip ?? false }, () => {
  let pg: TestPostgres | undefined;
  let tmp = '';
  let filestoreRoot = '';
  let backupDir = '';
  let backupPath = '';
  const env = (extra: NodeJS.ProcessEnv) => ({ ...pg!.env, ...extra });

  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'aie-backup-'));
    pg = await startTestPostgres();
    await pg.psql('postgres', `CREATE DATABASE ${SRC}`);
    await pg.psql(
      SRC,
      `CREATE TABLE partners (id serial PRIMARY KEY, name text NOT NULL, email text);
       CREATE TABLE invoices (id serial PRIMARY KEY, partner_id int REFERENCES partners(id), amount numeric(12,2),
                              state text CHECK (state IN ('draft','posted')), created timestamptz DEFAULT now());
       CREATE TABLE invoice_lines (id serial PRIMARY KEY, invoice_id int REFERENCES invoices(id), label text, qty int);
       INSERT INTO partners (name, email) VALUES ('Acme GmbH', 'billing@acme.example'),
         ('O''Brien & Sons', NULL), ('Zürich Café — ☕', 'cafe@example.ch');
       INSERT INTO invoices (partner_id, amount, state) VALUES (1, 300.00, 'draft'), (1, 12.50, 'posted'),
         (3, 99.99, 'draft');
       INSERT INTO invoice_lines (invoice_id, label, qty) SELECT i, 'line ' || g, g FROM generate_series(1, 3) i,
         generate_series(1, 40) g;
       DELETE FROM invoice_lines WHERE qty = 7;`,
    );
    // A filestore laid out like Odoo's: <root>/<db>/<2 hex>/<sha1>, binary contents.
    filestoreRoot = path.join(tmp, 'filestore');
    for (const name of ['3f/3f786850e387550fdab836ed7e6dc881de23001b', 'a9/a9993e364706816aba3e25717850c26c9cd0d89d']) {
      await mkdir(path.join(filestoreRoot, SRC, path.dirname(name)), { recursive: true });
      await writeFile(path.join(filestoreRoot, SRC, name), randomBytes(4096));
    }
    // Older backups already present: 10 daily and 6 weekly of this database, and one of another database.
    backupDir = path.join(tmp, 'backups');
    for (let day = 1; day <= 10; day++) {
      await mkdir(path.join(backupDir, 'daily', `${SRC}_202001${String(day).padStart(2, '0')}T023000Z`), {
        recursive: true,
      });
    }
    for (let week = 1; week <= 6; week++) {
      await mkdir(path.join(backupDir, 'weekly', `${SRC}_2019${String(week).padStart(2, '0')}01T023000Z`), {
        recursive: true,
      });
    }
    await mkdir(path.join(backupDir, 'daily', 'otherdb_20200101T023000Z'), { recursive: true });
  });

  after(async () => {
    await pg?.cleanup([SRC, DST, DST_BAD]);
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  test('backup_odoo.sh writes a custom-format dump, the filestore archive and checksums, private to its owner', async () => {
    const r = await run('bash', [BACKUP], {
      env: env({ ODOO_DB: SRC, BACKUP_DIR: backupDir, FILESTORE_ROOT: filestoreRoot }),
      timeoutMs: 60_000,
    });
    assert.equal(r.code, 0, r.stderr);
    backupPath = r.stdout.trim().split('\n').at(-1) ?? '';
    assert.match(path.basename(backupPath), new RegExp(`^${SRC}_\\d{8}T\\d{6}Z$`));
    assert.equal(path.dirname(backupPath), path.join(backupDir, 'daily'));
    assert.deepEqual((await readdir(backupPath)).sort(), ['SHA256SUMS', 'db.dump', 'filestore.tar.gz']);
    const dump = await readFile(path.join(backupPath, 'db.dump'));
    assert.equal(dump.subarray(0, 5).toString(), 'PGDMP', 'pg_dump custom format');
    assert.equal((await stat(backupPath)).mode & 0o077, 0, 'backup folder is private (umask 077)');
    assert.equal((await stat(path.join(backupPath, 'db.dump'))).mode & 0o077, 0, 'dump is private');
    assert.deepEqual(
      (await readdir(path.join(backupDir, 'daily'))).filter((n) => n.startsWith('.')),
      [],
      'no partial backup left behind',
    );
  });

  test('retention keeps the newest 7 daily and 4 weekly backups of this database, and no others', async () => {
    assert.ok(backupPath, 'the backup test ran first');
    const name = path.basename(backupPath);
    const daily = (await backupNames(path.join(backupDir, 'daily'))).filter((n) => n.startsWith(SRC));
    assert.deepEqual(daily, [
      `${SRC}_20200105T023000Z`,
      `${SRC}_20200106T023000Z`,
      `${SRC}_20200107T023000Z`,
      `${SRC}_20200108T023000Z`,
      `${SRC}_20200109T023000Z`,
      `${SRC}_20200110T023000Z`,
      name,
    ]);
    // The newest weekly was years old, so this backup became this week's (hard links: no extra space).
    const weekly = await backupNames(path.join(backupDir, 'weekly'));
    assert.deepEqual(weekly, [`${SRC}_20190401T023000Z`, `${SRC}_20190501T023000Z`, `${SRC}_20190601T023000Z`, name]);
    const [a, b] = await Promise.all([
      stat(path.join(backupPath, 'db.dump')),
      stat(path.join(backupDir, 'weekly', name, 'db.dump')),
    ]);
    assert.equal(a.ino, b.ino, 'weekly copy is a hard link');
    assert.ok(
      (await readdir(path.join(backupDir, 'daily'))).includes('otherdb_20200101T023000Z'),
      "another database's backups are not touched",
    );
  });

  test('a weekly backup younger than 7 days means no new weekly copy', async () => {
    const dir = path.join(tmp, 'backups-recent-weekly');
    const yesterday = new Date(Date.now() - 86_400_000)
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    await mkdir(path.join(dir, 'weekly', `${SRC}_${yesterday}`), { recursive: true });
    const r = await run('bash', [BACKUP], {
      env: env({ ODOO_DB: SRC, BACKUP_DIR: dir, FILESTORE_ROOT: filestoreRoot }),
      timeoutMs: 60_000,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await backupNames(path.join(dir, 'weekly')), [`${SRC}_${yesterday}`]);
    assert.equal((await backupNames(path.join(dir, 'daily'))).length, 1);
  });

  test('restore_odoo.sh restores into a fresh database with the same rows, sequences and filestore', async () => {
    assert.ok(backupPath, 'the backup test ran first');
    const restoredRoot = path.join(tmp, 'restored-filestore');
    const r = await run('bash', [RESTORE, backupPath, DST], { env: env({ FILESTORE_ROOT: restoredRoot }) });
    assert.equal(r.code, 0, r.stderr);
    for (const table of TABLES) {
      const [want, got] = [await pg!.psql(SRC, contents(table)), await pg!.psql(DST, contents(table))];
      assert.equal(got, want, `${table}: same row count and contents`);
    }
    assert.equal(await pg!.psql(DST, 'SELECT count(*) FROM invoice_lines'), '117');
    assert.equal(
      await pg!.psql(DST, `SELECT name FROM partners WHERE id = 2`),
      "O'Brien & Sons",
      'quotes survive the round trip',
    );
    // The sequences continue where they were, so Odoo does not reuse ids after a restore.
    assert.equal(await pg!.psql(DST, "SELECT nextval('partners_id_seq')"), '4');
    assert.deepEqual(await listFiles(path.join(restoredRoot, DST)), await listFiles(path.join(filestoreRoot, SRC)));
  });

  test('restore refuses an existing database unless --replace, and then replaces it', async () => {
    assert.ok(backupPath, 'the backup test ran first');
    const restoredRoot = path.join(tmp, 'restored-filestore');
    await pg!.psql(DST, `DELETE FROM invoice_lines; INSERT INTO partners (name) VALUES ('added after backup')`);
    const refused = await run('bash', [RESTORE, backupPath, DST], { env: env({ FILESTORE_ROOT: restoredRoot }) });
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /already exists.*--replace/);
    assert.equal(await pg!.psql(DST, 'SELECT count(*) FROM invoice_lines'), '0', 'nothing touched');

    const replaced = await run('bash', [RESTORE, '--replace', backupPath, DST], {
      env: env({ FILESTORE_ROOT: restoredRoot }),
    });
    assert.equal(replaced.code, 0, replaced.stderr);
    for (const table of TABLES)
      assert.equal(await pg!.psql(DST, contents(table)), await pg!.psql(SRC, contents(table)));
    const aside = (await readdir(restoredRoot)).filter((n) => n.startsWith(`${DST}.before-restore-`));
    assert.equal(aside.length, 1, 'the replaced filestore was moved aside, not deleted');
  });

  test('restore refuses a backup whose checksums do not match, before creating anything', async () => {
    assert.ok(backupPath, 'the backup test ran first');
    const damaged = path.join(tmp, 'damaged', path.basename(backupPath));
    await mkdir(damaged, { recursive: true });
    for (const f of ['SHA256SUMS', 'db.dump'])
      await writeFile(path.join(damaged, f), await readFile(path.join(backupPath, f)));
    const archive = await readFile(path.join(backupPath, 'filestore.tar.gz'));
    archive[archive.length - 10] = (archive[archive.length - 10] ?? 0) ^ 0xff;
    await writeFile(path.join(damaged, 'filestore.tar.gz'), archive);
    const r = await run('bash', [RESTORE, damaged, DST_BAD], {
      env: env({ FILESTORE_ROOT: path.join(tmp, 'fs-bad') }),
    });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /checksums/);
    assert.equal(await pg!.psql('postgres', `SELECT count(*) FROM pg_database WHERE datname = '${DST_BAD}'`), '0');
  });
});
