#!/usr/bin/env bash
# Creates .venv with Python 3.11 and installs the pinned requirements when they changed
# (sha256 of requirements*.txt kept in .venv/.req-stamp). Quiet unless something happens.
# As root on Debian, installs what is missing with apt-get: python3-venv, PDF libraries.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "==> $*" >&2; }

is_py311() { "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' 2>/dev/null; }

find_python() {
  local candidate
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && is_py311 "$candidate"; then
      command -v "$candidate"; return 0
    fi
  done
  echo "Python 3.11 is required (as python3.11 or python3)" >&2
  return 1
}

can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }

# apt_install PACKAGE...: quiet; runs apt-get update first (once, or again if install fails).
apt_install() {
  can_apt || { echo "missing system packages: $* (install them, or run as root on Debian)" >&2; return 1; }
  export DEBIAN_FRONTEND=noninteractive
  mkdir -p var/log
  if [ -f var/.apt-updated ] && apt-get install -y -qq "$@" >>var/log/apt.log 2>&1; then return 0; fi
  if apt-get update -qq >>var/log/apt.log 2>&1 && touch var/.apt-updated &&
     apt-get install -y -qq "$@" >>var/log/apt.log 2>&1; then
    return 0
  fi
  tail -n 20 var/log/apt.log >&2
  echo "apt-get install $* failed (var/log/apt.log)" >&2
  return 1
}

# --- the virtualenv -----------------------------------------------------------------------
if [ -x .venv/bin/python ] && ! is_py311 .venv/bin/python; then
  log ".venv is not Python 3.11: recreating it"
  rm -rf .venv
fi
if [ ! -x .venv/bin/python ]; then
  PY=$(find_python)
  log "creating .venv with $PY"
  if ! "$PY" -m venv .venv >/dev/null 2>&1; then
    # Debian ships venv's ensurepip separately.
    rm -rf .venv
    log "installing python3-venv"
    apt_install python3-venv
    "$PY" -m venv .venv
  fi
fi

# --- the requirements, only when they changed ------------------------------------------------
stamp=.venv/.req-stamp
want=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  log "installing requirements (pip, quiet)"
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt
  echo "$want" > "$stamp"
fi

# --- system libraries the Python packages load at run time (WeasyPrint: pango, fonts) -------
pdf_libs_ok() {
  .venv/bin/python - <<'PYEOF' >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi dejavu
import sys
from ctypes.util import find_library
sys.exit(0 if all(find_library(n) for n in ("pango-1.0", "pangoft2-1.0", "harfbuzz-subset", "fontconfig")) else 1)
PYEOF
}
if ! pdf_libs_ok; then
  if can_apt; then
    log "installing system libraries for PDF rendering (pango, fonts)"
    apt_install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fontconfig
  else
    echo "warning: WeasyPrint's libraries (pango, fonts) are missing; PDF invoices will fail." \
         "Install: libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fontconfig" >&2
  fi
fi

# --- a browser for the screen tests: Debian's chromium (Playwright drives it; never downloaded) --
if ! command -v chromium >/dev/null 2>&1; then
  if can_apt; then
    log "installing Debian's chromium (headless screen tests)"
    apt_install chromium
  else
    echo "warning: chromium is missing; the screen tests will be skipped. Install Debian's chromium." >&2
  fi
fi
