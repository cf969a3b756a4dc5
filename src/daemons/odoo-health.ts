import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { toAppError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { OdooClient, OdooHealth } from '../core/odoo/types.js';
import type { Vault } from '../core/vault/vault.js';
import { writeHeartbeat } from './heartbeat.js';

export const ODOO_HEALTH_APP = 'cloud-odoo-health';

interface HealthState {
  failures: number;
  alerted: boolean;
  lastOk?: string;
  lastError?: string;
}

export interface HealthCheckResult {
  ok: boolean;
  detail: string;
  health?: OdooHealth;
}

/** One check: `/web/health?db_server_status=1`. Never throws: an unreachable Odoo is a failed check. */
export async function checkOdooHealth(odoo: OdooClient): Promise<HealthCheckResult> {
  try {
    const health = await odoo.health();
    const detail = health.ok
      ? 'Odoo is healthy (database reachable)'
      : `Odoo answered ${health.httpStatus} (${health.status}${health.dbServerStatus === false ? ', database down' : ''})`;
    return { ok: health.ok, detail, health };
  } catch (err) {
    return { ok: false, detail: `Odoo is unreachable: ${toAppError(err).message}` };
  }
}

/**
 * The health monitor's memory across restarts (in the state dir): how many checks in a row failed, and
 * whether the owner was already told — so a long outage raises one alert, not one per check.
 */
export class OdooHealthMonitor {
  constructor(
    private readonly deps: {
      odoo: OdooClient;
      vault: Vault;
      stateDir: string;
      logger: Logger;
      failuresBeforeAlert: number;
      clock?: () => Date;
    },
  ) {}

  private get file() {
    return path.join(this.deps.stateDir, 'odoo-health.json');
  }

  private async load(): Promise<HealthState> {
    try {
      return JSON.parse(await readFile(this.file, 'utf8')) as HealthState;
    } catch {
      return { failures: 0, alerted: false };
    }
  }

  private async save(state: HealthState): Promise<void> {
    await mkdir(this.deps.stateDir, { recursive: true });
    await writeFile(this.file, JSON.stringify(state));
  }

  async tick(): Promise<HealthCheckResult> {
    const now = (this.deps.clock ?? (() => new Date()))();
    const result = await checkOdooHealth(this.deps.odoo);
    const state = await this.load();
    if (result.ok) {
      if (state.alerted) {
        await this.deps.vault.postUpdate({
          title: 'Odoo is back',
          body: `Odoo answered its health check again at ${now.toISOString()}, after ${state.failures} failed checks.`,
          level: 'info',
          source: ODOO_HEALTH_APP,
        });
      }
      await this.save({ failures: 0, alerted: false, lastOk: now.toISOString() });
    } else {
      const failures = state.failures + 1;
      let alerted = state.alerted;
      if (!alerted && failures >= this.deps.failuresBeforeAlert) {
        await this.deps.vault.postUpdate({
          title: 'Odoo is down',
          body: `${result.detail}\n\n${failures} health checks in a row failed (since ${state.lastOk ?? 'the monitor started'}). Draft invoices wait in the queue and are retried. See "When a health check fails" in docs/deploy.md.`,
          level: 'alert',
          source: ODOO_HEALTH_APP,
        });
        alerted = true;
      }
      await this.save({ ...state, failures, alerted, lastError: result.detail });
    }
    await writeHeartbeat(this.deps.stateDir, {
      name: ODOO_HEALTH_APP,
      at: now.toISOString(),
      ok: result.ok,
      detail: { detail: result.detail },
    });
    this.deps.logger.info({ ok: result.ok, detail: result.detail }, 'odoo health check');
    return result;
  }
}
