#!/usr/bin/env bash
# Starts the owner's side under PM2 (ecosystem.local.cjs): the approval executor, git sync, the dashboard.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ENV_FILE="${AI_EMPLOYEE_ENV_FILE:-$HOME/.config/ai-employee/local.env}"
if [ -f "$ENV_FILE" ]; then
  set -a
  # shellcheck disable=SC1090
  . "$ENV_FILE"
  set +a
fi
export AGENT_ROLE=local
if [ ! -f "$REPO/dist/src/cli.js" ]; then (cd "$REPO" && npm run -s build); fi
if ! node "$REPO/dist/src/cli.js" guard; then
  echo "start_local_stack: the security guard blocked the start; remove the files it named, then start again." >&2
  exit 1
fi
node "$REPO/scripts/pm2-ecosystem.cjs" start "$REPO/ecosystem.local.cjs"
