import path from 'node:path';
import type { ToolDeps } from '../../tools/index.js';
import { requireRole, type Config } from '../config.js';
import type { ExecutorDeps } from '../core/actions/executor.js';
import type { ActionHandler } from '../core/actions/handler.js';
import { ExecutionLedger } from '../core/actions/ledger.js';
import { postInvoiceHandler, registerPaymentHandler } from '../core/actions/odoo-actions.js';
import { AppError } from '../core/errors.js';
import { createLogger, type Logger } from '../core/log.js';
import type { OdooClient } from '../core/odoo/types.js';
import { loadPolicy, type Policy } from '../core/policy/policy.js';
import type { Role } from '../core/roles.js';
import { Vault } from '../core/vault/vault.js';
import { replyHandlersFromConfig } from './replies.js';

/** Builds the vault a command works on: role and policy from the config, checked before anything runs. */
export async function openVaultFromConfig(
  config: Config,
  processName: string,
  options: { role?: Role; logger?: Logger } = {},
): Promise<{ vault: Vault; logger: Logger }> {
  const role = options.role ?? requireRole(config);
  const logger = options.logger ?? createLogger({ level: config.logLevel }).child({ role, process: processName });
  const policy = await loadPolicy(role, { dir: config.policyDir, draftOnly: config.draftOnly });
  const vault = await Vault.open({
    root: config.vaultPath,
    policy,
    logger,
    processName,
    lease: { minutes: config.claim.leaseMinutes, maxAttempts: config.claim.maxAttempts },
    stateDir: config.stateDir,
  });
  return { vault, logger };
}

/** The Odoo client, when ODOO_URL is set; guarded by the role's policy and the draft-only wall. */
export async function odooFromConfig(config: Config, policy: Policy, logger: Logger): Promise<OdooClient | undefined> {
  const o = config.odoo;
  if (o.url === undefined) return undefined;
  // Why a dynamic import: most processes never talk to Odoo; its transports (xmlrpc) cost start-up time.
  const { createOdooClient } = await import('../core/odoo/index.js');
  return createOdooClient({
    url: o.url,
    db: o.db ?? '',
    login: o.login ?? '',
    apiKey: o.apiKey ?? '',
    protocol: o.protocol,
    timeoutMs: o.timeoutMs,
    policy,
    draftOnly: policy.draftOnly,
    logger,
  });
}

/**
 * The Odoo settings still unset when Odoo cannot be used at all (empty when it can): ODOO_URL and ODOO_API_KEY
 * are needed by both transports; ODOO_DB and ODOO_LOGIN, which JSON-2 can do without, are named alongside them.
 */
export function missingOdooSettings(config: Config): string[] {
  const o = config.odoo;
  if (o.url !== undefined && o.apiKey !== undefined) return [];
  const pairs: Array<[string, string | undefined]> = [
    ['ODOO_URL', o.url],
    ['ODOO_DB', o.db],
    ['ODOO_LOGIN', o.login],
    ['ODOO_API_KEY', o.apiKey],
  ];
  return pairs.filter(([, v]) => v === undefined).map(([k]) => k);
}

export function requireOdoo(odoo: OdooClient | undefined): OdooClient {
  if (!odoo)
    throw new AppError(
      'invalid_input',
      'Odoo is not configured: set ODOO_URL, ODOO_DB, ODOO_LOGIN and ODOO_API_KEY (or run `ai-employee sandbox odoo`).',
    );
  return odoo;
}

/** The executor for approvals, on a role that may execute them, with the handlers its credentials allow. */
export function executorFor(
  vault: Vault,
  config: Config,
  odoo: OdooClient | undefined,
  extraHandlers: ActionHandler[] = [],
): ExecutorDeps | undefined {
  if (!vault.policy.has('approval.execute')) return undefined;
  const handlers: ActionHandler[] = [...extraHandlers];
  if (odoo)
    handlers.push(
      postInvoiceHandler(odoo),
      registerPaymentHandler(odoo, () => new Date()),
    );
  return {
    ctx: vault.ctx,
    ledger: new ExecutionLedger(path.join(config.stateDir, 'executions')),
    handlers,
    limit: { hourly: config.replyHourlyLimit, actions: ['send_email', 'publish_reply'] },
  };
}

/** Everything the MCP tools need, for one process. */
export async function toolDepsFromConfig(
  config: Config,
  processName: string,
  options: { role?: Role } = {},
): Promise<ToolDeps> {
  const { vault, logger } = await openVaultFromConfig(config, processName, options);
  const odoo = await odooFromConfig(config, vault.policy, logger);
  // The sync tool is offered only where a remote is configured and the role may sync.
  const sync =
    config.sync.remote !== undefined && vault.policy.has('vault.sync')
      ? (await import('../daemons/git-sync.js')).syncFromConfig(vault, config, logger)
      : undefined;
  const replies = vault.policy.has('approval.execute') ? await replyHandlersFromConfig(config) : [];
  return { vault, logger, odoo, executor: executorFor(vault, config, odoo, replies), sync };
}
