"""The heartbeat payload: versions, disk, last self-test and devices, as plain JSON."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from kiosk.heartbeat_data import DeviceState, collect, last_self_test, record_self_test


def test_payload_reports_running_version_devices_and_last_self_test(tmp_path: Path) -> None:
    root, state = tmp_path / "opt", tmp_path / "state"
    (root / "versions" / "1.4.2").mkdir(parents=True)
    os.symlink("versions/1.4.2", root / "current")
    record_self_test(state, DeviceState.OK, DeviceState.ERROR, DeviceState.OK)
    payload = collect(
        state_dir=state,
        content_pack_version="2026.11.3",
        camera=DeviceState.OK,
        microphone=DeviceState.MISSING,
        install_root=root,
        started_monotonic=time.monotonic(),
    )
    assert json.loads(json.dumps(payload)) == payload  # plain JSON, ready for the wire
    assert payload["version"] == "1.4.2"
    assert payload["content_pack_version"] == "2026.11.3"
    assert (payload["camera"], payload["microphone"]) == ("ok", "missing")
    assert payload["self_test"]["ok"] is False and payload["self_test"]["microphone"] == "error"
    assert 0 < payload["disk"]["free_bytes"] <= payload["disk"]["total_bytes"]


def test_no_self_test_yet_and_damaged_file_read_as_none(tmp_path: Path) -> None:
    assert last_self_test(tmp_path) is None
    (tmp_path / "self-test.json").write_text("{half")
    assert last_self_test(tmp_path) is None
    payload = collect(
        state_dir=tmp_path,
        content_pack_version="",
        camera=DeviceState.UNKNOWN,
        microphone=DeviceState.UNKNOWN,
        install_root=tmp_path / "nowhere",
    )
    assert payload["self_test"] is None and payload["uptime_s"] is None
    assert payload["version"].endswith("+dev")  # run from the source tree, not a bundle
