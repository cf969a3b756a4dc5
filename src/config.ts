import path from 'node:path';
import { z } from 'zod';
import { AppError } from './core/errors.js';
import { isRole, type Role } from './core/roles.js';

/**
 * Every environment variable the product reads, parsed once. Fails closed: a bad value stops the start
 * with one line that names the variable and what to set. The README's table lists the same variables.
 */
const boolString = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v));

/** The second setting needed to switch cloud's draft-only mode off (DESIGN §4). */
export const DRAFT_ONLY_OVERRIDE_VALUE = 'I_UNDERSTAND_CLOUD_CAN_SEND';

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
  CLAIM_LEASE_MINUTES: z.coerce.number().positive().optional(),
  CLAIM_MAX_ATTEMPTS: z.coerce.number().int().positive().optional(),
  ODOO_URL: z.url().optional(),
  ODOO_DB: z.string().min(1).optional(),
  ODOO_LOGIN: z.string().min(1).optional(),
  ODOO_API_KEY: z.string().min(1).optional(),
  ODOO_PROTOCOL: z.enum(['json2', 'xmlrpc', 'auto']).optional(),
  ODOO_TIMEOUT_MS: z.coerce.number().int().positive().optional(),
  DRAFT_COMMAND: z.string().min(1).optional(),
  DRAFT_TIMEOUT_SECONDS: z.coerce.number().positive().optional(),
});

export interface Config {
  role: Role | undefined;
  draftOnly: boolean;
  vaultPath: string;
  stateDir: string;
  policyDir: string | undefined;
  logLevel: string;
  mcp: { authToken: string | undefined; host: string; port: number; allowedOrigins: string[] };
  claim: { leaseMinutes: number; maxAttempts: number };
  /** The cloud draft worker's drafting command (an AI agent's command line); none → a plain template. */
  drafting: { command: string | undefined; timeoutMs: number };
  odoo: {
    url: string | undefined;
    db: string | undefined;
    login: string | undefined;
    apiKey: string | undefined;
    protocol: 'json2' | 'xmlrpc' | 'auto';
    timeoutMs: number;
  };
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
    },
    claim: { leaseMinutes: e.CLAIM_LEASE_MINUTES ?? 30, maxAttempts: e.CLAIM_MAX_ATTEMPTS ?? 3 },
    drafting: { command: e.DRAFT_COMMAND, timeoutMs: (e.DRAFT_TIMEOUT_SECONDS ?? 120) * 1000 },
    odoo: {
      url: e.ODOO_URL,
      db: e.ODOO_DB,
      login: e.ODOO_LOGIN,
      apiKey: e.ODOO_API_KEY,
      protocol: e.ODOO_PROTOCOL ?? 'auto',
      timeoutMs: e.ODOO_TIMEOUT_MS ?? 15_000,
    },
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
