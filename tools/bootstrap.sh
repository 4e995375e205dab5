#!/usr/bin/env bash
# Set up everything the project needs on a fresh Debian/Ubuntu machine: Debian packages (when root),
# a Python 3.12+ interpreter, the virtual environment and the pip packages. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
STAMP="$VENV/.bootstrap-stamp"
step() { printf '\033[1m[bootstrap %s/4]\033[0m %s\n' "$1" "$2"; }

# 1. Debian packages -------------------------------------------------------------------------------
step 1 "Debian packages"
mapfile -t wanted < <(grep -v '^\s*#' tools/debian-packages.txt | grep -v '^\s*$')
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "  all ${#wanted[@]} packages present"
elif [ "$(id -u)" -eq 0 ]; then
  echo "  installing ${#missing[@]} of ${#wanted[@]}: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q -o=Dpkg::Use-Pty=0 | tail -n 1
  apt-get install -y -q --no-install-recommends -o=Dpkg::Use-Pty=0 -o=Dpkg::Progress-Fancy=0 \
    "${missing[@]}" | grep -E '^(Setting up|E:)' | awk '{printf "\r  %-70s", $0} END {print ""}'
else
  echo "  missing (run as root, or: sudo apt-get install ${missing[*]}):"
  echo "    ${missing[*]}"
  echo "  going on; features that need them will say so."
fi

# 2. A Python 3.12+ interpreter --------------------------------------------------------------------
step 2 "Python 3.12 or newer"
find_python() {
  local c
  for c in "${PYTHON:-}" python3.13 python3.12 python3.14 \
           "$HOME"/.pyenv/versions/3.1[2-9]*/bin/python3 /root/.pyenv/versions/3.1[2-9]*/bin/python3 \
           /usr/local/bin/python3 /usr/bin/python3 python3; do
    [ -n "$c" ] || continue
    if "$c" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then
      command -v "$c" 2>/dev/null || echo "$c"
      return 0
    fi
  done
  return 1
}
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)'; then
  PY="$VENV/bin/python"
  echo "  using the existing $VENV ($("$PY" --version))"
else
  if ! PY=$(find_python); then
    echo "ERROR: no Python 3.12 or newer found. PySide6 needs 3.12+ here (3.11 crashes with PySide6 6.12)." >&2
    echo "       Install one (e.g. 'apt-get install python3.12' on Ubuntu 24.04, or pyenv) or set PYTHON=/path/to/python3.12." >&2
    exit 1
  fi
  echo "  found $PY ($("$PY" --version))"
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
fi

# 3. pip packages ----------------------------------------------------------------------------------
step 3 "pip packages into $VENV"
want_hash=$(cat pyproject.toml tools/bootstrap.sh | sha256sum | cut -c1-16)
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want_hash" ]; then
  echo "  up to date"
else
  "$VENV/bin/python" -m pip install -q --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
  "$VENV/bin/python" -m pip install --progress-bar on -e '.[dev]' 2>&1 \
    | grep -vE "^(WARNING: Location|Requirement already satisfied)" || { echo "pip install failed" >&2; exit 1; }
  "$VENV/bin/python" -c 'import PySide6, aiortc, cv2, sounddevice' 2>/dev/null \
    || "$VENV/bin/python" -c 'import PySide6, aiortc, cv2' || { echo "pip packages do not import" >&2; exit 1; }
  echo "$want_hash" > "$STAMP"
fi

# 4. Translations and content pack ------------------------------------------------------------------
step 4 "translations"
if [ -x tools/build_translations.sh ]; then bash tools/build_translations.sh "$VENV"; else echo "  none yet"; fi
echo "bootstrap done: $("$VENV/bin/python" --version) in $VENV"
