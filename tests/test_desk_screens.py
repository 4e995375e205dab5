"""The lawyer desk's screens driven through real QML offscreen, over a behaving fake desk flow."""

from __future__ import annotations

import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from media.flows import DeskState
from tests.ui_fakes import FakeDeskFlow, QmlHarness, running_qasync_loop
from ui.app import prepare_environment
from ui.background import BackgroundRunner
from ui.desk_vm import DeskViewModel
from ui.ringtone import Ringer, write_ringtone

prepare_environment(virtual_keyboard=False)
# With no sound server, Qt Multimedia says so when the ringer looks for a speaker.
pytestmark = pytest.mark.qt_log_ignore("PulseAudioService", r"PopupList_QMLTYPE_\d+ overrides a member")


@pytest.fixture
def desk(
    qtbot: Any, qapp: Any, tmp_path: Path
) -> Iterator[tuple[FakeDeskFlow, DeskViewModel, QmlHarness, Ringer]]:
    with running_qasync_loop(qapp):
        flow = FakeDeskFlow({"wangming": "secret"})
        ringer = Ringer(tmp_path / "ring.wav")
        vm = DeskViewModel(flow, BackgroundRunner(), ringer=ringer, username="wangming")
        harness = QmlHarness(qtbot, "desk/Main.qml", {"vm": vm})
        yield flow, vm, harness, ringer
        ringer.stop()
        harness.close()


def _log_in(flow: FakeDeskFlow, h: QmlHarness, password: str = "secret") -> None:
    h.item("usernameField").setProperty("text", "wangming")
    h.item("passwordField").setProperty("text", password)
    h.tap("loginButton")


def _on_duty(flow: FakeDeskFlow, h: QmlHarness) -> None:
    _log_in(flow, h)
    h.wait_for("dutyOn")
    h.tap("dutyOn")
    h.qtbot.waitUntil(lambda: flow.state is DeskState.AVAILABLE)


def test_wrong_password_shows_a_plain_message_and_stays_on_login(desk):
    flow, _vm, h, _ringer = desk
    _log_in(flow, h, password="wrong")
    h.qtbot.waitUntil(lambda: h.has("loginError"))
    assert h.text("loginError") == "用户名或密码不对，请再输入一次。"
    assert h.has("loginButton")
    _log_in(flow, h)  # and the right one then works
    h.wait_for("dutyScreen")


def test_empty_password_is_caught_before_asking_the_server(desk):
    flow, _vm, h, _ringer = desk
    h.item("usernameField").setProperty("text", "wangming")
    h.tap("loginButton")
    assert h.wait_for("loginError").property("text") == "请填写用户名和密码。"
    assert flow.actions == []


def test_duty_switch_goes_on_and_off_duty(desk):
    flow, _vm, h, _ringer = desk
    _log_in(flow, h)
    assert "离岗" in h.wait_for("dutyStatus").property("text")
    h.tap("dutyOn")
    h.qtbot.waitUntil(lambda: flow.state is DeskState.AVAILABLE)
    h.qtbot.waitUntil(lambda: "在岗" in h.text("dutyStatus"))
    h.tap("dutyOff")
    h.qtbot.waitUntil(lambda: flow.state is DeskState.OFF_DUTY)
    assert flow.actions == ["login", "duty_on", "duty_off"]


def test_the_desk_greets_the_lawyer_by_name_not_by_login(desk):
    flow, _vm, h, _ringer = desk
    _log_in(flow, h)
    h.wait_for("dutyScreen")
    stack, shown = [h.item("dutyScreen")], set()
    while stack:
        node = stack.pop()
        if node.inherits("QQuickText") and node.isVisible():
            shown.add(node.property("text"))
        stack.extend(node.childItems())
    assert "王明律师" in shown and "wangming" not in shown


