import type { StatusReport, Verdict } from './types.js';

/**
 * One word for the whole machine. fail: something is down or blocked and needs the owner now (a stale or
 * errored daemon, a watcher paused on its credentials or permissions, a failed sync or guard, Odoo down long enough to alert, a broken audit chain). warn: it works,
 * but look soon (a daemon's last cycle failed, an expired approval, files in Failed/, Odoo failing checks,
 * nothing running). A daemon that stopped because it is not configured (exit 78) counts as neither.
 */
export function judge(report: Omit<StatusReport, 'verdict' | 'reasons'>): { verdict: Verdict; reasons: string[] } {
  const fail: string[] = [];
  const warn: string[] = [];
  for (const d of report.daemons) {
    if (d.state === 'stale') fail.push(`${d.name}: no heartbeat for ${d.age_seconds ?? '?'} s`);
    else if (d.state === 'failing' && d.pm2 && d.pm2.status !== 'online')
      fail.push(`${d.name}: PM2 says ${d.pm2.status}`);
    // Why fail: a paused watcher polls nothing until the owner renews a credential or grants a permission.
    else if (d.state === 'failing' && d.paused)
      fail.push(
        d.paused.kind === 'permission'
          ? `${d.name}: paused, a permission is missing${d.paused.grant ? ` (grant ${d.paused.grant})` : ''}`
          : `${d.name}: paused, its credentials were refused`,
      );
    else if (d.state === 'failing') warn.push(`${d.name}: its last cycle reported a problem`);
    else if (d.state === 'missing') warn.push(`${d.name}: runs under PM2 but has not written a heartbeat`);
    // not_configured is neither: the owner left that service unset on purpose (no Instagram account), and the
    // daemon said so and stopped; the daemon list shows it with its reason.
  }
  if (report.daemons.length === 0) warn.push('no daemon heartbeats on this machine (nothing running?)');
  if (report.sync && !report.sync.ok)
    fail.push(`last sync failed${report.sync.message ? `: ${report.sync.message}` : ''}`);
  if (report.guard && !report.guard.ok) fail.push(`security guard found ${report.guard.hits} blocked file(s)`);
  const odoo = report.odoo;
  if (odoo?.live && !odoo.live.ok) fail.push(`Odoo: ${odoo.live.detail}`);
  else if (odoo?.monitor?.alerted) fail.push(`Odoo is down (${odoo.monitor.failures} failed checks in a row)`);
  else if (odoo?.monitor && odoo.monitor.failures > 0)
    warn.push(`Odoo failed its last ${odoo.monitor.failures} check(s)`);
  // Why fail: a broken chain means a log line was changed, removed or reordered after it was written.
  for (const b of report.audit.broken)
    fail.push(`audit log chain broken: ${b.line === 0 ? b.file : `${b.file} line ${b.line}`}: ${b.message}`);
  const expired = report.pending_approvals.filter((p) => p.expired).length;
  if (expired > 0) warn.push(`${expired} approval request(s) expired: reject them or ask for fresh ones`);
  const failed = report.folders['Failed'] ?? 0;
  if (failed > 0) warn.push(`${failed} file(s) in Failed/ need a human`);
  return fail.length > 0
    ? { verdict: 'fail', reasons: [...fail, ...warn] }
    : { verdict: warn.length > 0 ? 'warn' : 'ok', reasons: warn };
}
