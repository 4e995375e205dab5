"""Small statute packs for the consult tests: the laws the FAQ cites plus 民法典, made from the real pack."""

from __future__ import annotations

import json
from pathlib import Path

from content.faq import load_faq
from content.pack import BUNDLED_PACK, STATUTES_PART, open_pack, write_pack


def small_statute_lines(extra_laws: tuple[str, ...] = ("中华人民共和国民法典",)) -> list[bytes]:
    """JSONL lines of the bundled pack's articles of every law an FAQ answer cites, and extra_laws."""
    wanted = {ref.law for entry in load_faq() for ref in entry.laws} | set(extra_laws)
    raw = open_pack(BUNDLED_PACK).parts[STATUTES_PART]
    return [line for line in raw.splitlines() if line and json.loads(line)["law"] in wanted]


def make_pack(path: Path, version: str, lines: list[bytes]) -> Path:
    """Write a statute pack of these article lines with this version; returns its path."""
    write_pack(
        path,
        kind="statutes",
        version=version,
        counts={"articles": len(lines)},
        parts={STATUTES_PART: b"\n".join(lines) + b"\n"},
        level=3,
    )
    return path
