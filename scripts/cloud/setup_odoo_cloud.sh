#!/usr/bin/env bash
# One command on a fresh VM: Odoo 19 + PostgreSQL 15 behind Caddy's automatic HTTPS, with nightly backups.
#
#   POSTGRES_PASSWORD='<a long random string>' ODOO_DOMAIN=odoo.example.com ODOO_EMAIL=you@example.com \
#     scripts/cloud/setup_odoo_cloud.sh
#
# Checks Docker and the required variables, writes docker/.env (mode 0600), initialises the database on the
# first run, starts the stack (docker/docker-compose.odoo-cloud.yml), waits until it is healthy, and prints
# the next steps. Safe to run again: values already in docker/.env are reused, an existing database is
# left alone. Optional: ODOO_DB (default odoo), ODOO_ADMIN_PASSWORD (the master password; generated when
# absent), BACKUP_TIME (HH:MM UTC, default 02:30), SETUP_TIMEOUT_SECONDS (default 900).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
compose_file="$repo/docker/docker-compose.odoo-cloud.yml"
env_file="${ODOO_ENV_FILE:-$repo/docker/.env}"
timeout_s="${SETUP_TIMEOUT_SECONDS:-900}"
poll_s="${SETUP_POLL_SECONDS:-5}"

say() { printf '==> %s\n' "$*"; }
die() {
  printf 'setup_odoo_cloud: %s\n' "$*" >&2
  exit 1
}

# Values given in the environment win; otherwise reuse what an earlier run wrote. The env file is parsed,
# never sourced: it is data, and a stray `$(...)` in it must not run.
env_file_value() {
  [ -f "$env_file" ] || return 0
  local line
  line="$(grep -E "^$1=" "$env_file" | tail -n 1 || true)"
  line="${line#*=}"
  line="${line#\'}"
  printf '%s' "${line%\'}"
}
for var in POSTGRES_PASSWORD ODOO_DOMAIN ODOO_EMAIL ODOO_DB ODOO_ADMIN_PASSWORD BACKUP_TIME; do
  if [ -z "${!var:-}" ]; then
    value="$(env_file_value "$var")"
    if [ -n "$value" ]; then printf -v "$var" '%s' "$value"; fi
  fi
done
ODOO_DB="${ODOO_DB:-odoo}"
BACKUP_TIME="${BACKUP_TIME:-02:30}"

# Every problem at once, each named, so one edit fixes them all.
problems=()
for var in POSTGRES_PASSWORD ODOO_DOMAIN ODOO_EMAIL; do
  [ -n "${!var:-}" ] || problems+=("$var is not set")
done
if [ -n "${POSTGRES_PASSWORD:-}" ]; then
  if [ "${#POSTGRES_PASSWORD}" -lt 16 ] || [[ "${POSTGRES_PASSWORD,,}" == *change-me* ]]; then
    problems+=("POSTGRES_PASSWORD must be at least 16 characters and not a placeholder (try: openssl rand -hex 24)")
  fi
fi
if [ -n "${ODOO_DOMAIN:-}" ] && ! [[ "$ODOO_DOMAIN" =~ ^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$ ]]; then
  problems+=("ODOO_DOMAIN must be a bare host name such as odoo.example.com (no https://, no path)")
fi
if [ -n "${ODOO_EMAIL:-}" ] && ! [[ "$ODOO_EMAIL" =~ ^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$ ]]; then
  problems+=("ODOO_EMAIL must be an e-mail address (Let's Encrypt writes there about certificates)")
fi
if ! [[ "$ODOO_DB" =~ ^[A-Za-z0-9_-]+$ ]]; then
  problems+=("ODOO_DB may only hold letters, digits, '_' and '-'")
fi
if ! [[ "$BACKUP_TIME" =~ ^([01][0-9]|2[0-3]):[0-5][0-9]$ ]]; then
  problems+=("BACKUP_TIME must be HH:MM (24 h, UTC)")
fi
# The env file quotes values with single quotes (so compose takes $ and # literally): they cannot hold one.
for var in POSTGRES_PASSWORD ODOO_ADMIN_PASSWORD ODOO_EMAIL; do
  case "${!var:-}" in
    *"'"* | *$'\n'*) problems+=("$var must not contain a single quote or a line break") ;;
  esac
done
if ! command -v docker >/dev/null 2>&1; then
  problems+=("docker is not installed (https://docs.docker.com/engine/install/)")
elif ! docker compose version >/dev/null 2>&1; then
  problems+=("docker compose (v2 plugin) is not available (install docker-compose-plugin)")
elif ! docker info >/dev/null 2>&1; then
  problems+=("the Docker engine is not reachable (is it running, and may this user use it?)")
fi
if [ "${#problems[@]}" -gt 0 ]; then
  printf 'setup_odoo_cloud: cannot continue:\n' >&2
  printf '  - %s\n' "${problems[@]}" >&2
  printf 'Set the variables in the environment (or in %s) and run this again.\n' "$env_file" >&2
  exit 1
fi

