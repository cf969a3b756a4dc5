import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Command } from 'commander';
import type { Config } from '../../config.js';
import { invalidInput } from '../../core/errors.js';
import { loadPolicy, type Policy } from '../../core/policy/policy.js';
import type { Role } from '../../core/roles.js';
import { applyFixes, scanVault, type DoctorFixes, type DoctorScan, type DoctorTask } from '../../core/vault/doctor.js';
import { realVaultRoot } from '../../core/vault/safe-path.js';
import { say } from '../print.js';

const run = promisify(execFile);

interface GitState {
  repo: boolean;
  remote?: string;
  /** VAULT_REMOTE, when set. */
  configured?: string;
  lastSync?: { at?: string; result?: string; message?: string };
}

interface GuardState {
  ok: boolean;
  hits: Array<{ path: string; rule: string }>;
  error?: string;
}

export interface DoctorReport {
  vault: string;
  role?: Role;
  policy?: { claims: { queues: readonly string[]; types: readonly string[] }; writable: readonly string[] };
  scan: DoctorScan;
  guard: GuardState;
  git: GitState;
  fixes?: DoctorFixes;
}

/**
 * `ai-employee doctor [--fix] [--json]`: one screen on what this project would do with a vault (any vault: one
 * the hackathon's Python watchers filled, too). It needs no AGENT_ROLE: it judges each queued file against
 * both roles' policies, and shows the role in force when there is one. Without --fix nothing changes.
 * Exit 1 when something needs a person: a file that cannot be read, a task no role takes, a secret, two names
 * that a Mac or a Windows PC would hold as one file.
 */
export function registerDoctorCommand(program: Command, config: () => Config): void {
  program
    .command('doctor')
    .description(
      'what this project would do with a vault (--vault, else VAULT_PATH): missing folders, task files to normalise or refuse, stray files, secrets, git and sync, role and policy; --fix applies the normalisation',
    )
    .option(
      '--fix',
      'create missing folders, write the normalisation into the task files, route what cloud does not take',
    )
    .option('--json', 'print the whole report as JSON')
    .action(async (opts: { fix?: boolean; json?: boolean }) => {
      const cfg = config();
      const root = await realVaultRoot(cfg.vaultPath).catch(() => {
        throw invalidInput(`The vault folder ${cfg.vaultPath} does not exist; give --vault or set VAULT_PATH.`);
      });
      const policies: Record<Role, Policy> = {
        cloud: await loadPolicy('cloud', { dir: cfg.policyDir, draftOnly: true }),
        local: await loadPolicy('local', { dir: cfg.policyDir, draftOnly: false }),
      };
      const role = cfg.role;
      const timeZone = process.env['TZ'] || undefined;
      let scan = await scanVault(root, policies, { timeZone });
      let fixes: DoctorFixes | undefined;
      if (opts.fix) {
        fixes = await applyFixes(scan, { timeZone });
        scan = await scanVault(root, policies, { timeZone });
      }
      const report: DoctorReport = {
        vault: root,
        role,
        policy: role ? policyView(policies[role]) : undefined,
        scan,
        guard: await guardState(root, role ? policies[role] : undefined),
        git: await gitState(root, cfg),
        fixes,
      };
      say(opts.json ? JSON.stringify(report, null, 2) : render(report, Boolean(opts.fix)));
      const needsPerson =
        scan.tasks.some((t) => t.verdict === 'refuse' || t.verdict === 'nobody') ||
        !report.guard.ok ||
        scan.nameTwins.length > 0;
      if (needsPerson) process.exitCode = 1;
    });
}

function policyView(policy: Policy): DoctorReport['policy'] {
  return { claims: { queues: policy.claimQueues, types: policy.claimTypes }, writable: policy.writableFolders };
}

async function guardState(root: string, policy: Policy | undefined): Promise<GuardState> {
  try {
    const { scanPaths } = await import('../../core/guard/index.js');
    const report = await scanPaths(root, { extraBlockedNames: policy?.guardBlockedNames ?? [] });
    return { ok: report.ok, hits: report.hits.map((h) => ({ path: h.path, rule: h.rule })) };
  } catch (err) {
    return { ok: false, hits: [], error: (err as Error).message };
  }
}

async function gitState(root: string, cfg: Config): Promise<GitState> {
  const state: GitState = { repo: false, configured: cfg.sync.remote };
  try {
    const top = (await run('git', ['-C', root, 'rev-parse', '--show-toplevel'])).stdout.trim();
    state.repo = top !== '';
  } catch {
    return state;
  }
  try {
    state.remote = (await run('git', ['-C', root, 'remote', 'get-url', 'origin'])).stdout.trim() || undefined;
  } catch {
    state.remote = undefined;
  }
  const { readSyncState } = await import('../../daemons/sync/state.js');
  const sync = await readSyncState(cfg.stateDir);
  if (sync.last_attempt_at)
    state.lastSync = { at: sync.last_success_at ?? sync.last_attempt_at, result: sync.result, message: sync.message };
  return state;
}

