#!/usr/bin/env bash
# One Odoo backup: the database (pg_dump custom format) and its filestore (tar.gz), then retention.
#
#   ODOO_DB=odoo BACKUP_DIR=/backups PGHOST=db PGUSER=odoo PGPASSWORD=... backup_odoo.sh
#
# Connection settings are libpq's own PGHOST, PGPORT, PGUSER, PGPASSWORD (or ~/.pgpass), so the same script
# runs in the stack's backup service, through `docker compose exec`, or against any reachable server.
#
# Layout, one folder per backup (UTC timestamps sort by name):
#   $BACKUP_DIR/daily/<db>_<YYYYMMDDTHHMMSSZ>/{db.dump,filestore.tar.gz,SHA256SUMS}
#   $BACKUP_DIR/weekly/<same name>/   hard links to a daily backup, made when no weekly is younger than 7 days
# Keeps the newest KEEP_DAILY (7) daily and KEEP_WEEKLY (4) weekly backups; older ones are deleted.
set -euo pipefail

db="${ODOO_DB:?set ODOO_DB to the database to back up}"
backup_dir="${BACKUP_DIR:?set BACKUP_DIR to where backups go}"
filestore_root="${FILESTORE_ROOT:-/var/lib/odoo/filestore}"
keep_daily="${KEEP_DAILY:-7}"
keep_weekly="${KEEP_WEEKLY:-4}"

log() { printf '%s backup_odoo: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }

for n in "$keep_daily" "$keep_weekly"; do
  if ! [[ "$n" =~ ^[1-9][0-9]*$ ]]; then
    log "KEEP_DAILY and KEEP_WEEKLY must be whole numbers of at least 1 (got '$n')"
    exit 2
  fi
done

# Backups hold every customer record and invoice: readable by their owner only.
umask 077
mkdir -p "$backup_dir/daily" "$backup_dir/weekly"

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
name="${db}_${stamp}"
final="$backup_dir/daily/$name"
# Built under a dot-name and renamed at the end, so a crash or a full disk never leaves something that
# looks like a complete backup (retention and restore only look at names without the dot).
work="$backup_dir/daily/.partial-$name"
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

if [ -e "$final" ]; then
  log "$final already exists (two runs in the same second?); not overwriting it"
  exit 1
fi
mkdir "$work"

log "dumping database $db"
# Custom format: compressed, and pg_restore can restore it selectively or in parallel.
# --no-owner/--no-privileges: a restore then belongs to whoever restores it, on this server or another.
pg_dump --format=custom --compress=6 --no-owner --no-privileges --dbname="$db" --file="$work/db.dump"

filestore="$filestore_root/$db"
if [ -d "$filestore" ]; then
  log "archiving filestore $filestore"
  # Paths inside the archive are relative to the filestore folder, so it can be restored under any name.
  tar -C "$filestore" -czf "$work/filestore.tar.gz" .
else
  # A database with no attachment yet has no filestore; an empty archive keeps every backup alike.
  log "no filestore at $filestore (no attachments yet); archiving an empty one"
  tar -C "$work" -czf "$work/filestore.tar.gz" --files-from /dev/null
fi

(cd "$work" && sha256sum db.dump filestore.tar.gz >SHA256SUMS)
mv "$work" "$final"
log "wrote $final ($(du -sh "$final" | cut -f1))"

# Weekly: promote this backup unless a weekly one is younger than 7 days. Deciding by age, not by weekday,
# still yields one weekly a week when the VM happened to be off on the usual day.
newest_weekly="$(find "$backup_dir/weekly" -mindepth 1 -maxdepth 1 -type d -name "${db}_*" -printf '%f\n' | sort | tail -n 1)"
week_ago="${db}_$(date -u -d '7 days ago' +%Y%m%dT%H%M%SZ)"
if [ -z "$newest_weekly" ] || [[ "$newest_weekly" < "$week_ago" ]] || [[ "$newest_weekly" == "$week_ago" ]]; then
  # Hard links: a weekly copy costs no space while the daily one still exists.
  cp -al "$final" "$backup_dir/weekly/$name"
  log "kept as this week's backup: $backup_dir/weekly/$name"
fi

# Retention per tier: sort names newest first and delete everything past the newest N.
prune() {
  local tier="$1" keep="$2" old
  find "$backup_dir/$tier" -mindepth 1 -maxdepth 1 -type d -name "${db}_*" -printf '%f\n' | sort -r |
    tail -n "+$((keep + 1))" | while IFS= read -r old; do
    log "removing old $tier backup $old"
    rm -rf -- "${backup_dir:?}/$tier/$old"
  done
}
prune daily "$keep_daily"
prune weekly "$keep_weekly"

# Shown to the scheduler and to a human running it by hand.
printf '%s\n' "$final"
