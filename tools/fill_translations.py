"""Fill the .ts translation files from i18n/pending/*.json (used when several people add screens at once).

Each JSON file maps context -> source text -> {"zh_TW": ..., "en": ...}. Run after
`tools/build_translations.sh VENV --update` has added the new source strings to i18n/*.ts.
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = {"village_zh_CN.ts": "zh_CN", "village_zh_TW.ts": "zh_TW", "village_en.ts": "en"}
SOURCE_LANGUAGE = "zh_CN"  # its translation is the source text itself


def pending_translations() -> dict[tuple[str, str], dict[str, str]]:
    """All pending translations keyed by (context, source)."""
    table: dict[tuple[str, str], dict[str, str]] = {}
    for path in sorted((ROOT / "i18n" / "pending").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for context, messages in data.items():
            for source, translations in messages.items():
                table[(context, source)] = translations
    return table


def fill(ts_path: Path, language: str, table: dict[tuple[str, str], dict[str, str]]) -> tuple[int, int]:
    """Fill unfinished messages of one .ts file; returns (filled, still missing)."""
    tree = ET.parse(ts_path)
    filled = missing = 0
    for context in tree.getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            source = message.findtext("source", "")
            translation = message.find("translation")
            if translation is None:
                translation = ET.SubElement(message, "translation")
            if translation.text and translation.get("type") != "unfinished":
                continue
            text = source if language == SOURCE_LANGUAGE else table.get((name, source), {}).get(language)
            if text:
                translation.text = text
                translation.attrib.pop("type", None)
                filled += 1
            else:
                missing += 1
    if filled:
        ET.indent(tree, space="    ")
        body = ET.tostring(tree.getroot(), encoding="unicode")
        ts_path.write_text(
            f'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n{body}\n', encoding="utf-8"
        )
    return filled, missing


def main() -> int:
    """Fill every language's .ts file and report what is still untranslated."""
    table = pending_translations()
    worst = 0
    for filename, language in LANGUAGES.items():
        filled, missing = fill(ROOT / "i18n" / filename, language, table)
        print(f"  {filename}: filled {filled}, still untranslated {missing}")
        worst = max(worst, missing)
    return 1 if worst and "--strict" in sys.argv else 0


if __name__ == "__main__":
    raise SystemExit(main())
