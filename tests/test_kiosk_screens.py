"""The kiosk's screens driven through real QML offscreen, over a behaving fake call flow."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from media.caller import no_lawyer_message
from media.flows import CallerState
from tests.ui_fakes import FakeCallerFlow, QmlHarness, running_qasync_loop
from ui.app import prepare_environment
from ui.background import BackgroundRunner
from ui.kiosk_vm import KioskViewModel

prepare_environment(virtual_keyboard=True)  # before pytest-qt creates the QGuiApplication
# Qt's own keyboard QML (PopupList.qml) trips a property-cache notice in Qt 6.12; not ours to fix.
pytestmark = pytest.mark.qt_log_ignore(r"PopupList_QMLTYPE_\d+ overrides a member")


@pytest.fixture
def kiosk(
    qtbot: Any, qapp: Any, tmp_path: Path
) -> Iterator[tuple[FakeCallerFlow, KioskViewModel, QmlHarness]]:
    with running_qasync_loop(qapp):
        flow = FakeCallerFlow()
        vm = KioskViewModel(flow, BackgroundRunner(), ended_return_ms=200, keyboard_data_path=str(tmp_path))
        harness = QmlHarness(qtbot, "kiosk/Main.qml", {"vm": vm})
        yield flow, vm, harness
        harness.close()


def _start_call(flow: FakeCallerFlow, h: QmlHarness) -> None:
    h.tap("callTile")
    h.tap(h.wait_for("callTopic_unknown").objectName())  # 不知道: a general call
    h.qtbot.waitUntil(lambda: flow.state is CallerState.REQUESTING)


def test_home_shows_the_four_tiles(kiosk):
    _flow, _vm, h = kiosk
    texts = {name: h.text(name) for name in ("consultTile", "applyTile", "callTile", "helpTile")}
    assert texts == {
        "consultTile": "法律咨询",
        "applyTile": "办事申请",
        "callTile": "律师视频",
        "helpTile": "使用帮助",
    }


@pytest.mark.parametrize("tile", ["applyTile"])  # a tile whose screens are not wired in says so
def test_tiles_not_built_yet_say_so_plainly(kiosk, tile):
    flow, _vm, h = kiosk
    h.tap(tile)
    notice = h.wait_for("noticeText").property("text")
    assert "正在建设中" in notice
    assert "12348" in notice
    assert flow.actions == []  # no call was started
    h.tap("noticeOk")
    h.qtbot.waitUntil(lambda: not h.has("noticeOverlay"))
    assert h.has("callTile")


def test_tapping_call_shows_connecting_then_queue_position(kiosk):
    flow, _vm, h = kiosk
    _start_call(flow, h)
    assert flow.actions == ["call"]
    assert h.wait_for("connectingTitle").property("text") == "正在为您接通值班律师…"
    assert not h.has("queuePosition")  # position unknown while requesting
    flow.move_to(CallerState.WAITING, position=3)
    h.qtbot.waitUntil(lambda: h.has("queuePosition") and h.text("queuePosition") == "3")
    assert h.text("connectingTitle") == "正在排队，请稍等…"  # not "connecting you now" with two ahead
    flow.move_to(CallerState.WAITING, position=1)
    h.qtbot.waitUntil(lambda: h.text("queuePosition") == "1")
    assert h.text("connectingTitle") == "正在为您接通值班律师…"


def test_cancel_while_waiting_goes_back_home(kiosk):
    flow, _vm, h = kiosk
    _start_call(flow, h)
    flow.move_to(CallerState.WAITING, position=2)
    h.tap("cancelButton")
    h.qtbot.waitUntil(lambda: flow.state is CallerState.IDLE)
    assert flow.actions == ["call", "cancel"]
    h.wait_for("homeScreen")


def test_in_call_shows_lawyer_name_and_firm_and_hangup_ends_it(kiosk):
    flow, vm, h = kiosk
    _start_call(flow, h)
    flow.move_to(CallerState.WAITING, position=1)
    flow.answer(name="李娟律师", firm="明德律师事务所")
    flow.move_to(CallerState.IN_CALL)
    assert h.wait_for("lawyerName").property("text") == "李娟律师"
    assert h.text("lawyerFirm") == "明德律师事务所"
    h.qtbot.waitUntil(lambda: vm.remote_video.videoSink is not None)
    flow.send_frames(2)
    assert vm.remote_video.shown == 2  # the frames reached the call screen's VideoOutput
    assert vm.local_video.shown >= 1  # the self-view too (thinned to 15 fps)
    h.tap("hangupButton")
    h.qtbot.waitUntil(lambda: flow.state is CallerState.ENDED)
    assert flow.actions[-1] == "hangup"
    h.wait_for("ratingScreen")  # the faces first (tests/test_kiosk_rating.py)
    h.tap("skipRatingButton")
    h.wait_for("homeScreen")


def test_a_call_that_ended_before_the_lawyer_appeared_says_so_and_goes_home_by_itself(kiosk):
    flow, _vm, h = kiosk
    _start_call(flow, h)
    flow.move_to(CallerState.WAITING, position=1)
    flow.answer()
    flow.move_to(CallerState.ENDED, message="通话已结束")  # no picture yet: nothing to rate
    assert h.wait_for("endedTitle").property("text") == "通话已结束"
    h.wait_for("homeScreen")  # back home by itself after a few seconds (200 ms here)


def test_nobody_on_duty_shows_the_hotline_and_goes_back(kiosk):
    flow, _vm, h = kiosk
    _start_call(flow, h)
    flow.move_to(CallerState.NO_LAWYER, hotline="0951-12348", message=no_lawyer_message("0951-12348"))
    assert h.wait_for("hotlineNumber").property("text") == "0951-12348"
    assert h.text("noLawyerMessage") == "现在没有值班律师。"  # the number only once, in large digits
    h.tap("backButton")
    h.wait_for("homeScreen")


def test_failed_call_shows_the_reason_and_retry_calls_again(kiosk):
    flow, _vm, h = kiosk
    _start_call(flow, h)
    flow.move_to(CallerState.FAILED, message="网络断了，没能接通律师。")
    assert h.wait_for("failureReason").property("text") == "网络断了，没能接通律师。"
    h.tap("retryButton")
    h.qtbot.waitUntil(lambda: flow.state is CallerState.REQUESTING)
    assert flow.actions == ["call", "call"]
    h.wait_for("connectingTitle")


def test_an_error_inside_the_flow_is_shown_in_plain_words_not_a_traceback(kiosk):
    flow, _vm, h = kiosk
    flow.fail_next = ConnectionRefusedError("[Errno 111] Connect call failed ('127.0.0.1', 8470)")
    h.tap("callTile")
    h.tap(h.wait_for("callTopic_traffic").objectName())
    reason = h.wait_for("failureReason").property("text")
    assert reason == "连不上服务器，请检查网络后再试。"
    h.tap("backButton")
    h.wait_for("homeScreen")


def test_keyboard_learned_words_stay_in_the_session_folder(kiosk, tmp_path):
    _flow, _vm, h = kiosk
    # Learned words are personal data on a shared terminal: they go where the session wipe looks.
    assert h.window.property("keyboardUserDataPath") == str(tmp_path)


def test_call_screen_counts_the_call_time(kiosk):
    flow, _vm, h = kiosk
    _start_call(flow, h)
    flow.move_to(CallerState.WAITING, position=1)
    flow.answer()
    flow.move_to(CallerState.IN_CALL)
    assert h.wait_for("callDuration").property("text") == "通话中 0:00"
    h.qtbot.waitUntil(lambda: h.text("callDuration") == "通话中 0:01", timeout=3000)


def test_hotline_is_the_terminals_own_number_unless_the_server_names_one(qtbot, qapp):
    with running_qasync_loop(qapp):
        flow = FakeCallerFlow()  # reports the default 12348
        vm = KioskViewModel(flow, BackgroundRunner(), hotline="0951-12348")
        harness = QmlHarness(qtbot, "kiosk/Main.qml", {"vm": vm})
        vm.call()
        qtbot.waitUntil(lambda: flow.state is CallerState.REQUESTING)
        flow.move_to(CallerState.NO_LAWYER)
        assert harness.wait_for("hotlineNumber").property("text") == "0951-12348"
        harness.close()


def test_news_within_an_end_state_does_not_bring_back_a_screen_the_villager_left(kiosk):
    flow, _vm, h = kiosk
    _start_call(flow, h)
    flow.move_to(CallerState.NO_LAWYER, message="现在没有值班律师。")
    h.tap(h.wait_for("backButton").objectName())
    h.wait_for("homeScreen")
    flow.update_info(timings={"ended": 1.0})
    assert h.has("homeScreen") and not h.has("noLawyerScreen")
