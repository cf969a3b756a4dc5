/** A separate process that syncs one vault once and prints the status: for the cross-process lock test. */
import { silentLogger } from '../../src/core/log.js';
import { loadPolicy } from '../../src/core/policy/policy.js';
import { Vault } from '../../src/core/vault/vault.js';
import { GitSyncService } from '../../src/daemons/sync/service.js';

const [root, stateDir] = process.argv.slice(2) as [string, string];
const vault = await Vault.open({
  root,
  policy: await loadPolicy('cloud', { draftOnly: true }),
  logger: silentLogger(),
  processName: 'sync-once',
});
const result = await new GitSyncService({ vault, stateDir, logger: silentLogger() }).syncOnce();
process.stdout.write(`${result.status}\n`);
