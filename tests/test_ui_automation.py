"""The automation channel: JSON-line commands on a stream drive the real view-model; events come out."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from media.flows import CallerState
from tests.ui_fakes import FakeCallerFlow, QmlHarness, running_qasync_loop
from ui.app import prepare_environment
from ui.automation import AutomationChannel, kiosk_commands
from ui.background import BackgroundRunner
from ui.kiosk_vm import KioskViewModel

prepare_environment(virtual_keyboard=True)
pytestmark = pytest.mark.qt_log_ignore(r"PopupList_QMLTYPE_\d+ overrides a member")
ROOT = Path(__file__).resolve().parent.parent


def _events(out: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def _states(out: io.StringIO) -> list[str]:
    return [e["state"] for e in _events(out) if e["event"] == "state"]


def test_commands_on_stdin_drive_the_kiosk_and_events_come_out(qtbot, qapp, tmp_path):
    with running_qasync_loop(qapp):
        flow = FakeCallerFlow()
        vm = KioskViewModel(flow, BackgroundRunner())
        harness = QmlHarness(qtbot, "kiosk/Main.qml", {"vm": vm})
        read_fd, write_fd = os.pipe()
        out = io.StringIO()
        quits: list[bool] = []
        with (
            os.fdopen(read_fd, encoding="utf-8") as stdin,
            os.fdopen(write_fd, "w", encoding="utf-8") as feed,
        ):
            channel = AutomationChannel(
                harness.window,
                vm,
                kiosk_commands(vm),
                on_quit=lambda: quits.append(True),
                stdin=stdin,
                stdout=out,
            )
            channel.start()
            feed.write('{"cmd": "tap", "target": "call"}\n')
            feed.flush()
            qtbot.waitUntil(lambda: "requesting" in _states(out))
            assert flow.actions == ["call"]
            assert harness.has("connectingScreen")  # the same screen a tap shows

            flow.move_to(CallerState.WAITING, position=2)
            waiting = [e for e in _events(out) if e.get("state") == "waiting"][-1]
            assert waiting["info"]["position"] == 2
            assert waiting["screen"] == "connecting"
            assert isinstance(waiting["t"], float)

            shot = tmp_path / "waiting.png"
            for line in (
                json.dumps({"cmd": "screenshot", "path": str(shot)}),
                '{"cmd": "stats"}',
                "this is not json",
                '{"cmd": "fly"}',
                '{"cmd": "cancel"}',
            ):
                feed.write(line + "\n")
            feed.flush()
            qtbot.waitUntil(lambda: "idle" in _states(out))
            kinds = [e["event"] for e in _events(out)]
            assert kinds[0] == "ready"
            assert {"screenshot", "stats", "error"} <= set(kinds)
            assert shot.stat().st_size > 1000
            errors = [e["message"] for e in _events(out) if e["event"] == "error"]
            assert len(errors) == 2 and "fly" in errors[1]
        qtbot.waitUntil(lambda: quits == [True])  # closing stdin asks the app to quit
        channel.stop()
        harness.close()


def test_first_frame_event_reports_the_picture_size(qtbot, qapp):
    with running_qasync_loop(qapp):
        flow = FakeCallerFlow()
        vm = KioskViewModel(flow, BackgroundRunner())
        harness = QmlHarness(qtbot, "kiosk/Main.qml", {"vm": vm})
        out = io.StringIO()
        AutomationChannel(harness.window, vm, kiosk_commands(vm), on_quit=lambda: None, stdout=out)
        flow.send_frames(1, width=320, height=240)
        first = [e for e in _events(out) if e["event"] == "first_frame"]
        assert [(e["side"], e["width"], e["height"]) for e in first] == [
            ("remote", 320, 240),
            ("local", 320, 240),
        ]
        harness.close()


@pytest.mark.parametrize("app", ["kiosk", "desk"])
def test_a_bad_setting_stops_the_app_with_a_message_and_exit_code_2(app):
    result = subprocess.run(
        [sys.executable, "-m", app, "--set", "camera.fps=500"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "camera.fps" in result.stderr
    assert "Traceback" not in result.stderr
