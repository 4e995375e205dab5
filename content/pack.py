"""Versioned, checksummed content packs: write, open and verify, and swap a newer one in atomically."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import lzma
import os
import re
import tarfile
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import zstandard

PACK_FORMAT = 1
MANIFEST_NAME = "manifest.json"
STATUTES_PART = "statutes.jsonl"
INSTALLED_NAME = "statutes.pack"
BUNDLED_PACK = Path(__file__).resolve().parent / "packs" / INSTALLED_NAME
_MAX_PART_BYTES = 512 * 1024 * 1024  # refuse to inflate anything absurd from a hostile or broken file


class PackError(Exception):
    """A pack that cannot be used: missing, damaged, wrong checksum, or not newer than the one in use."""


@dataclass(frozen=True)
class PartInfo:
    """One stored part of a pack: its compression and the checksums of stored and raw bytes."""

    name: str
    compression: str  # "zstd" | "xz" | "none"
    sha256: str  # of the stored (compressed) bytes
    stored_bytes: int
    raw_sha256: str  # of the bytes after decompression
    raw_bytes: int


@dataclass(frozen=True)
class PackManifest:
    """What a pack says about itself: kind, version, when it was made, counts and its parts."""

    kind: str
    version: str
    created: str
    counts: Mapping[str, int]
    parts: Mapping[str, PartInfo]
    format: int = PACK_FORMAT

    def to_json(self) -> str:
        """The manifest as JSON text, as stored in the pack."""
        return json.dumps(
            {
                "format": self.format,
                "kind": self.kind,
                "version": self.version,
                "created": self.created,
                "counts": dict(self.counts),
                "parts": {
                    name: {
                        "compression": p.compression,
                        "sha256": p.sha256,
                        "stored_bytes": p.stored_bytes,
                        "raw_sha256": p.raw_sha256,
                        "raw_bytes": p.raw_bytes,
                    }
                    for name, p in self.parts.items()
                },
            },
            ensure_ascii=False,
            indent=2,
        )

    @staticmethod
    def from_json(text: str | bytes) -> PackManifest:
        """Parse a manifest; anything malformed raises PackError."""
        try:
            data = json.loads(text)
            parts = {
                str(name): PartInfo(
                    name=str(name),
                    compression=str(p["compression"]),
                    sha256=str(p["sha256"]),
                    stored_bytes=int(p["stored_bytes"]),
                    raw_sha256=str(p["raw_sha256"]),
                    raw_bytes=int(p["raw_bytes"]),
                )
                for name, p in data["parts"].items()
            }
            manifest = PackManifest(
                kind=str(data["kind"]),
                version=str(data["version"]),
                created=str(data["created"]),
                counts={str(k): int(v) for k, v in data["counts"].items()},
                parts=parts,
                format=int(data["format"]),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise PackError(f"清单损坏 (manifest unreadable: {exc})") from exc
        if manifest.format != PACK_FORMAT:
            raise PackError(f"不支持的内容包格式 {manifest.format}")
        parse_version(manifest.version)
        return manifest


@dataclass(frozen=True)
class Pack:
    """An opened and fully verified pack: its manifest and its parts' raw bytes."""

    path: Path
    manifest: PackManifest
    parts: Mapping[str, bytes]

    @property
    def version(self) -> str:
        """The pack's version string."""
        return self.manifest.version


def parse_version(version: str) -> tuple[int, ...]:
    """A dotted version ("2026.11.24.1") as a tuple of ints; anything else raises PackError."""
    if not re.fullmatch(r"\d{1,9}(\.\d{1,9}){0,5}", version or ""):
        raise PackError(f"版本号无效: {version!r}")
    return tuple(int(x) for x in version.split("."))


def compare_versions(a: str, b: str) -> int:
    """-1, 0 or 1 as version a is older than, equal to or newer than b (missing parts count as 0)."""
    ta, tb = parse_version(a), parse_version(b)
    width = max(len(ta), len(tb))
    ta, tb = ta + (0,) * (width - len(ta)), tb + (0,) * (width - len(tb))
    return (ta > tb) - (ta < tb)


def compress(raw: bytes, compression: str, level: int | None = None) -> bytes:
    """Compress bytes with "zstd", "xz" or "none"."""
    if compression == "zstd":
        return zstandard.ZstdCompressor(level=level or 19).compress(raw)
    if compression == "xz":
        return lzma.compress(raw, preset=(level or 9) | lzma.PRESET_EXTREME)
    if compression == "none":
        return raw
    raise PackError(f"未知压缩方式 {compression}")


def _decompress(stored: bytes, compression: str, raw_size: int) -> bytes:
    if raw_size > _MAX_PART_BYTES:
        raise PackError("内容包过大")
    try:
        if compression == "zstd":
            return zstandard.ZstdDecompressor().decompress(stored, max_output_size=raw_size)
        if compression == "xz":
            return lzma.decompress(stored)
        if compression == "none":
            return stored
    except (zstandard.ZstdError, lzma.LZMAError) as exc:
        raise PackError(f"内容包解压失败 ({exc})") from exc
    raise PackError(f"未知压缩方式 {compression}")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_pack(
    path: Path,
    *,
    kind: str,
    version: str,
    counts: Mapping[str, int],
    parts: Mapping[str, bytes],
    compression: str = "zstd",
    level: int | None = None,
    created: str | None = None,
) -> PackManifest:
    """Write a pack file (a tar of manifest.json and compressed parts) atomically; return its manifest."""
    parse_version(version)
    stored: dict[str, bytes] = {}
    infos: dict[str, PartInfo] = {}
    suffix = {"zstd": ".zst", "xz": ".xz", "none": ""}[compression]
    for name, raw in parts.items():
        blob = compress(raw, compression, level)
        stored[name] = blob
        infos[name] = PartInfo(name, compression, _sha256(blob), len(blob), _sha256(raw), len(raw))
    manifest = PackManifest(
        kind=kind,
        version=version,
        created=created or dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        counts=dict(counts),
        parts=infos,
    )
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        members = [(MANIFEST_NAME, manifest.to_json().encode())]
        members += [(name + suffix, blob) for name, blob in stored.items()]
        for member_name, blob in members:
            info = tarfile.TarInfo(member_name)
            info.size = len(blob)
            info.mtime = 0
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(blob))
    atomic_write(path, buffer.getvalue())
    return manifest


