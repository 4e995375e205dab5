"""What a terminal reports in its heartbeat: versions, free disk, last self-test, camera and mic state."""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import StrEnum
from importlib import metadata
from pathlib import Path
from typing import Any

SCHEMA = 1
SELF_TEST_FILE = "self-test.json"  # in the terminal's state dir (/var/lib/legal-kiosk)
LOW_DISK_BYTES = 500 * 1024 * 1024  # below this the console flags the terminal


class DeviceState(StrEnum):
    """The state of a camera, microphone or speaker as the console shows it."""

    OK = "ok"
    MISSING = "missing"  # not found at all
    ERROR = "error"  # found but failed (opened nothing, no sound server, stream died)
    UNKNOWN = "unknown"  # never tested since install


@dataclass(frozen=True)
class SelfTestResult:
    """The outcome of the device self-test (at start and from staff mode)."""

    at: str  # ISO 8601 UTC
    camera: DeviceState
    microphone: DeviceState
    speaker: DeviceState

    @property
    def ok(self) -> bool:
        """True when every device passed."""
        return all(s is DeviceState.OK for s in (self.camera, self.microphone, self.speaker))


def record_self_test(
    state_dir: Path, camera: DeviceState, microphone: DeviceState, speaker: DeviceState
) -> None:
    """Store the latest self-test result (called by the self-test screen's view-model)."""
    result = SelfTestResult(_now(), camera, microphone, speaker)
    state_dir.mkdir(parents=True, exist_ok=True)
    tmp = state_dir / f".{SELF_TEST_FILE}.{os.getpid()}"
    tmp.write_text(json.dumps({**asdict(result), "ok": result.ok}))
    os.replace(tmp, state_dir / SELF_TEST_FILE)


def last_self_test(state_dir: Path) -> SelfTestResult | None:
    """The stored self-test result, or None if there is none (or it is unreadable)."""
    try:
        data = json.loads((state_dir / SELF_TEST_FILE).read_text())
        return SelfTestResult(
            at=str(data["at"]),
            camera=DeviceState(data["camera"]),
            microphone=DeviceState(data["microphone"]),
            speaker=DeviceState(data["speaker"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def app_version(install_root: Path = Path("/opt/legal-kiosk")) -> str:
    """The running version: the bundle's VERSION file, else the `current` link, else the package's."""
    bundle_dir = getattr(sys, "_MEIPASS", None)
    if bundle_dir:
        try:
            return (Path(bundle_dir) / "VERSION").read_text().strip()
        except OSError:
            pass
    try:
        return Path(os.readlink(install_root / "current")).name
    except OSError:
        pass
    try:
        return metadata.version("village-legal-kiosk") + "+dev"
    except metadata.PackageNotFoundError:
        return "unknown"


def disk_usage(path: Path) -> dict[str, int]:
    """Free and total bytes of the filesystem holding path."""
    usage = shutil.disk_usage(path)
    return {"free_bytes": usage.free, "total_bytes": usage.total}


def collect(
    *,
    state_dir: Path,
    content_pack_version: str,
    camera: DeviceState,
    microphone: DeviceState,
    install_root: Path = Path("/opt/legal-kiosk"),
    started_monotonic: float | None = None,
) -> dict[str, Any]:
    """The heartbeat payload: plain JSON types only, no personal data.

    camera and microphone are the app's live knowledge (did the last open succeed); the content-pack
    version comes from the content loader, which owns the pack format.
    """
    self_test = last_self_test(state_dir)
    disk = disk_usage(state_dir if state_dir.exists() else Path(state_dir.anchor or "/"))
    return {
        "schema": SCHEMA,
        "collected_at": _now(),
        "version": app_version(install_root),
        "content_pack_version": content_pack_version,
        "disk": {**disk, "low": disk["free_bytes"] < LOW_DISK_BYTES},
        "self_test": None if self_test is None else {**asdict(self_test), "ok": self_test.ok},
        "camera": str(camera),
        "microphone": str(microphone),
        "uptime_s": None if started_monotonic is None else round(time.monotonic() - started_monotonic),
    }


def _now() -> str:
    """Current UTC time, ISO 8601, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()
