import { formatAge } from '../../core/dashboard/age.js';
import type { StatusReport } from './types.js';

const VERDICT_WORD = { ok: 'OK', warn: 'WARN', fail: 'FAIL' } as const;

/** `status` for a human: one screen, one line per daemon, and what to do when something failed. */
export function renderStatusText(r: StatusReport): string[] {
  const out: string[] = [];
  const role = r.role === null ? 'role unset (read-only view; set AGENT_ROLE for role details)' : `role ${r.role}`;
  out.push(
    `ai-employee status · ${r.generated_at.replace(/\.\d+Z$/, 'Z')} · ${role}${r.draft_only ? ' · draft-only' : ''}`,
  );
  out.push(`vault ${r.vault}`);
  out.push(`Overall: ${VERDICT_WORD[r.verdict]}`);
  for (const reason of r.reasons) out.push(`  - ${reason}`);

  out.push('');
  const folders = Object.entries(r.folders).filter(([f]) => f !== 'Logs');
  for (let i = 0; i < folders.length; i += 4)
    out.push(
      `  ${folders
        .slice(i, i + 4)
        .map(([f, n]) => `${f} ${n}`.padEnd(24))
        .join('')}`.trimEnd(),
    );

  out.push('', `Pending approvals: ${r.pending_approvals.length}`);
  for (const p of r.pending_approvals) {
    const age = p.age_minutes === null ? 'age ?' : formatAge(p.age_minutes * 60);
    out.push(`  ${age.padStart(7)}  ${(p.action ?? '?').padEnd(16)} ${p.path}${p.expired ? '  EXPIRED' : ''}`);
  }

  const pm2 = r.pm2.reachable
    ? `PM2 at ${r.pm2.home}`
    : `PM2 not reachable${r.pm2.error ? ` (${r.pm2.error})` : ''}: heartbeats only`;
  out.push('', `Daemons: ${r.daemons.length} · ${pm2}`);
  for (const d of r.daemons) {
    const beat = d.age_seconds === null ? 'no heartbeat' : `beat ${formatAge(d.age_seconds)} ago`;
    const pm = d.pm2 ? ` · pm2 ${d.pm2.status}, ${d.pm2.restarts} restart${d.pm2.restarts === 1 ? '' : 's'}` : '';
    if (d.state === 'not_configured')
      out.push(`  ${d.name.padEnd(26)} not configured: ${d.not_configured?.reason ?? '(no reason recorded)'}${pm}`);
    else out.push(`  ${d.name.padEnd(26)} ${d.state.toUpperCase().padEnd(8)} ${beat}${pm}`);
    if (d.paused)
      out.push(`    paused: ${d.paused.reason}${d.paused.until ? ` (tries again after ${d.paused.until})` : ''}`);
  }

  out.push('');
  if (r.sync === null) out.push('Sync:  no sync recorded on this machine');
  else
    out.push(
      `Sync:  ${r.sync.ok ? 'ok' : 'FAILED'} ${formatAge(r.sync.age_seconds)} ago${r.sync.message ? ` · ${r.sync.message}` : ''}`,
    );
  if (r.sync?.action) out.push(`       → ${r.sync.action}`);
  if (r.guard === null) out.push('Guard: never run on this machine ("ai-employee guard")');
  else
    out.push(
      `Guard: ${r.guard.ok ? 'clean' : `BLOCKED ${r.guard.hits} file${r.guard.hits === 1 ? '' : 's'}`} ${formatAge(r.guard.age_seconds)} ago`,
    );
  if (r.guard?.action) out.push(`       → ${r.guard.action}`);
  out.push(`Odoo:  ${odooLine(r)}`);
  if (r.odoo?.action) out.push(`       → ${r.odoo.action}`);
  out.push(`Audit: ${auditLine(r.audit)}`);
  for (const b of r.audit.broken.slice(1)) out.push(`       ${breakText(b)}`);
  if (r.audit.action) out.push(`       → ${r.audit.action}`);
  return out;
}

/** e.g. "4 files (today, yesterday), chains intact", or the first broken link. Checks only these two days. */
function auditLine(a: StatusReport['audit']): string {
  if (!a.ok) return `CHAIN BROKEN · ${breakText(a.broken[0])}`;
  if (a.files === 0) return 'no log files today or yesterday ("ai-employee audit verify" checks every day)';
  const legacy =
    a.legacy_lines > 0 ? `, ${a.legacy_lines} legacy line${a.legacy_lines === 1 ? '' : 's'} before the chain` : '';
  return `${a.files} file${a.files === 1 ? '' : 's'} (today, yesterday), chains intact${legacy}`;
}

function breakText(b: StatusReport['audit']['broken'][number] | undefined): string {
  if (!b) return '';
  return b.line === 0 ? `${b.file}: ${b.message}` : `${b.file} line ${b.line}: ${b.message}`;
}

function odooLine(r: StatusReport): string {
  const o = r.odoo;
  if (!o) return 'not monitored on this machine (status --check tests ODOO_URL live)';
  const parts: string[] = [];
  if (o.live) parts.push(`live check: ${o.live.ok ? 'healthy' : o.live.detail}`);
  if (o.monitor) {
    const m = o.monitor;
    parts.push(
      m.failures === 0
        ? `monitor: healthy${m.last_ok ? ` (last ok ${m.last_ok})` : ''}`
        : `monitor: ${m.failures} failed check${m.failures === 1 ? '' : 's'} in a row${m.alerted ? ', owner alerted' : ''}${m.last_error ? ` · ${m.last_error}` : ''}`,
    );
  }
  return parts.join(' · ');
}
