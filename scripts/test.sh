#!/usr/bin/env bash
# Run eventwire's tests on a fresh machine: installs what is missing (Python packages, Redis,
# PostgreSQL), starts the services if they are not running, then runs ruff and pytest.
# Extra arguments go to pytest (e.g. scripts/test.sh -k enqueue).
set -euo pipefail
source "$(dirname "$0")/services.sh"
cd "$ROOT"
ensure_venv
ensure_redis
ensure_postgres
say "ruff"
"$VENV/bin/ruff" check .
say "pytest"
exec "$VENV/bin/pytest" "$@"