const MAX_LINES = 15;

function render(r: DoctorReport, fixed: boolean): string {
  const out: string[] = [];
  const s = r.scan;
  out.push(`Vault ${r.vault}`);
  out.push(
    r.role
      ? `Role: ${r.role} (AGENT_ROLE); it claims ${r.policy?.claims.types.join(', ')} from ${r.policy?.claims.queues.join(', ')}; it writes ${r.policy?.writable.join(', ')}`
      : 'Role: none set (AGENT_ROLE); each file is judged against both policies (policies/cloud.json, policies/local.json)',
  );
  out.push(
    s.missingFolders.length === 0
      ? 'Folders: all present'
      : `Folders: ${s.missingFolders.length} missing: ${s.missingFolders.join(', ')}${fixed ? '' : ' (--fix creates them)'}`,
  );
  const by = (v: DoctorTask['verdict']) => s.tasks.filter((t) => t.verdict === v);
  out.push(
    `Task files in the queues: ${s.tasks.length} — ${by('ok').length} in shape, ${by('normalise').length} to normalise on claim, ${by('route').length} to route to local, ${by('refuse').length} refused, ${by('nobody').length} taken by no role`,
  );
  const shown = s.tasks.filter((t) => t.verdict !== 'ok');
  for (const t of shown.slice(0, MAX_LINES)) out.push(`  ${taskLine(t)}`);
  if (shown.length > MAX_LINES) out.push(`  … and ${shown.length - MAX_LINES} more (--json lists them all)`);
  if (s.stray.length > 0) {
    out.push(`Stray: ${s.stray.length} (left alone)`);
    for (const x of s.stray.slice(0, 5)) out.push(`  ${x.path}: ${x.why}`);
    if (s.stray.length > 5) out.push(`  … and ${s.stray.length - 5} more`);
  }
  if (s.nameTwins.length > 0) {
    out.push(
      `Name twins: ${s.nameTwins.length}: names that differ only by case or accent form; a Mac or a Windows PC holds one file for each group, so rename all but one (on this machine)`,
    );
    for (const group of s.nameTwins.slice(0, 5)) out.push(`  ${group.join('  ≡  ')}`);
    if (s.nameTwins.length > 5) out.push(`  … and ${s.nameTwins.length - 5} more (--json lists them all)`);
  }
  const others = Object.entries(s.counts).filter(([, n]) => n > 0);
  if (others.length > 0) out.push(`Other folders: ${others.map(([f, n]) => `${f} ${n}`).join(', ')}`);
  out.push(
    r.guard.error
      ? `Secrets (guard): the scan failed: ${r.guard.error}`
      : r.guard.ok
        ? 'Secrets (guard): none found'
        : `Secrets (guard): ${r.guard.hits.length} hit(s), sync would stop: ${r.guard.hits
            .slice(0, 3)
            .map((h) => `${h.path} (${h.rule})`)
            .join(', ')}`,
  );
  out.push(gitLine(r.git));
  if (r.fixes) {
    const f = r.fixes;
    out.push(
      `Fixed: ${f.createdFolders.length} folder(s) created, ${f.normalised.length} file(s) normalised, ${f.routed.length} routed to local${f.skipped.length ? `; ${f.skipped.length} skipped: ${f.skipped.map((x) => `${x.path} (${x.why})`).join(', ')}` : ''}`,
    );
  } else {
    const fixable = s.missingFolders.length + by('normalise').length + by('route').length;
    out.push(
      fixable > 0
        ? 'Nothing was changed. Run with --fix to apply the normalisation (claiming applies it too, one file at a time).'
        : 'Nothing was changed; nothing needs --fix.',
    );
  }
  return out.join('\n');
}

function taskLine(t: DoctorTask): string {
  const who = t.takenBy ? ` → ${t.takenBy}` : '';
  const head = `${t.path} [${t.type ?? '?'}${who}]`;
  switch (t.verdict) {
    case 'refuse':
      return `${t.path}: REFUSED, claiming moves it to Failed/: ${t.reason}`;
    case 'nobody':
      return `${head}: ${t.reason}`;
    case 'route':
      return `${head}: ${t.reason}${t.changes?.length ? `; normalise: ${t.changes.join('; ')}` : ''}`;
    default:
      return `${head}: normalise: ${(t.changes ?? []).join('; ')}`;
  }
}

function gitLine(g: GitState): string {
  if (!g.repo)
    return `Git: not a git repository; sync is off${g.configured ? ` (VAULT_REMOTE=${g.configured}: "ai-employee sync --once" sets it up)` : ' (set VAULT_REMOTE to sync two machines)'}`;
  const remote = g.remote ? `remote origin ${g.remote}` : 'no remote "origin"';
  const last = g.lastSync
    ? `; last sync ${g.lastSync.at ?? '?'}: ${g.lastSync.result ?? '?'}${g.lastSync.message ? ` (${g.lastSync.message})` : ''}`
    : '; no sync has run on this machine';
  return `Git: ${remote}${last}`;
}
