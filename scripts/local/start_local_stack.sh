#!/usr/bin/env bash
# Starts the owner's side under PM2 (ecosystem.local.cjs): the approval executor, git sync, the dashboard, the
# watchdog. Kept for Linux and macOS users of the runbook; the work is `ai-employee local start` (the same on
# Windows), which reads AI_EMPLOYEE_ENV_FILE (default ~/.config/ai-employee/local.env), runs the security guard
# (a hit refuses the start) and saves the PM2 list. Arguments are passed on (for example --restart).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if [ ! -f "$REPO/dist/src/cli.js" ]; then (cd "$REPO" && npm run -s build); fi
exec node "$REPO/dist/src/cli.js" local start "$@"
