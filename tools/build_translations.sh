#!/usr/bin/env bash
# Build the Qt translation packs: i18n/*.ts (committed) -> ui/i18n/*.qm (generated, not committed).
# Usage: tools/build_translations.sh VENV [--update]
#   --update  first refresh the .ts files from the sources (qsTr in QML, translate() in ui/*.py).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${1:-.venv}"
LUPDATE="$VENV/bin/pyside6-lupdate"
LRELEASE="$VENV/bin/pyside6-lrelease"
[ -x "$LRELEASE" ] || { echo "  $LRELEASE not found: install PySide6 into $VENV first" >&2; exit 1; }
mkdir -p ui/i18n
if [ "${2:-}" = "--update" ]; then
  mapfile -t sources < <(find ui -name '*.qml' -o -path 'ui/*.py' -name '*.py' | sort)
  for ts in i18n/village_*.ts; do
    echo "  updating $ts from ${#sources[@]} source files"
    "$LUPDATE" -no-obsolete -locations none "${sources[@]}" -ts "$ts" | tail -n 1
  done
fi
for ts in i18n/village_*.ts; do
  qm="ui/i18n/$(basename "${ts%.ts}").qm"
  "$LRELEASE" -silent "$ts" -qm "$qm"
  echo "  $ts -> $qm"
done
