import { access } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../../config.js';
import { invalidInput } from '../../core/errors.js';
import { describeBreak, verifyAuditLogs, type AuditVerifyReport } from '../../core/vault/audit-verify.js';
import { realVaultRoot } from '../../core/vault/safe-path.js';
import { say, warn } from '../print.js';

/**
 * `ai-employee audit verify [--json]`: checks every `Logs/*.jsonl` hash chain of the vault. Exit 0 when every
 * chain holds; 1 otherwise, with one line per broken file naming its first broken link. It only reads, so
 * it needs no AGENT_ROLE and no policy: either machine can check both roles' logs.
 */
export function registerAuditCommands(program: Command, config: () => Config): void {
  const audit = program.command('audit').description('the audit log (Logs/): check its hash chains');
  audit
    .command('verify')
    .description(
      "check every Logs/*.jsonl hash chain of the vault (--vault, else VAULT_PATH); exit 1 and name each file's first broken link",
    )
    .option('--json', 'print the whole report as JSON')
    .action(async (opts: { json?: boolean }) => {
      const root = await realVaultRoot(config().vaultPath);
      await access(path.join(root, 'Logs')).catch(() => {
        throw invalidInput(`${root} is not an initialised vault (no Logs/); run "ai-employee init ${root}".`);
      });
      const report = await verifyAuditLogs(root);
      if (opts.json) say(JSON.stringify(report, null, 2));
      else if (report.ok) say(summary(report));
      else {
        for (const b of report.broken) warn(describeBreak(b));
        warn(summary(report));
      }
      if (!report.ok) process.exitCode = 1;
    });
}

function summary(r: AuditVerifyReport): string {
  const files = `${r.files.length} file${r.files.length === 1 ? '' : 's'}`;
  const legacyFiles = r.files.filter((f) => f.legacy > 0).length;
  const legacy =
    r.legacy > 0
      ? `; ${r.legacy} legacy line${r.legacy === 1 ? '' : 's'} (written before chaining) in ${legacyFiles} file${legacyFiles === 1 ? '' : 's'}`
      : '';
  if (r.files.length === 0) return 'audit log: no log files in Logs/';
  if (r.ok) return `audit log: ${files}, ${r.lines} lines, chains intact${legacy}`;
  return `audit log: ${r.broken.length} of ${files} broken${legacy}`;
}
