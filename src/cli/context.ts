import { requireRole, type Config } from '../config.js';
import { createLogger, type Logger } from '../core/log.js';
import { loadPolicy } from '../core/policy/policy.js';
import type { Role } from '../core/roles.js';
import { Vault } from '../core/vault/vault.js';

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
  });
  return { vault, logger };
}
