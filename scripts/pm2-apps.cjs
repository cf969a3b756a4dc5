// The PM2 app definitions for both ecosystem files: one place for restart settings, logs and environment.
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'src', 'cli.js');
const LOG_DIR = process.env.AI_EMPLOYEE_LOG_DIR || path.join(ROOT, 'logs');

/** Variables passed through from the caller's environment (set by the start script's env file). */
const PASS_THROUGH = [
  'VAULT_PATH',
  'VAULT_REMOTE',
  'AI_EMPLOYEE_STATE_DIR',
  'AI_EMPLOYEE_POLICY_DIR',
  'LOG_LEVEL',
  'ODOO_URL',
  'ODOO_DB',
  'ODOO_LOGIN',
  'ODOO_API_KEY',
  'ODOO_PROTOCOL',
  'DRAFT_COMMAND',
  'DRAFT_TIMEOUT_SECONDS',
];
const PASS_THROUGH_PREFIXES = [
  'GMAIL_',
  'X_',
  'GRAPH_',
  'FACEBOOK_',
  'INSTAGRAM_',
  'SYNC_',
  'GIT_',
  'WATCHDOG_',
  'CLAIM_',
];

function passThroughEnv() {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (PASS_THROUGH.includes(key) || PASS_THROUGH_PREFIXES.some((p) => key.startsWith(p))) env[key] = value;
  }
  return env;
}

/**
 * Restart settings: PM2 restarts a crashed app after a growing delay (exponential backoff from 1 s); an app
 * that dies within `min_uptime` 16 times in a row is marked `errored` and left alone — then the watchdog
 * revives it and raises an alert. Memory is capped so that a leak over months restarts the app instead of
 * starving the VM.
 */
function app(name, args, role) {
  return {
    name,
    script: CLI,
    args,
    interpreter: 'node',
    cwd: ROOT,
    autorestart: true,
    // Exit code 78 (EX_CONFIG) means "nothing to do here" (a watcher with no credentials): do not restart it in a
    // loop. Not 0: PM2 reports a process killed by a signal (SIGKILL, the OOM killer) as exit code 0, and that one
    // must come back.
    stop_exit_codes: [78],
    max_restarts: 16,
    min_uptime: 10000,
    exp_backoff_restart_delay: 1000,
    max_memory_restart: '300M',
    kill_timeout: 5000,
    time: true,
    merge_logs: true,
    out_file: path.join(LOG_DIR, `${name}.out.log`),
    error_file: path.join(LOG_DIR, `${name}.err.log`),
    env: {
      ...passThroughEnv(),
      NODE_ENV: 'production',
      AGENT_ROLE: role,
      // Why set here and not inherited: the cloud stack must be draft-only whatever the caller's shell says.
      ...(role === 'cloud' ? { CLOUD_DRAFT_ONLY: 'true' } : {}),
    },
  };
}

function cloudApps() {
  return [
    app('cloud-gmail-watcher', 'watch gmail', 'cloud'),
    app('cloud-twitter-watcher', 'watch twitter', 'cloud'),
    app('cloud-facebook-watcher', 'watch facebook', 'cloud'),
    app('cloud-instagram-watcher', 'watch instagram', 'cloud'),
    app('cloud-draft-worker', 'worker draft', 'cloud'),
    app('cloud-odoo-mcp', 'worker odoo', 'cloud'),
    app('cloud-odoo-health', 'health odoo --watch', 'cloud'),
    app('cloud-git-sync', 'sync', 'cloud'),
    app('cloud-watchdog', 'watchdog', 'cloud'),
  ];
}

function localApps() {
  return [
    app('local-executor', 'worker local-executor', 'local'),
    app('local-git-sync', 'sync', 'local'),
    app('local-dashboard', 'dashboard --watch', 'local'),
    app('local-watchdog', 'watchdog', 'local'),
  ];
}

module.exports = { cloudApps, localApps, CLI, LOG_DIR };
