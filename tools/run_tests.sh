#!/usr/bin/env bash
# Run the pytest suite in three processes: the accessibility screens and the Chromium console tests
# each get a fresh process, so Qt state (translators, executor threads) and playwright's driver
# from one group never meet another group's Qt event processing. Exits non-zero if any group fails.
set -u
cd "$(dirname "$0")/.."
PY="${1:-.venv/bin/python}"
shift || true
status=0
run() {
  echo "== pytest: $1"
  shift
  "$PY" -m pytest "$@" || status=1
}
run "calls, server, media, forms, content, apps" tests/ \
  --ignore-glob='tests/test_access_*' --ignore-glob='tests/test_console_*' "$@"
run "accessibility screens" tests/test_access_*.py "$@"
run "web console (Chromium)" tests/test_console_*.py "$@"
exit $status
