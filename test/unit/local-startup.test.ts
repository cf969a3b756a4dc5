// `ai-employee local startup-command`: the commands that start the local side at login, per OS, for checkout paths
// with spaces, accents and apostrophes. The POSIX lines are split by a real `sh`; the Windows line is split by the
// rules PowerShell and the C runtime (node.exe's argv) apply, written out here as the test's oracle.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import {
  formatStartupPlan,
  psQuote,
  RUN_KEY,
  RUN_VALUE,
  safeForInitFile,
  shQuote,
  startupPlan,
  winArg,
  type StartupInput,
} from '../../src/cli/local/startup.js';

/** The argv a POSIX shell makes of `line` (sudo and npm stand for themselves: the line is split, not run). */
function shArgv(line: string): string[] {
  const script = `npm() { printf '%s' /opt/global; }\nset -- ${line}\nprintf '%s\\0' "$@"`;
  return execFileSync('sh', ['-c', script], { encoding: 'utf8' }).split('\0').slice(0, -1);
}

/** PowerShell's single-quoted literal at the start of `s`: its value and the rest. */
function psLiteral(s: string): { value: string; rest: string } {
  const quotes = "'\u2018\u2019\u201A\u201B";
  assert.ok(quotes.includes(s[0]!), `a single-quoted literal: ${s}`);
  let value = '';
  for (let i = 1; i < s.length; i += 1) {
    if (quotes.includes(s[i]!)) {
      if (i + 1 < s.length && quotes.includes(s[i + 1]!)) {
        value += s[i];
        i += 1;
        continue;
      }
      return { value, rest: s.slice(i + 1) };
    }
    value += s[i];
  }
  throw new Error(`unterminated literal: ${s}`);
}

/** The argv node.exe gets from a Windows command line (the C runtime's rules, as CommandLineToArgvW). */
function winArgv(line: string): string[] {
  const args: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === ' ' || line[i] === '\t') i += 1;
    if (i >= line.length) break;
    let arg = '';
    let quoted = false;
    for (; i < line.length; i += 1) {
      const c = line[i]!;
      if (!quoted && (c === ' ' || c === '\t')) break;
      if (c === '\\') {
        let n = 0;
        while (line[i] === '\\') {
          n += 1;
          i += 1;
        }
        if (line[i] === '"') {
          arg += '\\'.repeat(Math.floor(n / 2));
          if (n % 2 === 1) arg += '"';
          else quoted = !quoted;
        } else {
          arg += '\\'.repeat(n);
          i -= 1;
        }
        continue;
      }
      if (c === '"') quoted = !quoted;
      else arg += c;
    }
    args.push(arg);
  }
  return args;
}

