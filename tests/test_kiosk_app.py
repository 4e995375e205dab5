"""`python -m kiosk --automation` as a real process with a fake flow: call, hang up, quit cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui_fakes import KIOSK_LAUNCHER, AppProcess

pytestmark = pytest.mark.slow


def test_kiosk_process_places_a_call_and_quits_cleanly(tmp_path: Path):
    app = AppProcess(KIOSK_LAUNCHER, "--set", "fullscreen=false", "--set", "hotline=0951-12348")
    try:
        assert app.wait_event("ready")["state"] == "idle"
        app.send(cmd="tap", target="call")
        assert app.wait_event("state", state="waiting")["info"]["position"] == 2
        connected = app.wait_event("state", state="in_call")
        assert connected["info"]["peer_name"] == "王明律师"
        assert connected["screen"] == "call"
        assert app.wait_event("first_frame", side="remote")["width"] == 640
        app.send(cmd="stats")
        stats = app.wait_event("stats")
        assert stats["frames_received"] > 0 and stats["ui"]["remote_frames"] > 0
        shot = tmp_path / "call.png"
        app.send(cmd="screenshot", path=str(shot))
        app.wait_event("screenshot")
        assert shot.stat().st_size > 1000
        app.send(cmd="hangup")
        assert app.wait_event("state", state="ended")["screen"] == "rating"  # the three faces first
        app.send(cmd="tap", target="back")
        app.wait_event("screen", screen="home")
        app.send(cmd="quit")
        exited = app.wait_event("exited")
    finally:
        code, stderr = app.finish()
    assert code == 0
    assert exited["flow_closed"] is True  # quitting awaited flow.close()
    assert exited["actions"] == ["call", "hangup", "close"]
    assert "Traceback" not in stderr
    assert "was destroyed but it is pending" not in stderr


def test_quitting_mid_call_hangs_up_first():
    app = AppProcess(KIOSK_LAUNCHER, "--set", "fullscreen=false")
    try:
        app.wait_event("ready")
        app.send(cmd="tap", target="call")
        app.wait_event("state", state="in_call")
        app.send(cmd="quit")
        exited = app.wait_event("exited")
    finally:
        code, stderr = app.finish()
    assert code == 0
    assert exited["flow_closed"] is True
    assert "Traceback" not in stderr
    assert "was destroyed but it is pending" not in stderr


def test_sigterm_mid_call_hangs_up_and_exits_cleanly():
    import signal

    app = AppProcess(KIOSK_LAUNCHER, "--set", "fullscreen=false")
    try:
        app.wait_event("ready")
        app.send(cmd="tap", target="call")
        app.wait_event("state", state="in_call")
        app.process.send_signal(signal.SIGTERM)  # what systemd sends when the terminal shuts down
        exited = app.wait_event("exited")
    finally:
        code, stderr = app.finish()
    assert code == 0
    assert exited["flow_closed"] is True
    assert "Traceback" not in stderr
