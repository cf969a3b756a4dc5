/**
 * One audit writer in its own OS process, for the audit chain tests and the audit bench:
 *
 *   node --import tsx test/helpers/audit-appender.ts <logsDir> <role> <process name> <count>
 *
 * Waits for a `go` line on stdin (tsx start-up takes a second, so the parent starts every writer first and
 * lets them begin together), appends `count` records one after the other through the real `AuditLog`, then
 * prints `done <ms>` and exits.
 */
import { createInterface } from 'node:readline';
import { AuditLog } from '../../src/core/vault/audit.js';

const [logsDir, role, processName, countArg] = process.argv.slice(2);
if (!logsDir || (role !== 'cloud' && role !== 'local') || !processName || !countArg)
  throw new Error('usage: audit-appender.ts <logsDir> <cloud|local> <process name> <count>');
const count = Number(countArg);
const log = new AuditLog(logsDir, { role, process: processName }, () => new Date());

process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line !== 'go') continue;
  const t0 = performance.now();
  for (let i = 0; i < count; i++)
    await log.record({ action_type: 'bench.append', target: `${processName}/${i}`, parameters: { i }, result: 'ok' });
  process.stdout.write(`done ${Math.round(performance.now() - t0)}\n`);
  break;
}
lines.close();
