#!/usr/bin/env bash
# The main job end to end on embedded defaults: installs eventwire, finds or starts Redis, uses
# SQLite (eventwire.db), enqueues the sample corpus, drains it with two worker processes, prints
# what was found and opens the dashboard on http://127.0.0.1:8501 (Ctrl-C stops it).
# EVENTWIRE_DEMO_NO_DASHBOARD=1 stops after the summary.
set -euo pipefail
source "$(dirname "$0")/services.sh"
cd "$ROOT"
ensure_venv
ensure_redis
say "database: ${EVENTWIRE_DATABASE_URL:-sqlite:///eventwire.db}"
eventwire db upgrade
say "enqueue the sample corpus (data/sample/articles.jsonl)"
eventwire enqueue data/sample/articles.jsonl
say "drain the queue with two worker processes"
eventwire worker --processes 2 --burst
eventwire stats
say "parades and launches found"
eventwire query --type parade --type launch --limit 20
if [ -z "${EVENTWIRE_DEMO_NO_DASHBOARD:-}" ]; then
  say "dashboard on http://127.0.0.1:${EVENTWIRE_DASHBOARD_PORT:-8501} (Ctrl-C to stop)"
  exec eventwire dashboard --headless --port "${EVENTWIRE_DASHBOARD_PORT:-8501}"
fi
