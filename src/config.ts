import path from 'node:path';
import { z } from 'zod';
import { AppError } from './core/errors.js';
import { isRole, type Role } from './core/roles.js';

/**
 * Every environment variable the product reads, parsed once. Fails closed: a bad value stops the start
 * with one line that names the variable and what to set. docs/configuration.md lists the same variables.
 */
const boolString = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v));

/** The second setting needed to switch cloud's draft-only mode off (DESIGN §4). */
export const DRAFT_ONLY_OVERRIDE_VALUE = 'I_UNDERSTAND_CLOUD_CAN_SEND';

/** The watchers' and reply clients' variables (issue 4); docs/configuration.md lists them. */
const optionalText = z.string().min(1).optional();
const WATCH_ENV = {
  GMAIL_CLIENT_ID: optionalText,
  GMAIL_CLIENT_SECRET: optionalText,
  GMAIL_REFRESH_TOKEN: optionalText,
  GMAIL_QUERY: optionalText,
  GMAIL_LABEL: optionalText,
  GMAIL_API_URL: z.url().optional(),
  GMAIL_TOKEN_URL: z.url().optional(),
  X_BEARER_TOKEN: optionalText,
  X_API_KEY: optionalText,
  X_API_SECRET: optionalText,
  X_ACCESS_TOKEN: optionalText,
  X_ACCESS_SECRET: optionalText,
  X_USER_ID: z.string().regex(/^\d+$/, 'X_USER_ID is the numeric user id').optional(),
  X_API_URL: z.url().optional(),
  GRAPH_API_URL: z.url().optional(),
  GRAPH_API_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/, 'GRAPH_API_VERSION looks like v23.0')
    .optional(),
  FACEBOOK_PAGE_ID: optionalText,
  FACEBOOK_PAGE_TOKEN: optionalText,
  INSTAGRAM_USER_ID: optionalText,
  INSTAGRAM_TOKEN: optionalText,
  INSTAGRAM_LOGIN: z.enum(['facebook', 'instagram'], 'INSTAGRAM_LOGIN is facebook or instagram').optional(),
  INSTAGRAM_API_URL: z.url().optional(),
  WATCH_GMAIL_SCHEDULE: optionalText,
  WATCH_TWITTER_SCHEDULE: optionalText,
  WATCH_FACEBOOK_SCHEDULE: optionalText,
  WATCH_INSTAGRAM_SCHEDULE: optionalText,
  WATCH_INBOX_SCHEDULE: optionalText,
  WATCH_AUTH_PAUSE_MINUTES: z.coerce.number().positive().optional(),
  WATCH_BACKOFF_BASE_SECONDS: z.coerce.number().positive().optional(),
  WATCH_BACKOFF_MAX_SECONDS: z.coerce.number().positive().optional(),
  WATCH_SEEN_MAX: z.coerce.number().int().min(100).optional(),
  WATCH_HTTP_TIMEOUT_MS: z.coerce.number().int().positive().optional(),
};

const EnvSchema = z.object({
  AGENT_ROLE: z.string().optional(),
  CLOUD_DRAFT_ONLY: boolString.optional(),
  CLOUD_DRAFT_ONLY_OVERRIDE: z.string().optional(),
  VAULT_PATH: z.string().min(1).optional(),
  AI_EMPLOYEE_STATE_DIR: z.string().min(1).optional(),
  AI_EMPLOYEE_POLICY_DIR: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  MCP_AUTH_TOKEN: z.string().min(16, 'MCP_AUTH_TOKEN must be at least 16 characters').optional(),
  MCP_HTTP_HOST: z.string().min(1).optional(),
  MCP_HTTP_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  MCP_ALLOWED_ORIGINS: z.string().optional(),
  MCP_SESSION_IDLE_MINUTES: z.coerce.number().positive().optional(),
  MCP_MAX_SESSIONS: z.coerce.number().int().min(1).max(100_000).optional(),
  CLAIM_LEASE_MINUTES: z.coerce.number().positive().optional(),
  CLAIM_MAX_ATTEMPTS: z.coerce.number().int().positive().optional(),
  ODOO_URL: z.url().optional(),
  ODOO_DB: z.string().min(1).optional(),
  ODOO_LOGIN: z.string().min(1).optional(),
  ODOO_API_KEY: z.string().min(1).optional(),
  ODOO_PROTOCOL: z.enum(['json2', 'xmlrpc', 'auto']).optional(),
  ODOO_TIMEOUT_MS: z.coerce.number().int().positive().optional(),
  DRAFT_COMMAND: z.string().min(1).optional(),
  REPLY_HOURLY_LIMIT: z.coerce.number().int().positive().optional(),
  DRAFT_TIMEOUT_SECONDS: z.coerce.number().positive().optional(),
  VAULT_REMOTE: z.string().min(1).optional(),
  SYNC_INTERVAL_SECONDS: z.coerce.number().positive().optional(),
  SYNC_FULL_GUARD_MINUTES: z.coerce.number().positive().optional(),
  ...WATCH_ENV,
});

