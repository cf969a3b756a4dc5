#!/usr/bin/env bash
# Restores one backup made by backup_odoo.sh: the database from db.dump and the filestore from
# filestore.tar.gz.
#
#   restore_odoo.sh [--replace] <backup folder> [target database]
#
# The target database defaults to ODOO_DB. It must not exist, unless --replace is given: then the existing
# database is dropped and its filestore moved aside (stop Odoo first, or the drop fails on its
# connections). Connection settings come from PGHOST, PGPORT, PGUSER, PGPASSWORD, like backup_odoo.sh.
set -euo pipefail

usage() {
  echo "usage: restore_odoo.sh [--replace] <backup folder> [target database]" >&2
  exit 2
}

replace=false
if [ "${1:-}" = "--replace" ]; then
  replace=true
  shift
fi
if [ "$#" -lt 1 ] || [ "$#" -gt 2 ]; then usage; fi
src="$1"
target="${2:-${ODOO_DB:-}}"
[ -n "$target" ] || {
  echo "restore_odoo: name the target database (argument or ODOO_DB)" >&2
  exit 2
}
filestore_root="${FILESTORE_ROOT:-/var/lib/odoo/filestore}"

log() { printf '%s restore_odoo: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }

# A bare backup name is looked up under BACKUP_DIR (daily, then weekly), as the restore service mounts it.
if [ ! -d "$src" ] && [ -n "${BACKUP_DIR:-}" ]; then
  for tier in daily weekly; do
    if [ -d "$BACKUP_DIR/$tier/$src" ]; then
      src="$BACKUP_DIR/$tier/$src"
      break
    fi
  done
fi
for f in db.dump filestore.tar.gz; do
  [ -f "$src/$f" ] || {
    echo "restore_odoo: $src/$f not found; pass a folder written by backup_odoo.sh" >&2
    exit 1
  }
done
# Refuse a damaged or half-copied backup before touching anything.
if [ -f "$src/SHA256SUMS" ]; then
  (cd "$src" && sha256sum --quiet --check SHA256SUMS) || {
    echo "restore_odoo: checksums in $src/SHA256SUMS do not match; not restoring" >&2
    exit 1
  }
fi

# SQL on stdin, not --command: psql interpolates :'name' (quoted safely as a literal) only in scripts.
# An assignment, so a connection failure stops the script here with psql's own message.
exists="$(echo "SELECT 1 FROM pg_database WHERE datname = :'name'" |
  psql --dbname=postgres --no-align --tuples-only --no-psqlrc --set=ON_ERROR_STOP=1 --set=name="$target")"

if [ "$exists" = "1" ]; then
  if [ "$replace" != true ]; then
    echo "restore_odoo: database $target already exists; pass --replace to drop it (stop Odoo first)" >&2
    exit 1
  fi
  log "dropping existing database $target"
  dropdb "$target"
fi

filestore="$filestore_root/$target"
if [ -e "$filestore" ] && [ -n "$(ls -A "$filestore" 2>/dev/null)" ]; then
  if [ "$replace" != true ]; then
    echo "restore_odoo: $filestore is not empty; pass --replace to move it aside" >&2
    exit 1
  fi
  aside="${filestore}.before-restore-$(date -u +%Y%m%dT%H%M%SZ)"
  log "moving the current filestore aside to $aside"
  mv "$filestore" "$aside"
fi

log "creating database $target"
# template0: the dump carries its own encoding and extensions; template1 may hold local additions.
createdb --template=template0 --encoding=UTF8 "$target"
log "restoring $src/db.dump into $target"
# One transaction: a failed restore leaves an empty database, never a half-filled one.
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$target" "$src/db.dump"

log "restoring the filestore into $filestore"
mkdir -p "$filestore"
tar -C "$filestore" -xzf "$src/filestore.tar.gz"
# Run as root (the restore service), the files would belong to root and Odoo could not add attachments:
# give them to whoever owns the filestore root, which is the user Odoo runs as.
if [ "$(id -u)" -eq 0 ] && [ -d "$filestore_root" ]; then
  chown -R "$(stat -c '%u:%g' "$filestore_root")" "$filestore"
fi

log "restored $src into database $target"
