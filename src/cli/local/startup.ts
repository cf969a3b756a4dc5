import path from 'node:path';

/**
 * The commands that start the local side at login, per OS, quoted for the checkout's real path (spaces,
 * accents, apostrophes). Pure: the caller passes the platform and the paths, so every OS is tested anywhere.
 *
 * - macOS and Linux: `pm2 startup` (launchd / systemd) resurrects the list that `local start` saved.
 * - Windows: a per-user Run key (HKCU, no administrator rights, no 261-character limit of `schtasks /TR`)
 *   that runs `node <checkout>\dist\src\cli.js local start` at logon, written with PowerShell so that no
 *   cmd.exe or native-argument quoting stands between the path and the registry.
 */
export interface StartupInput {
  platform: NodeJS.Platform;
  /** The checkout (the folder that holds dist/ and node_modules/). */
  root: string;
  /** The node executable that should run the CLI (process.execPath). */
  nodePath: string;
  user: string;
  home: string;
  /** The version of the checkout's pm2, for a global install of the same version when one is needed. */
  pm2Version: string;
}

export interface StartupPlan {
  shell: 'sh' | 'powershell';
  /** Comment lines start with `#`; every other line is one command to paste. */
  install: string[];
  undo: string[];
  notes: string[];
}

export const RUN_KEY = 'HKCU:\\Software\\Microsoft\\Windows\\CurrentVersion\\Run';
export const RUN_VALUE = 'ai-employee-local';

/** POSIX shell: single quotes keep every byte; a quote inside is closed, escaped and reopened. */
export function shQuote(s: string): string {
  return `'${s.replaceAll("'", "'\\''")}'`;
}

/**
 * PowerShell single-quoted literal. Why the four characters: PowerShell treats the typographic single quotes
 * (U+2018..U+201B) as quote characters too, so a folder named `Zoë’s` would otherwise end the string.
 */
export function psQuote(s: string): string {
  return `'${s.replace(/['\u2018\u2019\u201A\u201B]/g, '$&$&')}'`;
}

/**
 * One argument for a Windows command line as the C runtime (and node.exe) splits it: in double quotes,
 * backslashes doubled only where they precede a quote or the closing quote.
 */
export function winArg(s: string): string {
  let out = '"';
  let slashes = 0;
  for (const c of s) {
    if (c === '\\') {
      slashes += 1;
      continue;
    }
    out += c === '"' ? '\\'.repeat(slashes * 2 + 1) + '"' : '\\'.repeat(slashes) + c;
    slashes = 0;
  }
  return `${out}${'\\'.repeat(slashes * 2)}"`;
}

/**
 * Whether pm2's own init files can hold this path: `pm2 startup` writes it unquoted into a systemd unit
 * (`ExecStart=`, `Environment=`) or a launchd plist (`/bin/sh -c`, XML), where a space, a quote or `&` breaks it.
 */
export function safeForInitFile(p: string): boolean {
  return /^[\p{L}\p{M}\p{N}/._+@-]+$/u.test(p);
}

export function startupPlan(input: StartupInput): StartupPlan {
  return input.platform === 'win32' ? windowsPlan(input) : posixPlan(input);
}

function windowsPlan(input: StartupInput): StartupPlan {
  const cli = path.win32.join(input.root, 'dist', 'src', 'cli.js');
  const commandLine = [winArg(input.nodePath), winArg(cli), 'local', 'start'].join(' ');
  return {
    shell: 'powershell',
    install: [
      '# In PowerShell (no administrator rights needed): start the local side now, then at every logon.',
      `& ${psQuote(input.nodePath)} ${psQuote(cli)} local start`,
      `New-ItemProperty -Path ${psQuote(RUN_KEY)} -Name ${psQuote(RUN_VALUE)} -PropertyType String -Force -Value ${psQuote(commandLine)} | Out-Null`,
    ],
    undo: [
      `Remove-ItemProperty -Path ${psQuote(RUN_KEY)} -Name ${psQuote(RUN_VALUE)}`,
      `& ${psQuote(input.nodePath)} ${psQuote(cli)} local stop`,
    ],
    notes: [
      'At logon a console window shows for a few seconds while `local start` runs the guard and starts PM2.',
      'Check with `ai-employee local status`; a guard hit also leaves an alert in Updates/ (the Dashboard).',
    ],
  };
}

function posixPlan(input: StartupInput): StartupPlan {
  const p = path.posix;
  const init = input.platform === 'darwin' ? 'launchd' : 'systemd';
  const cli = p.join(input.root, 'dist', 'src', 'cli.js');
  const nodeDir = p.dirname(input.nodePath);
  const localPm2 = p.join(input.root, 'node_modules', 'pm2', 'bin', 'pm2');
  const useLocal = safeForInitFile(localPm2);
  // Why not PATH="$PATH": pm2 copies PATH into the unit unquoted, and one folder with a space in it breaks it.
  const pm2 = useLocal ? shQuote(localPm2) : '"$(npm prefix -g)"/bin/pm2';
  const asRoot = (verb: string) =>
    `sudo env PATH=${shQuote(nodeDir)}:/usr/local/bin:/usr/bin:/bin ${pm2} ${verb} ${init} -u ${shQuote(input.user)} --hp ${shQuote(input.home)}`;
  const install = [
    '# Start the local side now; this also saves the PM2 list (pm2 save), which PM2 brings back at boot.',
    `${shQuote(input.nodePath)} ${shQuote(cli)} local start`,
  ];
  const notes: string[] = [];
  if (!useLocal) {
    install.push(
      `# pm2 startup writes its own path unquoted into the ${init} file, and this checkout's path cannot go there: use a global pm2 of the same version.`,
      `npm install -g pm2@${input.pm2Version}`,
    );
  }
  install.push(`# Let ${init} start PM2 at boot for ${input.user}; it resurrects the saved list:`, asRoot('startup'));
  for (const [what, dir] of [
    ["node's folder", nodeDir],
    ['your home folder', input.home],
  ] as const) {
    if (!safeForInitFile(dir))
      notes.push(
        `${what} (${dir}) has a character that pm2 writes unquoted into the ${init} file; check it after pm2 startup.`,
      );
  }
  notes.push(
    'After a change to the env file, run `local start --restart` (it saves the list again).',
    'PM2 keeps the environment of the apps, env file values included, in ~/.pm2/dump.pm2: keep that folder private.',
  );
  return {
    shell: 'sh',
    install,
    undo: [asRoot('unstartup'), `${shQuote(input.nodePath)} ${shQuote(cli)} local stop`],
    notes,
  };
}

/** The plan as text for a terminal. */
export function formatStartupPlan(plan: StartupPlan): string {
  return [...plan.install, '', '# To undo:', ...plan.undo, '', ...plan.notes.map((n) => `# ${n}`)].join('\n');
}
