#!/usr/bin/env bash
# Renders docker/odoo.conf (mounted read-only as the template) into $ODOO_RC with the database name and the
# master password from the environment, then runs the odoo image's own entrypoint.
#
# Why: Odoo reads its config file without any environment expansion, and the image's entrypoint only maps
# HOST/PORT/USER/PASSWORD (the database connection), never admin_passwd. Rendering at start keeps the
# secret in the env file (mode 0600 on the host) and out of the repository and the image.
set -euo pipefail

template="${ODOO_CONF_TEMPLATE:-/etc/odoo/odoo.conf.template}"
target="${ODOO_RC:?set ODOO_RC to where the rendered odoo.conf goes}"

# Fail here, by name, rather than start Odoo with an empty or default master password.
missing=()
[ -n "${ODOO_DB:-}" ] || missing+=(ODOO_DB)
[ -n "${ODOO_ADMIN_PASSWORD:-}" ] || missing+=(ODOO_ADMIN_PASSWORD)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "odoo-entrypoint: missing ${missing[*]} (set it in docker/.env)" >&2
  exit 1
fi
# A newline would end the config line early and let the rest be read as other options.
case "${ODOO_ADMIN_PASSWORD}${ODOO_DB}" in
  *$'\n'* | *$'\r'*)
    echo "odoo-entrypoint: ODOO_ADMIN_PASSWORD and ODOO_DB must be one line each" >&2
    exit 1
    ;;
esac
# dbfilter is a regular expression: a database name of plain characters keeps ^name$ an exact match.
if ! [[ "${ODOO_DB}" =~ ^[A-Za-z0-9_-]+$ ]]; then
  echo "odoo-entrypoint: ODOO_DB may only hold letters, digits, '_' and '-'" >&2
  exit 1
fi

# Only this user may read the rendered file: it holds the master password.
umask 077
mkdir -p "$(dirname "$target")"
tmp="${target}.tmp.$$"
{
  while IFS= read -r line || [ -n "$line" ]; do
    # The replacement is quoted so characters such as & or \ in the password stay literal
    # (bash 5.2's patsub_replacement would otherwise expand an unquoted &).
    line="${line//__ODOO_DB__/"$ODOO_DB"}"
    line="${line//__ODOO_ADMIN_PASSWORD__/"$ODOO_ADMIN_PASSWORD"}"
    printf '%s\n' "$line"
  done <"$template"
} >"$tmp"
mv -f "$tmp" "$target"

exec "${ODOO_IMAGE_ENTRYPOINT:-/entrypoint.sh}" "$@"
