"""The recording panels on the kiosk's and the desk's call screens, real QML offscreen over fake flows."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from media.flows import CallerState, DeskState
from tests.ui_fakes import FakeCallerFlow, FakeDeskFlow, QmlHarness, running_qasync_loop
from ui.app import prepare_environment
from ui.background import BackgroundRunner
from ui.desk_vm import DeskViewModel
from ui.kiosk_vm import KioskViewModel
from ui.recording_vm import RecordingViewModel

prepare_environment(virtual_keyboard=True)
pytestmark = pytest.mark.qt_log_ignore("PulseAudioService", r"PopupList_QMLTYPE_\d+ overrides a member")


def _shoot(h: QmlHarness, tmp_path: Path, name: str) -> None:
    """Keep a picture of the screen (RECORDING_SHOTS=dir keeps them for a person to look at)."""
    folder = Path(os.environ.get("RECORDING_SHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    assert h.window.grabWindow().save(str(folder / f"{name}.png"))


@pytest.fixture
def kiosk(qtbot: Any, qapp: Any, tmp_path: Path) -> Iterator[tuple[FakeCallerFlow, QmlHarness]]:
    with running_qasync_loop(qapp):
        flow = FakeCallerFlow()
        runner = BackgroundRunner()
        vm = KioskViewModel(flow, runner, ended_return_ms=200, keyboard_data_path=str(tmp_path))
        rec = RecordingViewModel(flow, runner, desk=False)
        harness = QmlHarness(qtbot, "kiosk/Main.qml", {"vm": vm}, {"recordingVm": rec})
        yield flow, harness
        harness.close()


def _kiosk_in_call(flow: FakeCallerFlow, h: QmlHarness) -> None:
    h.tap("callTile")
    h.tap(h.wait_for("callTopic_unknown").objectName())  # 不知道: a general call
    h.qtbot.waitUntil(lambda: flow.state is CallerState.REQUESTING)
    flow.move_to(CallerState.WAITING, position=1)
    flow.answer(name="李娟律师", firm="明德律师事务所")
    flow.move_to(CallerState.IN_CALL)
    h.wait_for("hangupButton")


def test_the_villager_is_asked_in_plain_words_and_sees_the_red_sign_while_recording(kiosk, tmp_path):
    flow, h = kiosk
    _kiosk_in_call(flow, h)
    assert not h.has("recordingQuestion") and not h.has("recordingIndicator")
    flow.update_info(recording="asked")  # the lawyer pressed 请求录音
    h.wait_for("recordingQuestion")
    assert h.text("agreeRecordingButton") == "同意录音录像"
    assert h.text("refuseRecordingButton") == "不同意"
    _shoot(h, tmp_path, "kiosk-recording-question")
    h.tap("agreeRecordingButton")
    h.qtbot.waitUntil(lambda: h.has("recordingIndicator"))
    assert flow.actions[-1] == "recording:True"
    assert not h.has("recordingQuestion")
    assert h.has("hangupButton")  # the call goes on under the sign
    _shoot(h, tmp_path, "kiosk-recording-on")
    h.tap("stopRecordingButton")  # 停止录音 from the terminal
    h.qtbot.waitUntil(lambda: not h.has("recordingIndicator"))
    assert flow.actions[-1] == "stop_recording"
    h.wait_for("recordingNote")


def test_a_villager_who_refuses_is_not_recorded_and_is_told_so(kiosk):
    flow, h = kiosk
    _kiosk_in_call(flow, h)
    flow.update_info(recording="asked")
    h.wait_for("recordingQuestion")
    h.qtbot.wait(100)  # drawn before the finger lands
    h.tap("refuseRecordingButton")
    h.qtbot.waitUntil(lambda: h.has("recordingNote"))
    assert flow.actions[-1] == "recording:False"
    assert not h.has("recordingIndicator") and not h.has("recordingQuestion")


@pytest.fixture
def desk(qtbot: Any, qapp: Any) -> Iterator[tuple[FakeDeskFlow, QmlHarness]]:
    with running_qasync_loop(qapp):
        flow = FakeDeskFlow({"wangming": "secret"})
        runner = BackgroundRunner()
        vm = DeskViewModel(flow, runner, username="wangming")
        rec = RecordingViewModel(flow, runner, desk=True, allowed=lambda topic: topic == "land")
        harness = QmlHarness(qtbot, "desk/Main.qml", {"vm": vm}, {"recordingVm": rec})
        yield flow, harness
        harness.close()


def _desk_in_call(flow: FakeDeskFlow, h: QmlHarness, topic: str) -> None:
    flow.move_to(DeskState.OFF_DUTY)
    flow.move_to(DeskState.AVAILABLE)
    flow.move_to(DeskState.RINGING, topic=topic, peer_name="红星村服务室")
    flow.move_to(DeskState.CONNECTING)
    flow.move_to(DeskState.IN_CALL)
    h.wait_for("hangupButton")


def test_the_lawyer_may_ask_to_record_only_where_the_centre_records_that_matter(desk, tmp_path):
    flow, h = desk
    _desk_in_call(flow, h, "land")
    h.wait_for("requestRecordingButton")
    assert h.text("requestRecordingButton") == "请求录音"
    _shoot(h, tmp_path, "desk-request")
    h.tap("requestRecordingButton")
    h.qtbot.waitUntil(lambda: h.has("recordingNote"))
    assert flow.actions[-1] == "request_recording"
    assert not h.has("requestRecordingButton")
    flow.update_info(recording="agreed")  # the villager agreed
    h.wait_for("recordingIndicator")
    _shoot(h, tmp_path, "desk-recording-on")
    h.tap("stopRecordingButton")
    h.qtbot.waitUntil(lambda: not h.has("recordingIndicator"))
    assert flow.actions[-1] == "stop_recording"


def test_no_request_button_for_a_matter_the_centre_does_not_record(desk):
    flow, h = desk
    _desk_in_call(flow, h, "traffic")
    h.qtbot.wait(200)
    assert not h.has("requestRecordingButton")


@pytest.fixture
def elder_kiosk(qtbot: Any, qapp: Any, tmp_path: Path) -> Iterator[Any]:
    from tests.access_fixtures import build_access_kiosk

    with running_qasync_loop(qapp):
        k = build_access_kiosk(qtbot, tmp_path)
        k.access.setElderMode(True)
        yield k
        k.close()


@pytest.mark.parametrize(
    ("recording", "shown_by"), [("asked", "recordingQuestion"), ("agreed", "stopRecordingButton")]
)
def test_the_recording_panel_fits_at_the_largest_size(elder_kiosk, recording, shown_by, tmp_path):
    from tests.test_access_readability import readability_problems

    k = elder_kiosk
    k.vm.call()
    k.harness.qtbot.waitUntil(lambda: k.flow.state is CallerState.REQUESTING)
    k.flow.move_to(CallerState.WAITING, position=1)
    k.flow.answer(name="欧阳明珠律师", firm="宁夏回族自治区固原市原州区法律援助中心")
    k.flow.move_to(CallerState.IN_CALL)
    k.flow.update_info(recording=recording)
    k.wait_for(shown_by)
    checked, problems = readability_problems(k)
    _shoot(k.harness, tmp_path, f"kiosk-elder-recording-{recording}")
    assert checked >= 2
    assert problems == []
