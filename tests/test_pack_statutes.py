"""The statute pack: checksums, versions, damaged packs rejected with the old one kept, atomic install."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest

from content.pack import (
    BUNDLED_PACK,
    MANIFEST_NAME,
    STATUTES_PART,
    PackError,
    PackStore,
    compare_versions,
    open_pack,
    read_manifest,
    write_pack,
)

ARTICLES = [
    {
        "law": "中华人民共和国测试法",
        "category": "社会法",
        "section": "第一章 总则",
        "article": "第一条",
        "text": "甲",
    },
    {
        "law": "中华人民共和国测试法",
        "category": "社会法",
        "section": "第一章 总则",
        "article": "第二条",
        "text": "乙",
    },
]


def make_pack(path: Path, version: str, compression: str = "zstd") -> Path:
    """A small statute pack with two articles."""
    raw = "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in ARTICLES).encode()
    write_pack(
        path,
        kind="statutes",
        version=version,
        counts={"articles": len(ARTICLES)},
        parts={STATUTES_PART: raw},
        compression=compression,
    )
    return path


def flip_byte_in_part(path: Path) -> None:
    """Damage one byte inside the compressed part (not the tar header)."""
    with tarfile.open(path) as tar:
        member = next(m for m in tar.getmembers() if m.name != MANIFEST_NAME)
        offset = member.offset_data + member.size // 2
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def test_committed_pack_holds_every_article_and_verifies() -> None:
    pack = open_pack(BUNDLED_PACK, kind="statutes")
    assert pack.manifest.counts["articles"] == 58908
    assert pack.parts[STATUTES_PART].count(b"\n") == 58908
    assert BUNDLED_PACK.stat().st_size < 4_000_000
    info = pack.manifest.parts[STATUTES_PART]
    assert len(info.sha256) == 64 and info.raw_bytes > info.stored_bytes * 5


@pytest.mark.parametrize("compression", ["zstd", "xz"])
def test_pack_round_trip_keeps_content_and_version(tmp_path: Path, compression: str) -> None:
    path = make_pack(tmp_path / "p.pack", "2026.11.24.2", compression)
    pack = open_pack(path)
    assert pack.version == "2026.11.24.2"
    assert read_manifest(path).counts == {"articles": 2}
    assert [json.loads(line)["text"] for line in pack.parts[STATUTES_PART].decode().splitlines()] == [
        "甲",
        "乙",
    ]


def test_flipped_byte_is_a_checksum_error(tmp_path: Path) -> None:
    path = make_pack(tmp_path / "p.pack", "2")
    flip_byte_in_part(path)
    with pytest.raises(PackError, match="校验"):
        open_pack(path)


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty", "manifest"])
def test_other_damage_is_a_clear_pack_error(tmp_path: Path, damage: str) -> None:
    path = make_pack(tmp_path / "p.pack", "2")
    data = path.read_bytes()
    with tarfile.open(path) as tar:
        part = next(m for m in tar.getmembers() if m.name != MANIFEST_NAME)
        manifest_start = tar.getmember(MANIFEST_NAME).offset_data
    if damage == "truncate":
        path.write_bytes(data[: part.offset_data + part.size // 2])
    elif damage == "garbage":
        path.write_bytes(b"not a pack at all" * 100)
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        path.write_bytes(data[:manifest_start] + b"X" + data[manifest_start + 1 :])
    with pytest.raises(PackError):
        open_pack(path)


def test_wrong_kind_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "faq.pack"
    write_pack(path, kind="faq", version="1", counts={}, parts={"x": b"y"})
    with pytest.raises(PackError, match="类型"):
        open_pack(path, kind="statutes")


def test_versions_compare_numerically() -> None:
    assert compare_versions("2026.11.24.10", "2026.11.24.9") == 1
    assert compare_versions("2026.1", "2026.1.0") == 0
    assert compare_versions("1.2", "1.10") == -1
    with pytest.raises(PackError):
        compare_versions("v1", "1")


def test_store_installs_a_newer_pack_atomically(tmp_path: Path) -> None:
    bundled = make_pack(tmp_path / "bundled.pack", "1")
    store = PackStore(tmp_path / "data", bundled=bundled)
    assert store.load().version == "1"
    newer = make_pack(tmp_path / "download.pack", "2")
    assert store.install(newer).version == "2"
    assert store.installed_path.exists()
    assert not [p for p in store.installed_path.parent.iterdir() if p.name.endswith(".tmp")]
    assert PackStore(tmp_path / "data", bundled=bundled).load().version == "2"  # after a restart


def test_damaged_download_is_rejected_and_old_pack_kept(tmp_path: Path) -> None:
    bundled = make_pack(tmp_path / "bundled.pack", "1")
    store = PackStore(tmp_path / "data", bundled=bundled)
    store.install(make_pack(tmp_path / "v2.pack", "2"))
    installed_bytes = store.installed_path.read_bytes()
    damaged = make_pack(tmp_path / "v3.pack", "3")
    flip_byte_in_part(damaged)
    with pytest.raises(PackError):
        store.install(damaged)
    assert store.current is not None and store.current.version == "2"
    assert store.installed_path.read_bytes() == installed_bytes


def test_older_or_same_version_is_not_installed(tmp_path: Path) -> None:
    store = PackStore(tmp_path / "data", bundled=make_pack(tmp_path / "bundled.pack", "5"))
    store.load()
    with pytest.raises(PackError, match="不比当前"):
        store.install(make_pack(tmp_path / "old.pack", "4"))
    assert store.current is not None and store.current.version == "5"


def test_damaged_installed_pack_falls_back_to_bundled(tmp_path: Path) -> None:
    bundled = make_pack(tmp_path / "bundled.pack", "1")
    store = PackStore(tmp_path / "data", bundled=bundled)
    store.install(make_pack(tmp_path / "v2.pack", "2"))
    flip_byte_in_part(store.installed_path)
    assert PackStore(tmp_path / "data", bundled=bundled).load().version == "1"
