#!/usr/bin/env bash
# Checks Odoo once through `ai-employee health odoo` (GET $ODOO_URL/web/health?db_server_status=1) and exits
# with its status: 0 healthy, 1 not. For cron, e.g. every 5 minutes:
#
#   */5 * * * * cd /opt/ai-employee && ODOO_URL=https://odoo.example.com scripts/cloud/odoo_health_monitor.sh >>/var/log/odoo-health.log 2>&1
#
# Extra arguments go to the command, so `odoo_health_monitor.sh --watch` runs the long-lived monitor
# (what PM2's cloud-odoo-health app does) that raises an alert in the vault after repeated failures.
# ODOO_URL is required; ODOO_DB, ODOO_LOGIN, ODOO_API_KEY and ODOO_PROTOCOL are used when set.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

if [ -z "${ODOO_URL:-}" ]; then
  echo "odoo_health_monitor: ODOO_URL is not set (e.g. https://odoo.example.com)" >&2
  exit 2
fi

# The repository's own build first (this checkout's version); an installed ai-employee otherwise.
if [ -f "$repo/dist/src/cli.js" ]; then
  cli=(node "$repo/dist/src/cli.js")
elif command -v ai-employee >/dev/null 2>&1; then
  cli=(ai-employee)
else
  echo "odoo_health_monitor: no ai-employee CLI: run 'npm ci && npm run build' in $repo" >&2
  exit 2
fi

printf '%s ' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
exec "${cli[@]}" health odoo "$@"