def atomic_write(path: Path, data: bytes) -> None:
    """Write bytes to path so a reader sees the old file or the whole new one: temp, fsync, rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix="." + path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _read_members(path: Path) -> dict[str, bytes]:
    try:
        with tarfile.open(path, mode="r:") as tar:
            members: dict[str, bytes] = {}
            for info in tar.getmembers():
                if not info.isfile() or info.size > _MAX_PART_BYTES:
                    raise PackError(f"内容包里有无效的条目 {info.name!r}")
                handle = tar.extractfile(info)
                if handle is None:
                    raise PackError(f"内容包条目无法读取 {info.name!r}")
                members[info.name] = handle.read()
            return members
    except FileNotFoundError as exc:
        raise PackError(f"找不到内容包 {path}") from exc
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise PackError(f"内容包已损坏，无法读取 ({exc})") from exc


def read_manifest(path: Path) -> PackManifest:
    """Read only the manifest of a pack (no checksum work on the parts)."""
    members = _read_members(path)
    if MANIFEST_NAME not in members:
        raise PackError("内容包缺少清单 manifest.json")
    return PackManifest.from_json(members[MANIFEST_NAME])


def open_pack(path: Path, *, kind: str | None = None) -> Pack:
    """Open a pack and verify every part's checksums; any damage raises PackError."""
    members = _read_members(Path(path))
    if MANIFEST_NAME not in members:
        raise PackError("内容包缺少清单 manifest.json")
    manifest = PackManifest.from_json(members[MANIFEST_NAME])
    if kind is not None and manifest.kind != kind:
        raise PackError(f"内容包类型不对：需要 {kind}，收到 {manifest.kind}")
    suffixes = {"zstd": ".zst", "xz": ".xz", "none": ""}
    parts: dict[str, bytes] = {}
    for name, info in manifest.parts.items():
        member = name + suffixes.get(info.compression, "?")
        blob = members.get(member)
        if blob is None:
            raise PackError(f"内容包缺少部分 {name}")
        if len(blob) != info.stored_bytes or _sha256(blob) != info.sha256:
            raise PackError(f"内容包校验失败：{name} 的校验和不符")
        raw = _decompress(blob, info.compression, info.raw_bytes)
        if len(raw) != info.raw_bytes or _sha256(raw) != info.raw_sha256:
            raise PackError(f"内容包校验失败：{name} 解压后校验和不符")
        parts[name] = raw
    return Pack(path=Path(path), manifest=manifest, parts=parts)


class PackStore:
    """The statute pack in use on a terminal: the newest valid one of the bundled pack and the data dir's.

    Attributes:
        data_dir: the terminal's writable data folder; installed packs live in ``data_dir/packs``.
        bundled: the pack shipped with the application (fallback, never modified).
        current: the pack in use, or None before load().
    """

    def __init__(self, data_dir: Path, bundled: Path = BUNDLED_PACK, kind: str = "statutes") -> None:
        """Remember where packs live; nothing is read until load()."""
        self.data_dir = Path(data_dir)
        self.bundled = Path(bundled)
        self.kind = kind
        self.current: Pack | None = None
        self._lock = threading.Lock()

    @property
    def installed_path(self) -> Path:
        """Where an installed (downloaded) pack lives in the data dir."""
        return self.data_dir / "packs" / INSTALLED_NAME

    def load(self) -> Pack:
        """Open the newest valid pack (installed or bundled); raise PackError only if neither is usable."""
        candidates: list[Pack] = []
        errors: list[str] = []
        for path in (self.installed_path, self.bundled):
            if not path.exists():
                continue
            try:
                candidates.append(open_pack(path, kind=self.kind))
            except PackError as exc:
                errors.append(f"{path.name}: {exc}")
        if not candidates:
            raise PackError("没有可用的法条内容包" + (f"（{'；'.join(errors)}）" if errors else ""))
        best = candidates[0]
        for pack in candidates[1:]:
            if compare_versions(pack.version, best.version) > 0:
                best = pack
        with self._lock:
            self.current = best
        return best

    def install(self, candidate: Path) -> Pack:
        """Verify a newer pack and swap it in atomically; on any problem raise PackError, keep the old one."""
        new_pack = open_pack(Path(candidate), kind=self.kind)
        with self._lock:
            current = self.current
        if current is not None and compare_versions(new_pack.version, current.version) <= 0:
            raise PackError(f"内容包版本 {new_pack.version} 不比当前的 {current.version} 新")
        data = Path(candidate).read_bytes()
        atomic_write(self.installed_path, data)
        installed = open_pack(self.installed_path, kind=self.kind)
        with self._lock:
            self.current = installed
        return installed


def manifest_summary(manifest: PackManifest) -> dict[str, Any]:
    """A small dict for status screens and heartbeats: kind, version, created and counts."""
    return {
        "kind": manifest.kind,
        "version": manifest.version,
        "created": manifest.created,
        "counts": dict(manifest.counts),
    }
