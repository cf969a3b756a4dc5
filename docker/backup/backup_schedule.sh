#!/usr/bin/env bash
# The backup service's main loop (docker-compose.odoo-cloud.yml): runs backup_odoo.sh once a day at
# BACKUP_TIME (HH:MM, UTC), and once at start when the newest backup is over a day old, so a VM that was
# off at the scheduled time still gets its backup.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
backup_time="${BACKUP_TIME:-02:30}"
db="${ODOO_DB:?set ODOO_DB}"
backup_dir="${BACKUP_DIR:?set BACKUP_DIR}"

if ! [[ "$backup_time" =~ ^([01][0-9]|2[0-3]):[0-5][0-9]$ ]]; then
  echo "backup_schedule: BACKUP_TIME must be HH:MM (24 h, UTC), got '$backup_time'" >&2
  exit 2
fi

run_backup() {
  # A failed backup is logged and retried at the next slot; the loop itself must keep running.
  if ! bash "$here/backup_odoo.sh"; then
    echo "backup_schedule: backup failed; see the messages above (next try at $backup_time UTC)" >&2
  fi
}

newest="$(find "$backup_dir/daily" -mindepth 1 -maxdepth 1 -type d -name "${db}_*" -mmin -1440 2>/dev/null | head -n 1 || true)"
if [ -z "$newest" ]; then
  run_backup
fi

# Bash runs as PID 1 in the container, and PID 1 gets no default signal handling: without this trap
# `docker compose stop` would wait out its grace period and then kill the job.
trap 'exit 0' TERM INT

while true; do
  now="$(date -u +%s)"
  next="$(date -u -d "today $backup_time" +%s)"
  if [ "$next" -le "$now" ]; then next="$(date -u -d "tomorrow $backup_time" +%s)"; fi
  echo "backup_schedule: next backup at $(date -u -d "@$next" +%Y-%m-%dT%H:%MZ)" >&2
  # `sleep` in the background plus `wait`, so the container stops at once on SIGTERM instead of after
  # docker's 10 s grace period.
  sleep "$((next - now))" &
  wait "$!"
  run_backup
done
