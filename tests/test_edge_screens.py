"""正在重新连接… on the kiosk's and the desk's screens, through real QML offscreen over fake flows."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from media.flows import CallerState, DeskState
from tests.ui_fakes import FakeCallerFlow, FakeDeskFlow, QmlHarness, running_qasync_loop
from ui import desk_vm, kiosk_vm
from ui.app import prepare_environment
from ui.background import BackgroundRunner
from ui.desk_vm import DeskViewModel
from ui.kiosk_vm import KioskViewModel

prepare_environment(virtual_keyboard=True)  # before pytest-qt creates the QGuiApplication
pytestmark = pytest.mark.qt_log_ignore(r"PopupList_QMLTYPE_\d+ overrides a member", "PulseAudioService")
SHOTS = os.environ.get("EDGE_SHOTS", "")  # a folder: save each screen as PNG to look at it


def _shot(h: QmlHarness, name: str) -> None:
    if SHOTS:
        h.window.grabWindow().save(str(Path(SHOTS) / f"{name}.png"))


@pytest.fixture
def kiosk(qtbot: Any, qapp: Any, tmp_path: Path) -> Iterator[tuple[FakeCallerFlow, QmlHarness]]:
    with running_qasync_loop(qapp):
        flow = FakeCallerFlow()
        vm = KioskViewModel(flow, BackgroundRunner(), keyboard_data_path=str(tmp_path))
        harness = QmlHarness(qtbot, "kiosk/Main.qml", {"vm": vm})
        yield flow, harness
        harness.close()


@pytest.fixture
def desk(qtbot: Any, qapp: Any) -> Iterator[tuple[FakeDeskFlow, QmlHarness]]:
    with running_qasync_loop(qapp):
        flow = FakeDeskFlow({"wangming": "secret"})
        vm = DeskViewModel(flow, BackgroundRunner(), username="wangming")
        harness = QmlHarness(qtbot, "desk/Main.qml", {"vm": vm})
        yield flow, harness
        harness.close()


def test_a_waiting_kiosk_that_lost_its_server_says_it_reconnects_and_keeps_the_place(kiosk):
    flow, h = kiosk
    h.tap("callTile")
    h.tap(h.wait_for("callTopic_unknown").objectName())  # 不知道: a general call
    h.qtbot.waitUntil(lambda: flow.state is CallerState.REQUESTING)
    flow.move_to(CallerState.WAITING, position=2)
    flow.update_info(reconnecting=True)
    h.qtbot.waitUntil(lambda: h.text("connectingTitle") == "正在重新连接…")
    _shot(h, "kiosk_waiting_reconnecting")
    flow.update_info(reconnecting=False)
    h.qtbot.waitUntil(lambda: h.text("connectingTitle") == "正在排队，请稍等…")  # one call is ahead
    assert h.text("queuePosition") == "2"


def test_a_stalled_call_stays_on_the_call_screen_with_a_reconnecting_banner(kiosk):
    flow, h = kiosk
    h.tap("callTile")
    h.tap(h.wait_for("callTopic_unknown").objectName())  # 不知道: a general call
    h.qtbot.waitUntil(lambda: flow.state is CallerState.REQUESTING)
    flow.move_to(CallerState.WAITING, position=1)
    flow.move_to(CallerState.CONNECTING, peer_name="王明律师")
    flow.move_to(CallerState.IN_CALL)
    h.wait_for("hangupButton")
    assert not h.has("reconnectingBanner")
    flow.move_to(CallerState.RECONNECTING)
    assert h.wait_for("reconnectingText").property("text") == "正在重新连接…"
    assert h.has("hangupButton")  # the villager can still hang up
    _shot(h, "kiosk_call_reconnecting")
    flow.move_to(CallerState.IN_CALL)
    h.qtbot.waitUntil(lambda: not h.has("reconnectingBanner"))


def test_the_desk_says_it_reconnects_while_its_server_comes_back(desk):
    flow, h = desk
    h.item("usernameField").setProperty("text", "wangming")
    h.item("passwordField").setProperty("text", "secret")
    h.tap("loginButton")
    h.wait_for("dutyOn")
    h.tap("dutyOn")
    h.qtbot.waitUntil(lambda: flow.state is DeskState.AVAILABLE)
    flow.update_info(reconnecting=True)
    h.qtbot.waitUntil(lambda: h.text("dutyStatus") == "正在重新连接…")
    _shot(h, "desk_duty_reconnecting")
    flow.update_info(reconnecting=False)
    h.qtbot.waitUntil(lambda: h.text("dutyStatus") == "您在岗，正在等待村民来电")


def test_the_desk_call_screen_shows_reconnecting_while_the_media_comes_back(desk):
    flow, h = desk
    h.item("usernameField").setProperty("text", "wangming")
    h.item("passwordField").setProperty("text", "secret")
    h.tap("loginButton")
    h.wait_for("dutyOn")
    flow.move_to(DeskState.AVAILABLE)
    flow.move_to(DeskState.RINGING, peer_name="一号终端", peer_detail="东村")
    flow.move_to(DeskState.CONNECTING)
    flow.move_to(DeskState.IN_CALL)
    h.wait_for("deskCallScreen")
    flow.move_to(DeskState.RECONNECTING)
    assert h.wait_for("reconnectingText").property("text") == "正在重新连接…"
    _shot(h, "desk_call_reconnecting")


def test_every_flow_state_has_a_screen() -> None:
    assert set(kiosk_vm.SCREEN_FOR_STATE) == set(CallerState)
    assert set(desk_vm.SCREEN_FOR_STATE) == set(DeskState) - {DeskState.FAILED}  # FAILED: login or duty
