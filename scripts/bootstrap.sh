#!/usr/bin/env bash
# Creates .venv with Python 3.11 and installs the pinned requirements when they changed.
set -euo pipefail
cd "$(dirname "$0")/.."

find_python() {
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  echo "Python 3.11 is required (python3.11 or python3)" >&2
  return 1
}

as_root_apt() {  # apt-get install when we can (root on Debian); quiet
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    if [ ! -f var/.apt-updated ]; then apt-get update -qq >/dev/null && mkdir -p var && touch var/.apt-updated; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    echo "missing system packages: $* (install them, or run as root on Debian)" >&2
    return 1
  fi
}

if [ ! -x .venv/bin/python ]; then
  PY=$(find_python)
  echo "==> creating .venv with $PY"
  if ! "$PY" -m venv .venv 2>/dev/null; then
    rm -rf .venv
    as_root_apt python3-venv
    "$PY" -m venv .venv
  fi
fi

stamp=.venv/.req-stamp
want=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "==> installing requirements"
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -r requirements-dev.txt
  echo "$want" > "$stamp"
fi

# System libraries the Python packages load at run time (WeasyPrint: pango; fonts for PDFs).
if ! .venv/bin/python -c "import weasyprint" >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi dejavu; then
  echo "==> installing system libraries for PDF rendering"
  as_root_apt libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fontconfig
fi