export interface Config {
  role: Role | undefined;
  draftOnly: boolean;
  vaultPath: string;
  stateDir: string;
  policyDir: string | undefined;
  logLevel: string;
  mcp: {
    authToken: string | undefined;
    host: string;
    port: number;
    allowedOrigins: string[];
    /** HTTP sessions idle this long end (docs/mcp-http.md). */
    sessionIdleMs: number;
    /** HTTP sessions at once; the next initialize gets 503. */
    maxSessions: number;
  };
  claim: { leaseMinutes: number; maxAttempts: number };
  /** The cloud draft worker's drafting command (an AI agent's command line); none → a plain template. */
  drafting: { command: string | undefined; timeoutMs: number };
  /** At most this many approved mails and social replies go out per hour (a runaway or a flood of approvals). */
  replyHourlyLimit: number;
  odoo: {
    url: string | undefined;
    db: string | undefined;
    login: string | undefined;
    apiKey: string | undefined;
    protocol: 'json2' | 'xmlrpc' | 'auto';
    timeoutMs: number;
  };
  watch: WatchConfig;
  /** The git sync (DESIGN §6): the shared remote, the daemon's interval, how often it scans the whole vault. */
  sync: { remote: string | undefined; intervalMs: number; fullGuardEveryMs: number };
}

