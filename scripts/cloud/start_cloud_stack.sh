#!/usr/bin/env bash
# Starts the cloud stack under PM2 (ecosystem.cloud.cjs). The security guard runs first and a hit refuses
# the start: a secret in the vault must never be synced. Settings come from the environment, or from the
# env file named by AI_EMPLOYEE_ENV_FILE (default: ~/.config/ai-employee/cloud.env), never from the repo.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ENV_FILE="${AI_EMPLOYEE_ENV_FILE:-$HOME/.config/ai-employee/cloud.env}"
if [ -f "$ENV_FILE" ]; then
  set -a
  # shellcheck disable=SC1090
  . "$ENV_FILE"
  set +a
fi
export AGENT_ROLE=cloud CLOUD_DRAFT_ONLY=true
if [ ! -f "$REPO/dist/src/cli.js" ]; then (cd "$REPO" && npm run -s build); fi

if ! "$REPO/scripts/cloud/cloud_security_guard.sh"; then
  echo "start_cloud_stack: the security guard blocked the start; remove the files it named, then start again." >&2
  exit 1
fi
node "$REPO/scripts/pm2-ecosystem.cjs" start "$REPO/ecosystem.cloud.cjs"
echo "Cloud stack started. 'node $REPO/dist/src/cli.js status' shows it; logs are in ${AI_EMPLOYEE_LOG_DIR:-$REPO/logs}."