if [ -z "${ODOO_ADMIN_PASSWORD:-}" ]; then
  # The master password guards Odoo's database service. Nobody types it day to day, so make it long.
  ODOO_ADMIN_PASSWORD="$(head -c 32 /dev/urandom | base64 | tr -d '/+=\n')"
fi

say "writing $env_file (mode 0600)"
# umask in a subshell: the file is created 0600 from the start, never briefly world-readable.
(
  umask 077
  tmp="$env_file.tmp.$$"
  {
    echo "# Written by scripts/cloud/setup_odoo_cloud.sh. Secrets: keep this file on the VM only."
    printf "%s='%s'\n" \
      POSTGRES_PASSWORD "$POSTGRES_PASSWORD" \
      ODOO_ADMIN_PASSWORD "$ODOO_ADMIN_PASSWORD" \
      ODOO_DOMAIN "$ODOO_DOMAIN" \
      ODOO_EMAIL "$ODOO_EMAIL" \
      ODOO_DB "$ODOO_DB" \
      BACKUP_TIME "$BACKUP_TIME"
  } >"$tmp"
  mv -f "$tmp" "$env_file"
)
chmod 600 "$env_file"

compose() { docker compose --file "$compose_file" --env-file "$env_file" "$@"; }

# Polls until the service's container reports healthy, at most $timeout_s seconds.
wait_healthy() {
  local service="$1" deadline status id
  deadline=$((SECONDS + timeout_s))
  while :; do
    id="$(compose ps --quiet "$service" || true)"
    status="$( [ -n "$id" ] && docker inspect --format '{{.State.Health.Status}}' "$id" 2>/dev/null || echo starting)"
    [ "$status" = healthy ] && return 0
    if [ "$SECONDS" -ge "$deadline" ]; then
      compose logs --tail 50 "$service" >&2 || true
      die "$service is not healthy after ${timeout_s}s (status: $status); see the log above and docs/deploy.md, \"When a health check fails\""
    fi
    sleep "$poll_s"
  done
}

mkdir -p "$repo/docker/backups"
say "pulling images"
compose pull --quiet
say "starting PostgreSQL"
compose up -d db
wait_healthy db

# With list_db = False the web database manager is off, so the first database is made here instead.
exists="$(compose exec -T db psql -U odoo -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$ODOO_DB'")"
admin_password=""
if [ "$exists" != "1" ]; then
  say "creating database $ODOO_DB (installs Odoo's base module; this takes a few minutes)"
  compose run --rm -T odoo odoo --init base --database "$ODOO_DB" --stop-after-init --no-http
  # `--init base` creates the admin user with the password "admin". Replace it before Odoo goes online.
  admin_password="$(head -c 18 /dev/urandom | base64 | tr -d '/+=\n')"
  export ODOO_INITIAL_ADMIN_PASSWORD="$admin_password"
  printf '%s\n' "import os" \
    "env.ref('base.user_admin').write({'password': os.environ['ODOO_INITIAL_ADMIN_PASSWORD']})" \
    "env.cr.commit()" |
    compose run --rm -T -e ODOO_INITIAL_ADMIN_PASSWORD odoo odoo shell --database "$ODOO_DB" --no-http >/dev/null
  unset ODOO_INITIAL_ADMIN_PASSWORD
fi

say "starting Odoo, Caddy and the backup job"
compose up -d
wait_healthy odoo

say "checking https://$ODOO_DOMAIN/web/health (Caddy fetches the certificate on first use)"
deadline=$((SECONDS + 120))
until curl -fsS --max-time 10 "https://$ODOO_DOMAIN/web/health" >/dev/null 2>&1; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    printf 'setup_odoo_cloud: the stack is up, but https://%s/web/health does not answer yet.\n' "$ODOO_DOMAIN" >&2
    printf '  Check that DNS for %s points at this VM and that ports 80 and 443 are open, then:\n' "$ODOO_DOMAIN" >&2
    printf '  docker compose -f %s --env-file %s logs caddy\n' "$compose_file" "$env_file" >&2
    break
  fi
  sleep "$poll_s"
done

cat <<EOF

Odoo is running at https://$ODOO_DOMAIN (database "$ODOO_DB").
EOF
if [ -n "$admin_password" ]; then
  cat <<EOF

First login: user "admin", password "$admin_password" (shown once; change it under Preferences).
EOF
fi
cat <<EOF

Next steps:
  1. Log in as admin, create a dedicated bot user (Settings -> Users) with invoicing rights only.
  2. As the bot user: Preferences -> Account Security -> New API Key (keys expire; note the date).
  3. On the machine running ai-employee (cloud), set:
       ODOO_URL=https://$ODOO_DOMAIN
       ODOO_DB=$ODOO_DB
       ODOO_LOGIN=<the bot user's login>
       ODOO_API_KEY=<the key from step 2>
  4. Check it: scripts/cloud/odoo_health_monitor.sh   (cron it: see docs/deploy.md, Monitoring)
  5. Backups run daily at $BACKUP_TIME UTC into $repo/docker/backups; copy them off the VM.
EOF
