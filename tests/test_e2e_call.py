"""The one-tap call end to end: server, kiosk and desk as separate processes on 127.0.0.1."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from tools.appdriver import AppProcess
from tools.stack import DEMO_KIOSK, DEMO_LAWYER, desk_on_duty, running_stack

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _media_flows(app: AppProcess) -> dict:
    """Poll the app's media figures until decoded frames carry the synthetic stamp and audio arrives."""
    stats: dict = {}
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        stats = app.request("stats", "stats")
        if stats.get("stamps_ok", 0) >= 10 and stats.get("audio_frames", 0) >= 10:
            return stats
        time.sleep(0.2)
    raise AssertionError(f"{app.module}: media did not flow: {stats}")


def _call_rows(db: Path) -> list[sqlite3.Row]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(
            "SELECT c.*, l.username, k.name AS kiosk_name FROM calls c "
            "LEFT JOIN lawyers l ON l.id = c.lawyer_id JOIN kiosks k ON k.id = c.kiosk_id "
            "ORDER BY c.requested_at"
        ).fetchall()


@pytest.mark.parametrize("relay", [False, True], ids=["direct", "turn-relay"])
def test_villager_taps_and_talks_to_the_duty_lawyer(tmp_path: Path, relay: bool):
    with running_stack(tmp_path, relay=relay) as stack:
        kiosk, desk = stack.kiosk, stack.desk
        kiosk.wait_state("idle", timeout=30)
        desk_on_duty(desk)

        # First call: the villager hangs up.
        kiosk.send("tap", target="call")
        ring = desk.wait_state("ringing")
        assert ring["info"]["peer_name"] == DEMO_KIOSK[0]
        assert ring["info"]["peer_detail"] == DEMO_KIOSK[1]
        desk.send("accept")
        in_call = kiosk.wait_state("in_call")
        assert in_call["info"]["peer_name"] == DEMO_LAWYER[1]
        assert in_call["info"]["peer_detail"] == DEMO_LAWYER[2]
        desk.wait_state("in_call")
        kiosk_stats = _media_flows(kiosk)
        desk_stats = _media_flows(desk)
        for stats in (kiosk_stats, desk_stats):
            assert stats["stamps_failed"] <= stats["stamps_ok"] // 20  # the pattern survives VP8
            assert 400 < stats["audio_dominant_hz"] < 700  # the other side's tone, not silence
        if relay:
            assert kiosk_stats["relay_candidates"] > 0 and desk_stats["relay_candidates"] > 0
        kiosk.send("hangup")
        kiosk.wait_state("ended")
        desk.wait_state("available")

        # Second call: the lawyer hangs up, and the kiosk ends too.
        kiosk.send("home")  # 返回 from the call-ended screen
        kiosk.send("tap", target="call")
        desk.wait_state("ringing")
        desk.send("accept")
        kiosk.wait_state("in_call")
        desk.wait_state("in_call")
        desk.send("hangup")
        kiosk.wait_state("ended")
        desk.wait_state("available")

    rows = _call_rows(stack.server.db_path)
    assert len(rows) == 2
    for row, ended_by in zip(rows, ["kiosk", "lawyer"], strict=True):
        assert row["username"] == DEMO_LAWYER[0]
        assert row["kiosk_name"] == DEMO_KIOSK[0]
        assert row["outcome"] == "completed"
        assert row["ended_by"] == ended_by
        assert row["requested_at"] is not None and row["answered_at"] is not None
        assert row["ended_at"] is not None


def test_nobody_on_duty_shows_the_hotline(tmp_path: Path):
    with running_stack(tmp_path) as stack:
        stack.kiosk.wait_state("idle", timeout=30)
        stack.kiosk.send("tap", target="call")
        event = stack.kiosk.wait_state("no_lawyer")
        assert event["info"]["hotline"] == "12348"
    (row,) = _call_rows(stack.server.db_path)
    assert row["outcome"] == "no_lawyer"
    with sqlite3.connect(stack.server.db_path) as conn:  # the running kiosk reported its health
        (beat,) = conn.execute("SELECT heartbeat FROM terminal_status").fetchone()
    assert '"content_pack_version"' in beat
