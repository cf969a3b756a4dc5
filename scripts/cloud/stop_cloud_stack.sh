#!/usr/bin/env bash
# Stops the cloud stack cleanly: each app gets SIGINT and kill_timeout to finish its cycle, then is removed
# from PM2's list (so a reboot does not resurrect a half-configured stack).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
node "$REPO/scripts/pm2-ecosystem.cjs" stop "$REPO/ecosystem.cloud.cjs"
echo "Cloud stack stopped."