export interface WatchConfig {
  gmail: {
    clientId?: string;
    clientSecret?: string;
    refreshToken?: string;
    query: string;
    label: string;
    apiUrl: string;
    tokenUrl: string;
  };
  x: {
    bearerToken?: string;
    appKey?: string;
    appSecret?: string;
    accessToken?: string;
    accessSecret?: string;
    userId?: string;
    apiUrl: string;
  };
  graph: {
    apiUrl: string;
    version: string;
    pageId?: string;
    pageToken?: string;
    igUserId?: string;
    igToken?: string;
    /** Where INSTAGRAM_TOKEN comes from: Facebook Login (a Page token) or Instagram Login (an `IG…` token). */
    igLogin: 'facebook' | 'instagram';
    /** The host that login's token is valid on: graph.facebook.com or graph.instagram.com. */
    igApiUrl: string;
  };
  /** node-cron expressions, per watcher. */
  schedules: Record<'gmail' | 'twitter' | 'facebook' | 'instagram' | 'inbox', string>;
  authPauseMinutes: number;
  backoff: { baseSeconds: number; maxSeconds: number };
  seenMax: number;
  httpTimeoutMs: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: { vault?: string } = {}): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError('invalid_input', `Environment variable ${issue?.path.join('.')} is invalid: ${issue?.message}.`);
  }
  const e = parsed.data;
  const role = e.AGENT_ROLE === undefined || e.AGENT_ROLE === '' ? undefined : e.AGENT_ROLE;
  if (role !== undefined && !isRole(role)) {
    throw new AppError('invalid_input', `AGENT_ROLE="${role}" is not a role; set AGENT_ROLE to "cloud" or "local".`);
  }
  return {
    role,
    draftOnly: resolveDraftOnly(role, e.CLOUD_DRAFT_ONLY, e.CLOUD_DRAFT_ONLY_OVERRIDE),
    vaultPath: path.resolve(overrides.vault ?? e.VAULT_PATH ?? 'AI_Employee_Vault'),
    stateDir: path.resolve(e.AI_EMPLOYEE_STATE_DIR ?? '.ai-employee-state'),
    policyDir: e.AI_EMPLOYEE_POLICY_DIR,
    logLevel: e.LOG_LEVEL ?? 'info',
    mcp: {
      authToken: e.MCP_AUTH_TOKEN,
      host: e.MCP_HTTP_HOST ?? '127.0.0.1',
      port: e.MCP_HTTP_PORT ?? 8765,
      allowedOrigins: (e.MCP_ALLOWED_ORIGINS ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      sessionIdleMs: (e.MCP_SESSION_IDLE_MINUTES ?? 30) * 60_000,
      maxSessions: e.MCP_MAX_SESSIONS ?? 64,
    },
    claim: { leaseMinutes: e.CLAIM_LEASE_MINUTES ?? 30, maxAttempts: e.CLAIM_MAX_ATTEMPTS ?? 3 },
    drafting: { command: e.DRAFT_COMMAND, timeoutMs: (e.DRAFT_TIMEOUT_SECONDS ?? 120) * 1000 },
    replyHourlyLimit: e.REPLY_HOURLY_LIMIT ?? 20,
    odoo: {
      url: e.ODOO_URL,
      db: e.ODOO_DB,
      login: e.ODOO_LOGIN,
      apiKey: e.ODOO_API_KEY,
      protocol: e.ODOO_PROTOCOL ?? 'auto',
      timeoutMs: e.ODOO_TIMEOUT_MS ?? 15_000,
    },
    watch: watchConfig(e),
    sync: {
      remote: e.VAULT_REMOTE,
      intervalMs: (e.SYNC_INTERVAL_SECONDS ?? 60) * 1000,
      fullGuardEveryMs: (e.SYNC_FULL_GUARD_MINUTES ?? 15) * 60_000,
    },
  };
}

/**
 * The two ways to reach Instagram, checked before anything polls (Meta's Instagram Platform overview: "Instagram
 * API with Instagram Login" vs "with Facebook Login"). A token only works on its own host: Graph answers the
 * other with OAuthException 190, which would pause the watcher as if the token had expired. Tokens from
 * Facebook Login start `EAA`, tokens from Instagram Login start `IG`; a token of neither shape is not judged.
 */
function graphSetup(e: z.infer<typeof EnvSchema>): WatchConfig['graph'] {
  const apiUrl = e.GRAPH_API_URL ?? 'https://graph.facebook.com';
  const login = e.INSTAGRAM_LOGIN ?? 'facebook';
  const igApiUrl = e.INSTAGRAM_API_URL ?? (login === 'instagram' ? 'https://graph.instagram.com' : apiUrl);
  const bad = (message: string) => new AppError('invalid_input', message);
  if (e.FACEBOOK_PAGE_TOKEN?.startsWith('IG'))
    throw bad(
      'FACEBOOK_PAGE_TOKEN is an Instagram Login token (it starts with IG); set a Page access token from Facebook Login (it starts with EAA).',
    );
  if (login === 'facebook' && e.INSTAGRAM_TOKEN?.startsWith('IG'))
    throw bad(
      'INSTAGRAM_TOKEN is an Instagram Login token (it starts with IG) but INSTAGRAM_LOGIN is facebook; set INSTAGRAM_LOGIN=instagram (it talks to graph.instagram.com), or use the Page token from Facebook Login.',
    );
  if (login === 'instagram' && e.INSTAGRAM_TOKEN?.startsWith('EAA'))
    throw bad(
      'INSTAGRAM_TOKEN is a Facebook Login token (it starts with EAA) but INSTAGRAM_LOGIN=instagram; set INSTAGRAM_LOGIN=facebook, or use an Instagram Login token (it starts with IG).',
    );
  const host = new URL(igApiUrl).hostname;
  const wrongHost = login === 'instagram' ? 'graph.facebook.com' : 'graph.instagram.com';
  if (host === wrongHost)
    throw bad(
      `INSTAGRAM_API_URL points at ${wrongHost}, but INSTAGRAM_LOGIN=${login} tokens only work on ${login === 'instagram' ? 'graph.instagram.com' : 'graph.facebook.com'}; fix INSTAGRAM_API_URL or unset it.`,
    );
  return {
    apiUrl,
    version: e.GRAPH_API_VERSION ?? 'v23.0',
    pageId: e.FACEBOOK_PAGE_ID,
    pageToken: e.FACEBOOK_PAGE_TOKEN,
    igUserId: e.INSTAGRAM_USER_ID,
    igToken: e.INSTAGRAM_TOKEN,
    igLogin: login,
    igApiUrl,
  };
}

