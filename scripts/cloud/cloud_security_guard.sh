#!/usr/bin/env bash
# Runs the security guard over the vault (VAULT_PATH, else ./AI_Employee_Vault): exit 1 and the file and
# rule on a hit. A thin wrapper: the rules live in src/core/guard.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if [ ! -f "$REPO/dist/src/cli.js" ]; then (cd "$REPO" && npm run -s build); fi
exec node "$REPO/dist/src/cli.js" guard "$@"
