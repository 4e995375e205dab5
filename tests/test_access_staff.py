"""Staff mode on the big number pad, the staff menu, the self-test screen and the 暂停服务 failsafe."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtQuick import QQuickItem

from media.flows import CallerState
from tests.access_fixtures import STAFF_ID, STAFF_PIN, AccessKiosk, build_access_kiosk
from tests.ui_fakes import running_qasync_loop
from ui.app import prepare_environment

prepare_environment(virtual_keyboard=True)
pytestmark = pytest.mark.qt_log_ignore(r"PopupList_QMLTYPE_\d+ overrides a member")
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def kiosk(qtbot: Any, qapp: Any, tmp_path: Path) -> Iterator[AccessKiosk]:
    with running_qasync_loop(qapp):
        k = build_access_kiosk(qtbot, tmp_path)
        yield k
        k.close()


def _enter(k: AccessKiosk, pin: str) -> None:
    for digit in pin:
        k.tap(f"pinKey_{digit}")
    k.tap("pinKey_ok")


def _open_pin_pad(k: AccessKiosk) -> None:
    k.tap("helpTile")  # 使用帮助 on the home screen, then 工作人员 at its foot
    k.tap("staffEntry")
    k.wait_for("staffPinScreen")


def _log(k: AccessKiosk) -> list[dict[str, Any]]:
    path = k.gate.log_path
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_staff_pin_opens_the_menu_and_leaving_returns_to_the_villager(kiosk):
    k, h = kiosk, kiosk.harness
    _open_pin_pad(k)
    k.tap("pinKey_1")
    assert h.text("pinDots").startswith("●")
    k.tap("pinKey_erase")
    _enter(k, STAFF_PIN)
    k.wait_for("staffMenuScreen")
    assert f"工号 {STAFF_ID}" in [i.property("text") for i in h.window.findChildren(QQuickItem)]
    k.tap("staffLeave")
    k.wait_for("homeScreen")
    assert not k.staff.unlocked
    assert [e["action"] for e in _log(k)] == ["staff_mode_entered", "staff_mode_left"]
    assert all(e["staff_id"] == STAFF_ID for e in _log(k))


def test_five_wrong_pins_lock_the_pad_for_a_while(kiosk):
    k, h = kiosk, kiosk.harness
    _open_pin_pad(k)
    for attempt in range(1, 6):
        _enter(k, "1111")
        expected = "还可以再试" if attempt < 5 else "错误次数太多"
        h.qtbot.waitUntil(lambda expected=expected: expected in h.text("pinMessage"), timeout=10000)
    _enter(k, STAFF_PIN)  # even the right PIN waits out the lockout
    h.qtbot.waitUntil(lambda: not k.staff.checking, timeout=10000)
    assert "分钟后再试" in h.text("pinMessage")
    assert h.has("staffPinScreen") and not k.staff.unlocked
    refused = [e for e in _log(k) if e["action"] == "staff_pin_refused"]
    assert len(refused) == 5 and all(e["staff_id"] == "" for e in refused)


def test_assisted_call_and_form_are_marked_with_the_staff_id(kiosk):
    k = kiosk
    _open_pin_pad(k)
    _enter(k, STAFF_PIN)
    k.wait_for("staffMenuScreen")
    k.tap("staffForm")
    k.wait_for("homeScreen")
    assert k.staff.assistedBy == STAFF_ID  # the form screens put this into the submission
    k.staff.open()
    k.wait_for("staffMenuScreen")
    k.tap("staffCall")
    k.wait_for("connectingScreen")
    assert k.flow.state is CallerState.REQUESTING
    actions = [e["action"] for e in _log(k)]
    assert actions[-2:] == ["assist_form", "assisted_call"]


def test_self_test_screen_shows_each_result_with_advice_and_reports_it(kiosk):
    k, h = kiosk, kiosk.harness
    _open_pin_pad(k)
    _enter(k, STAFF_PIN)
    k.tap("staffSelfTest")
    k.wait_for("selfTestScreen")
    k.tap("selfTestRun")
    h.qtbot.waitUntil(lambda: not k.selftest.running and len(k.selftest.results) == 6)
    assert k.selftest.summary == "有 1 项需要处理"
    assert len(k.reports) == 1 and k.reports[0][0].name == "camera"
    assert k.selftest.micLevel == pytest.approx(0.6)
    k.tap("selfTestBack")
    k.wait_for("staffMenuScreen")
    k.tap("staffMatters")
    k.wait_for("staffMattersScreen")
    assert h.text("mattersMessage") == "没有等待处理的事项。"


def test_an_unexpected_failure_shows_out_of_service_then_starts_again(kiosk):
    k, h = kiosk, kiosk.harness

    async def broken() -> None:
        raise KeyError("a bug")

    k.runner.run(broken(), name="a bug")  # work with nobody to report to: the runner's failure path
    k.wait_for("outOfServiceScreen")
    assert h.text("outOfServiceTitle") == "暂停服务"
    assert h.text("outOfServiceHotline") == "12348"
    shown = " ".join(str(i.property("text")) for i in h.window.findChildren(QQuickItem))
    assert "Traceback" not in shown and "KeyError" not in shown
    folder = k.session.folder
    h.qtbot.waitUntil(lambda: h.has("homeScreen"), timeout=15000)  # the countdown restarts the UI
    assert k.session.folder != folder


def test_uncaught_exception_in_a_slot_goes_to_out_of_service(kiosk):
    k = kiosk
    try:
        raise RuntimeError("unexpected")
    except RuntimeError as exc:
        k.failsafe.handle(type(exc), exc, exc.__traceback__)  # what sys.excepthook receives
    k.wait_for("outOfServiceScreen")


def test_smoke_test_prints_the_ready_line_and_exits(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "--smoke-test", "--set", f"data_dir={tmp_path}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert lines == [{"event": "ready", "screen": "home"}]
