#!/usr/bin/env bash
# Stops the PostgreSQL and Redis that scripts/services.sh started (never the machine's own):
# only what var/run/pg.started and var/run/redis.started record.
#   scripts/stop-services.sh            both
#   scripts/stop-services.sh pg|redis   one of them
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
ROOT=$(pwd)

log() { echo "==> $*" >&2; }

stop_pg() {
  local bin="" data="$ROOT/var/pg/data" line
  [ -f var/run/pg.started ] || return 0
  while IFS= read -r line; do
    case "$line" in
      bin=*) bin=${line#bin=} ;;
      data=*) data=${line#data=} ;;
      /*) bin=$line ;;  # older format: the binaries' directory alone
    esac
  done < var/run/pg.started
  if [ -n "$bin" ] && [ -f "$data/postmaster.pid" ]; then
    if [ "$(id -u)" = 0 ]; then
      (cd / && runuser -u postgres -- "$bin/pg_ctl" -D "$data" -m fast -w -t 30 stop) >/dev/null 2>&1
    else
      "$bin/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null 2>&1
    fi
  fi
  rm -f var/run/pg.started var/run/pg.pid
  log "stopped our PostgreSQL"
}

stop_redis() {
  local pid _
  [ -f var/run/redis.started ] || return 0
  if [ -f var/run/redis.pid ]; then
    pid=$(cat var/run/redis.pid)
    # Only if that pid is still a redis-server (a stale pid file may name another process).
    if tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q redis-server; then
      kill "$pid" 2>/dev/null
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
  fi
  rm -f var/run/redis.started var/run/redis.pid
  log "stopped our Redis"
}

[ "$#" -gt 0 ] || set -- pg redis
# var/run/env may name what we stop; scripts/services.sh writes it again.
{ [ -f var/run/pg.started ] || [ -f var/run/redis.started ]; } && rm -f var/run/env
for service in "$@"; do
  case "$service" in
    pg) stop_pg ;;
    redis) stop_redis ;;
    *) echo "unknown service: $service (pg or redis)" >&2; exit 2 ;;
  esac
done
exit 0
