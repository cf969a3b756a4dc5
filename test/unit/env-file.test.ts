import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { defaultEnvFile, parseEnvFile, readEnvFile } from '../../src/cli/env-file.js';
import { AppError } from '../../src/core/errors.js';

describe('parseEnvFile: the dotenv subset a shell reads the same way', () => {
  test('comments, blank lines, export, quotes, inline comments, CRLF and a BOM', () => {
    const text = [
      '\uFEFF# the owner laptop',
      '',
      'export VAULT_PATH="/Users/zoë/Mi Empresa — Büro/AI_Employee_Vault"',
      "ODOO_API_KEY='fake-#-not-a-comment'",
      'LOG_LEVEL=warn # a comment',
      '  SYNC_INTERVAL_SECONDS = 30  ',
      'DRAFT_COMMAND="say \\"hi\\" \\\\ \\$HOME"',
      'EMPTY=',
      'WITH_HASH=abc#def',
    ].join('\r\n');
    assert.deepEqual(parseEnvFile(text), {
      VAULT_PATH: '/Users/zoë/Mi Empresa — Büro/AI_Employee_Vault',
      ODOO_API_KEY: 'fake-#-not-a-comment',
      LOG_LEVEL: 'warn',
      SYNC_INTERVAL_SECONDS: '30',
      DRAFT_COMMAND: 'say "hi" \\ $HOME',
      EMPTY: '',
      WITH_HASH: 'abc#def',
    });
  });

  test('Windows paths survive: quotes keep their backslashes, as a shell does (no \\n, \\t escapes)', () => {
    const path = 'C:\\Users\\Zoë\\new folder\\tmp\\AI_Employee_Vault';
    assert.deepEqual(parseEnvFile(`A="${path}"\nB='${path}'\nC=${path}\nD='\\\\server\\share'`), {
      A: path,
      B: path,
      C: path,
      D: '\\\\server\\share',
    });
  });

  test('quoted values read the same as a POSIX shell reads them (set -a; . file)', () => {
    const text = [
      '# comment',
      'export A="C:\\Users\\Zoë\\new folder\\tmp"',
      'B=\'\\\\server\\share "x" $HOME\'',
      'C="say \\"hi\\" \\\\ \\$HOME \\`y\\`"',
      "D='Mi Empresa — Büro # not a comment'",
      'E=plain # comment',
      "F=''",
    ].join('\n');
    const names = ['A', 'B', 'C', 'D', 'E', 'F'];
    const script = `set -a\n${text}\nprintf '%s\\0' ${names.map((n) => `"$${n}"`).join(' ')}`;
    const shell = execFileSync('sh', ['-c', script], { encoding: 'utf8', env: { HOME: '/nowhere' } }).split('\0');
    const parsed = parseEnvFile(text);
    assert.deepEqual(
      names.map((n) => parsed[n]),
      shell.slice(0, names.length),
    );
  });

  test('a line it does not understand stops with its number, and never shows a value', () => {
    const cases: Array<[string, RegExp]> = [
      ['A=1\nnot a variable secret-value-1', /line 2 of f\.env is not KEY=VALUE/],
      ['A=1\n\nB="secret-value-2', /line 3 of f\.env \(B\): the " quote is not closed/],
      ["C='secret-value-3' trailing", /line 1 of f\.env \(C\): text after the closing quote/],
      ['1BAD=secret-value-4', /line 1 of f\.env: "1BAD" is not a variable name/],
      ['=secret-value-5', /line 1 of f\.env is not KEY=VALUE/],
    ];
    for (const [text, message] of cases) {
      assert.throws(
        () => parseEnvFile(text, 'f.env'),
        (err: unknown) => {
          assert.ok(err instanceof AppError);
          assert.equal(err.code, 'invalid_input');
          assert.match(err.message, message);
          assert.doesNotMatch(err.message, /secret-value/);
          return true;
        },
      );
    }
  });
});

describe('readEnvFile', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'env file Büro '));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('an owner-only file is read without a warning', async () => {
    const file = path.join(dir, 'private.env');
    await writeFile(file, 'A=1\n');
    await chmod(file, 0o600);
    assert.deepEqual(await readEnvFile(file, { required: true }), { vars: { A: '1' } });
  });

  test('a group/world readable file warns with the chmod to run (POSIX), not on win32', async () => {
    const file = path.join(dir, "Zoë's open.env");
    await writeFile(file, 'A=secret-value\n');
    await chmod(file, 0o644);
    const posix = await readEnvFile(file, { required: true, platform: 'linux' });
    assert.match(posix?.warning ?? '', /readable by other users \(mode 0644\); run: chmod 600 /);
    assert.ok(posix?.warning?.endsWith(`'${file.replace("'", "'\\''")}'`), posix?.warning);
    assert.doesNotMatch(posix?.warning ?? '', /secret-value/);
    assert.equal((await readEnvFile(file, { required: true, platform: 'win32' }))?.warning, undefined);
  });

  test('a missing file: nothing when optional, a clear error when named; a folder is an error', async () => {
    const missing = path.join(dir, 'missing.env');
    assert.equal(await readEnvFile(missing, { required: false }), undefined);
    await assert.rejects(
      readEnvFile(missing, { required: true }),
      /does not exist; create it or fix AI_EMPLOYEE_ENV_FILE/,
    );
    const folder = path.join(dir, 'a folder.env');
    await mkdir(folder);
    await assert.rejects(readEnvFile(folder, { required: true }), /is a folder/);
  });
});

test('defaultEnvFile: %APPDATA%\\ai-employee on Windows, ~/.config/ai-employee elsewhere', () => {
  assert.equal(
    defaultEnvFile('local', {
      platform: 'win32',
      env: { APPDATA: 'C:\\Users\\Zoë\\AppData\\Roaming' },
      home: 'C:\\Users\\Zoë',
    }),
    'C:\\Users\\Zoë\\AppData\\Roaming\\ai-employee\\local.env',
  );
  assert.equal(
    defaultEnvFile('local', { platform: 'win32', env: {}, home: 'C:\\Users\\Zoë' }),
    'C:\\Users\\Zoë\\AppData\\Roaming\\ai-employee\\local.env',
  );
  for (const platform of ['darwin', 'linux'] as const)
    assert.equal(
      defaultEnvFile('local', { platform, env: {}, home: '/Users/zoë' }),
      '/Users/zoë/.config/ai-employee/local.env',
    );
});