/** The named parameters of one PowerShell cmdlet line whose values are single-quoted literals. */
function psParams(line: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const m of line.matchAll(/ -(\w+) (?=['\u2018\u2019\u201A\u201B])/g)) {
    params.set(m[1]!, psLiteral(line.slice(m.index + m[0].length)).value);
  }
  return params;
}

const posix = (platform: NodeJS.Platform, root: string, user = 'zoë', home = `/home/${user}`): StartupInput => ({
  platform,
  root,
  nodePath: '/usr/local/bin/node',
  user,
  home,
  pm2Version: '7.0.4',
});

describe('startup-command on macOS and Linux: pm2 startup, quoted for the checkout', () => {
  for (const [platform, init] of [
    ['linux', 'systemd'],
    ['darwin', 'launchd'],
  ] as const) {
    test(`${platform}: a checkout with accents and no space uses its own pm2 (${init})`, () => {
      const root = '/home/zoë/Büro/ai-employee';
      const plan = startupPlan(posix(platform, root));
      const commands = plan.install.filter((l) => !l.startsWith('#'));
      assert.deepEqual(shArgv(commands[0]!), ['/usr/local/bin/node', `${root}/dist/src/cli.js`, 'local', 'start']);
      assert.deepEqual(shArgv(commands[1]!), [
        'sudo',
        'env',
        'PATH=/usr/local/bin:/usr/local/bin:/usr/bin:/bin',
        `${root}/node_modules/pm2/bin/pm2`,
        'startup',
        init,
        '-u',
        'zoë',
        '--hp',
        '/home/zoë',
      ]);
      assert.equal(commands.length, 2);
      assert.deepEqual(shArgv(plan.undo[0]!).slice(3, 6), [`${root}/node_modules/pm2/bin/pm2`, 'unstartup', init]);
      assert.deepEqual(shArgv(plan.undo[1]!).slice(2), ['local', 'stop']);
    });

    test(`${platform}: a checkout with spaces, a dash and an apostrophe: a global pm2 of the same version`, () => {
      const root = "/Users/zoë/Zoë's Mi Empresa — Büro/ai-employee";
      const plan = startupPlan(posix(platform, root, 'zoë', '/Users/zoë'));
      const commands = plan.install.filter((l) => !l.startsWith('#'));
      assert.deepEqual(shArgv(commands[0]!), ['/usr/local/bin/node', `${root}/dist/src/cli.js`, 'local', 'start']);
      assert.deepEqual(shArgv(commands[1]!), ['npm', 'install', '-g', 'pm2@7.0.4']);
      const startup = shArgv(commands[2]!);
      assert.equal(startup[3], '/opt/global/bin/pm2', 'the global pm2, whose path has no space');
      assert.deepEqual(startup.slice(4), ['startup', init, '-u', 'zoë', '--hp', '/Users/zoë']);
      assert.ok(
        plan.install.some((l) => l.startsWith('#') && l.includes('unquoted')),
        'the reason is printed',
      );
    });
  }

  test('a home or node folder an init file cannot hold is named in a note', () => {
    const plan = startupPlan({
      ...posix('linux', '/srv/ai'),
      home: '/home/Zoë Smith',
      nodePath: '/opt/my node/bin/node',
    });
    assert.ok(plan.notes.some((n) => n.includes("node's folder (/opt/my node/bin)")));
    assert.ok(plan.notes.some((n) => n.includes('your home folder (/home/Zoë Smith)')));
  });

  test('safeForInitFile: letters of any script, digits and . _ + @ - /; no space, quote, $, &, :', () => {
    for (const ok of ['/home/zoë/Büro/ai-employee', '/Users/josé/código_1.2+x@y']) assert.ok(safeForInitFile(ok), ok);
    for (const bad of ['/a b', "/it's", '/a&b', '/a$b', '/a:b', '/a"b', '/a\tb']) assert.ok(!safeForInitFile(bad), bad);
  });

  test('shQuote survives any byte sequence through sh', () => {
    for (const s of ["it's", 'a b', '$(rm -rf /)', '`x`', 'ü — ’', '"q"', 'back\\slash'])
      assert.deepEqual(shArgv(shQuote(s)), [s]);
  });
});

describe('startup-command on Windows: a per-user Run key written by PowerShell', () => {
  const inputs: StartupInput[] = [
    {
      platform: 'win32',
      root: 'C:\\Users\\Zoë\\Mi Empresa — Büro\\ai-employee',
      nodePath: 'C:\\Program Files\\nodejs\\node.exe',
      user: 'Zoë',
      home: 'C:\\Users\\Zoë',
      pm2Version: '7.0.4',
    },
    {
      platform: 'win32',
      root: "D:\\Zoë’s and Zoë's files\\ai employee",
      nodePath: 'C:\\Users\\Zoë\\AppData\\Local\\Programs\\nodejs\\node.exe',
      user: 'Zoë',
      home: 'C:\\Users\\Zoë',
      pm2Version: '7.0.4',
    },
  ];
  for (const input of inputs) {
    test(`the Run key value starts node with the CLI and "local start": ${input.root}`, () => {
      const plan = startupPlan(input);
      assert.equal(plan.shell, 'powershell');
      const cli = `${input.root}\\dist\\src\\cli.js`;
      const runKey = plan.install.find((l) => l.startsWith('New-ItemProperty'))!;
      const params = psParams(runKey);
      assert.equal(params.get('Path'), RUN_KEY);
      assert.equal(params.get('Name'), RUN_VALUE);
      assert.match(runKey, / -PropertyType String -Force /);
      // What Windows runs at logon, split as node.exe's C runtime splits it.
      assert.deepEqual(winArgv(params.get('Value')!), [input.nodePath, cli, 'local', 'start']);
      // The "start now" line: PowerShell's call operator with two literals.
      const now = plan.install.find((l) => l.startsWith('& '))!;
      const first = psLiteral(now.slice(2));
      const second = psLiteral(first.rest.trimStart());
      assert.deepEqual([first.value, second.value, second.rest.trim()], [input.nodePath, cli, 'local start']);
      const undo = psParams(plan.undo[0]!);
      assert.equal(undo.get('Name'), RUN_VALUE);
      assert.ok(plan.undo[0]!.startsWith('Remove-ItemProperty'));
      assert.match(formatStartupPlan(plan), /# To undo:/);
    });
  }

  test('winArg: backslashes doubled only before a quote; psQuote doubles every kind of single quote', () => {
    for (const s of ['C:\\a b\\', 'C:\\a\\"b', 'plain', '', 'x\\\\', 'Zoë’s'])
      assert.deepEqual(winArgv(`node ${winArg(s)} end`), ['node', s, 'end']);
    assert.equal(psQuote("Zoë’s 'x'"), "'Zoë’’s ''x'''");
    assert.equal(psLiteral(psQuote("a’b‘c'd")).value, "a’b‘c'd");
  });
});
