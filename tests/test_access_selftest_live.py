"""The self-test screen's live camera picture and microphone meter, with the synthetic devices."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.access_fixtures import STAFF_PIN, AccessKiosk, build_access_kiosk
from tests.ui_fakes import running_qasync_loop

pytestmark = pytest.mark.qt_log_ignore(r"PopupList_QMLTYPE_\d+ overrides a member")


@pytest.fixture
def kiosk(qtbot: Any, qapp: Any, tmp_path: Path) -> Iterator[AccessKiosk]:
    with running_qasync_loop(qapp):
        k = build_access_kiosk(qtbot, tmp_path)
        yield k
        k.close()


def _open_self_test(k: AccessKiosk) -> None:
    k.tap("helpTile")
    k.tap("staffEntry")
    for digit in STAFF_PIN:
        k.tap(f"pinKey_{digit}")
    k.tap("pinKey_ok")
    k.tap("staffSelfTest")
    k.wait_for("selfTestScreen")


def test_the_camera_picture_is_live_while_the_screen_is_shown(kiosk):
    k, h = kiosk, kiosk.harness
    _open_self_test(k)
    preview = k.selftest.preview
    h.qtbot.waitUntil(lambda: preview.shown >= 3, timeout=10000)  # frames reach the VideoOutput's sink
    sink = preview.videoSink
    assert sink is not None and sink.videoSize().width() == 320
    first = preview.shown
    h.qtbot.waitUntil(lambda: preview.shown > first + 2, timeout=10000)  # still arriving: live, not a still
    k.tap("selfTestBack")
    k.wait_for("staffMenuScreen")
    h.qtbot.waitUntil(lambda: k.live.cameras[-1].readyState == "ended", timeout=5000)  # camera released


def test_the_meter_follows_the_microphone_tone_and_silence(kiosk):
    k, h = kiosk, kiosk.harness
    _open_self_test(k)
    h.qtbot.waitUntil(lambda: k.selftest.micLevel > 0.5, timeout=10000)  # the 440 Hz tone fills the meter
    meter = k.find("micMeter")
    fill = meter.childItems()[0]
    h.qtbot.waitUntil(lambda: fill.width() > meter.width() / 2, timeout=5000)
    k.live.meters[-1].silent = True
    h.qtbot.waitUntil(lambda: k.selftest.micLevel == 0.0, timeout=5000)
    h.qtbot.waitUntil(lambda: fill.width() == 0, timeout=5000)
    k.live.meters[-1].silent = False
    h.qtbot.waitUntil(lambda: k.selftest.micLevel > 0.5, timeout=5000)
    seen = k.selftest.levels_seen
    h.qtbot.waitUntil(lambda: k.selftest.levels_seen >= seen + 5, timeout=5000)  # about ten a second


def test_running_the_checks_pauses_the_live_devices_then_resumes(kiosk):
    k, h = kiosk, kiosk.harness
    _open_self_test(k)
    h.qtbot.waitUntil(lambda: len(k.live.meters) == 1 and k.selftest.preview.shown > 0, timeout=10000)
    k.tap("selfTestRun")
    h.qtbot.waitUntil(lambda: not k.selftest.running and len(k.selftest.results) == 6)
    # The checks open the camera and microphone themselves; the live ones were let go, then reopened.
    assert k.live.cameras[0].readyState == "ended"
    h.qtbot.waitUntil(lambda: len(k.live.meters) == 2 and k.selftest.preview.shown > 0, timeout=10000)
    k.tap("selfTestBack")
    k.wait_for("staffMenuScreen")
    h.qtbot.waitUntil(lambda: k.live.cameras[-1].readyState == "ended", timeout=5000)


def test_a_terminal_without_camera_or_microphone_says_so_readably_in_elder_mode(kiosk):
    from media.errors import MediaDeviceError
    from tests.test_access_readability import readability_problems
    from ui.selftest_vm import LiveDevices

    async def no_camera() -> Any:
        raise MediaDeviceError("没有找到摄像头", "test: no device")

    def no_microphone(on_level: Any) -> Any:
        raise MediaDeviceError("没有找到麦克风", "test: no device")

    k, h = kiosk, kiosk.harness
    k.selftest._live = LiveDevices(no_camera, no_microphone)  # as the real devices report a bare terminal
    k.access.setElderMode(True)
    _open_self_test(k)
    h.qtbot.waitUntil(lambda: k.selftest.cameraMissing and k.selftest.micMissing, timeout=5000)
    shown = [i.property("text") for i in k.items() if i.inherits("QQuickText")]
    assert "没有摄像头画面" in shown and "没有找到麦克风" in shown
    assert k.selftest.micLevel == 0.0
    measured, problems = readability_problems(k)
    assert measured > 0 and problems == []
