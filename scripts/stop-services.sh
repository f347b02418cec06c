#!/usr/bin/env bash
# Stops the PostgreSQL and Redis that scripts/services.sh started (never the machine's own).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
if [ -f var/run/pg.started ]; then
  bin=$(cat var/run/pg.started)
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$bin/pg_ctl" -D "$ROOT/var/pg/data" -m fast -w stop >/dev/null 2>&1
  else "$bin/pg_ctl" -D "$ROOT/var/pg/data" -m fast -w stop >/dev/null 2>&1; fi
  rm -f var/run/pg.started
  echo "==> stopped our PostgreSQL" >&2
fi
if [ -f var/run/redis.started ]; then
  [ -f var/run/redis.pid ] && kill "$(cat var/run/redis.pid)" 2>/dev/null
  rm -f var/run/redis.started var/run/redis.pid
  echo "==> stopped our Redis" >&2
fi
exit 0