def test_incoming_call_rings_and_shows_the_terminal(desk):
    flow, _vm, h, ringer = desk
    _on_duty(flow, h)
    flow.ring(terminal="石桥村服务点", village="石桥村", topic="labour_wages")
    assert h.wait_for("callerTerminal").property("text") == "石桥村服务点"
    assert "石桥村" in h.text("callerVillage")
    assert "劳动争议" in h.text("callerTopic")
    assert h.has("acceptButton") and h.has("declineButton")
    assert ringer.ringing


def test_accept_answers_and_hangup_ends_the_call(desk):
    flow, vm, h, ringer = desk
    _on_duty(flow, h)
    flow.ring()
    h.tap(h.wait_for("acceptButton").objectName())
    h.qtbot.waitUntil(lambda: flow.state is DeskState.CONNECTING)
    assert not ringer.ringing
    flow.move_to(DeskState.IN_CALL)
    h.wait_for("deskCallScreen")
    h.qtbot.waitUntil(lambda: vm.remote_video.videoSink is not None)
    flow.send_frames(1)
    assert vm.remote_video.shown == 1
    h.tap("hangupButton")
    h.qtbot.waitUntil(lambda: flow.state is DeskState.AVAILABLE)
    assert flow.actions[-2:] == ["accept", "hangup"]
    h.wait_for("dutyScreen")


def test_the_ring_says_when_a_migrant_workers_wage_claim_was_put_first(desk):
    flow, _vm, h, _ringer = desk
    _on_duty(flow, h)
    flow.ring(priority="wage_claim")  # the villager tapped 农民工欠薪
    assert h.wait_for("callerTopic").property("text") == "问题：农民工欠薪（优先接听）"
    h.tap("declineButton")
    h.qtbot.waitUntil(lambda: flow.state is DeskState.AVAILABLE)
    flow.ring()
    h.qtbot.waitUntil(lambda: h.has("callerTopic") and h.text("callerTopic") == "问题：劳动争议、欠薪")


def test_decline_passes_the_call_on(desk):
    flow, _vm, h, ringer = desk
    _on_duty(flow, h)
    flow.ring()
    h.tap(h.wait_for("declineButton").objectName())
    h.qtbot.waitUntil(lambda: flow.state is DeskState.AVAILABLE)
    assert flow.actions[-1] == "decline"
    assert not ringer.ringing
    h.wait_for("dutyScreen")


def test_failure_after_login_is_shown_on_the_duty_screen(desk):
    flow, _vm, h, _ringer = desk
    _on_duty(flow, h)
    flow.move_to(DeskState.FAILED, message="和服务器的连接断了，正在重新连接…")
    assert h.wait_for("deskError").property("text") == "和服务器的连接断了，正在重新连接…"


def test_ringtone_is_a_short_audible_wav(tmp_path: Path):
    path = write_ringtone(tmp_path / "ring.wav")
    with wave.open(str(path)) as wav:
        assert wav.getnchannels() == 2 and wav.getsampwidth() == 2
        seconds = wav.getnframes() / wav.getframerate()
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    assert 1.0 <= seconds <= 3.0
    assert np.abs(samples).max() > 8000  # loud enough to hear
    assert (np.abs(samples) < 10).mean() > 0.3  # with pauses, like a phone


class CountingRinger:
    """Counts rings instead of making sound (the sound itself is tested in test_desk_ringer.py)."""

    def __init__(self) -> None:
        self.starts = 0
        self.stops = 0

    def start(self) -> None:
        self.starts += 1

    def stop(self) -> None:
        self.stops += 1


def test_news_while_ringing_does_not_restart_the_ring(qtbot, qapp):
    with running_qasync_loop(qapp):
        flow = FakeDeskFlow({"wangming": "secret"})
        ringer = CountingRinger()
        vm = DeskViewModel(flow, BackgroundRunner(), ringer=ringer)
        harness = QmlHarness(qtbot, "desk/Main.qml", {"vm": vm})
        _on_duty(flow, harness)
        flow.ring(village="石桥村")
        flow.update_info(peer_detail="石桥村（二组）")
        assert harness.wait_for("callerVillage").property("text") == "地点：石桥村（二组）"
        assert ringer.starts == 1
        harness.close()
