"""`python -m desk --automation` as a real process with a fake flow: log in, answer, hang up, quit."""

from __future__ import annotations

import pytest

from tests.ui_fakes import DESK_LAUNCHER, AppProcess

pytestmark = pytest.mark.slow


def test_desk_process_logs_in_answers_and_quits_cleanly():
    app = AppProcess(DESK_LAUNCHER)
    try:
        assert app.wait_event("ready")["state"] == "logged_out"
        app.send(cmd="login", username="wangming", password="wrong")
        failed = app.wait_event("state", state="failed")
        assert failed["info"]["message"] == "用户名或密码不对，请再输入一次。"
        assert failed["screen"] == "login"
        app.send(cmd="login", username="wangming", password="secret")
        assert app.wait_event("state", state="off_duty")["screen"] == "duty"
        app.send(cmd="duty", on=True)
        ringing = app.wait_event("state", state="ringing")
        assert ringing["info"]["peer_name"] == "石桥村服务点"
        assert ringing["screen"] == "ringing"
        app.send(cmd="accept")
        assert app.wait_event("state", state="in_call")["screen"] == "call"
        app.wait_event("first_frame", side="remote")
        app.send(cmd="hangup")
        app.wait_event("state", state="available")
        app.send(cmd="quit")
        exited = app.wait_event("exited")
    finally:
        code, stderr = app.finish()
    assert code == 0
    assert exited["flow_closed"] is True
    assert exited["actions"][-3:] == ["accept", "hangup", "close"]
    assert "Traceback" not in stderr


def test_smoke_test_flag_reports_ready_and_exits():
    """What a bundle's smoke test relies on: one ready line once the window drew, exit 0."""
    import json
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "desk", "--smoke-test"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"event": "ready", "screen": "login"}