function watchConfig(e: z.infer<typeof EnvSchema>): WatchConfig {
  return {
    gmail: {
      clientId: e.GMAIL_CLIENT_ID,
      clientSecret: e.GMAIL_CLIENT_SECRET,
      refreshToken: e.GMAIL_REFRESH_TOKEN,
      query: e.GMAIL_QUERY ?? 'in:inbox newer_than:7d',
      label: e.GMAIL_LABEL ?? 'INBOX',
      apiUrl: e.GMAIL_API_URL ?? 'https://gmail.googleapis.com/',
      tokenUrl: e.GMAIL_TOKEN_URL ?? 'https://oauth2.googleapis.com/token',
    },
    x: {
      bearerToken: e.X_BEARER_TOKEN,
      appKey: e.X_API_KEY,
      appSecret: e.X_API_SECRET,
      accessToken: e.X_ACCESS_TOKEN,
      accessSecret: e.X_ACCESS_SECRET,
      userId: e.X_USER_ID,
      apiUrl: e.X_API_URL ?? 'https://api.x.com',
    },
    graph: graphSetup(e),
    // Why these defaults: Gmail's quota is generous; X allows few mention reads per 15 minutes on low tiers.
    schedules: {
      gmail: e.WATCH_GMAIL_SCHEDULE ?? '*/1 * * * *',
      twitter: e.WATCH_TWITTER_SCHEDULE ?? '*/5 * * * *',
      facebook: e.WATCH_FACEBOOK_SCHEDULE ?? '*/2 * * * *',
      instagram: e.WATCH_INSTAGRAM_SCHEDULE ?? '*/5 * * * *',
      inbox: e.WATCH_INBOX_SCHEDULE ?? '*/5 * * * *',
    },
    authPauseMinutes: e.WATCH_AUTH_PAUSE_MINUTES ?? 360,
    backoff: { baseSeconds: e.WATCH_BACKOFF_BASE_SECONDS ?? 15, maxSeconds: e.WATCH_BACKOFF_MAX_SECONDS ?? 900 },
    seenMax: e.WATCH_SEEN_MAX ?? 20_000,
    httpTimeoutMs: e.WATCH_HTTP_TIMEOUT_MS ?? 30_000,
  };
}

/**
 * Cloud is draft-only unless CLOUD_DRAFT_ONLY=false *and* the override phrase is set: one mistyped variable
 * must never let the exposed machine send or pay. Local is not draft-only unless asked to be.
 */
function resolveDraftOnly(role: string | undefined, value: boolean | undefined, override: string | undefined): boolean {
  if (role !== 'cloud') return value ?? false;
  if (value === false) {
    if (override !== DRAFT_ONLY_OVERRIDE_VALUE) {
      throw new AppError(
        'invalid_input',
        `CLOUD_DRAFT_ONLY=false on cloud also needs CLOUD_DRAFT_ONLY_OVERRIDE=${DRAFT_ONLY_OVERRIDE_VALUE}; leave CLOUD_DRAFT_ONLY unset to stay safe.`,
      );
    }
    return false;
  }
  return true;
}

/** The role, or a one-line refusal for processes that need one. */
export function requireRole(config: Config): Role {
  if (config.role === undefined) {
    throw new AppError(
      'invalid_input',
      'AGENT_ROLE is not set; set AGENT_ROLE=cloud on the VM or AGENT_ROLE=local on the laptop.',
    );
  }
  return config.role;
}
