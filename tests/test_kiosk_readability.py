"""Every kiosk screen, checked as an elderly villager meets it: large text, large buttons, nothing cut off."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtQuick import QQuickItem

from media.flows import CallerState
from tests.ui_fakes import FakeCallerFlow, QmlHarness, running_qasync_loop
from ui.app import prepare_environment
from ui.background import BackgroundRunner
from ui.kiosk_vm import KioskViewModel

prepare_environment(virtual_keyboard=True)
pytestmark = pytest.mark.qt_log_ignore(r"PopupList_QMLTYPE_\d+ overrides a member")

MIN_TEXT_PX = 28
TOUCH_MM = 15


@pytest.fixture
def kiosk(qtbot: Any, qapp: Any) -> Iterator[tuple[FakeCallerFlow, KioskViewModel, QmlHarness]]:
    with running_qasync_loop(qapp):
        flow = FakeCallerFlow()
        vm = KioskViewModel(flow, BackgroundRunner(), ended_return_ms=60_000)
        harness = QmlHarness(qtbot, "kiosk/Main.qml", {"vm": vm})
        yield flow, vm, harness
        harness.close()


def _to(flow: FakeCallerFlow, vm: KioskViewModel, h: QmlHarness, *states: CallerState, **info: Any) -> None:
    vm.call()
    h.qtbot.waitUntil(lambda: flow.state is CallerState.REQUESTING)
    for state in states:
        flow.move_to(state, **info)


def _show(screen: str, flow: FakeCallerFlow, vm: KioskViewModel, h: QmlHarness) -> None:
    """Bring the kiosk to one of its screens, with long real-world texts where they can vary."""
    if screen == "not_built_notice":
        vm.tapTile("apply")
    elif screen == "waiting":
        _to(flow, vm, h, CallerState.WAITING, position=12)
    elif screen in ("answered", "in_call", "ended"):
        _to(flow, vm, h, CallerState.WAITING)
        flow.answer(name="欧阳明珠律师", firm="宁夏回族自治区固原市原州区法律援助中心")
        if screen == "in_call":
            flow.move_to(CallerState.IN_CALL)
        elif screen == "ended":
            flow.move_to(CallerState.ENDED, message="通话已结束")
    elif screen == "no_lawyer":
        _to(flow, vm, h, CallerState.NO_LAWYER, message="现在没有值班律师。")
    elif screen == "call_topics":
        vm.tapTile("call")
    elif screen == "waiting_estimate":  # place, minutes and the callback offer at once
        _to(flow, vm, h, CallerState.WAITING, position=12)
        flow.update_info(estimated_wait_s=1260.0, callback_offered=True)
    elif screen == "waiting_soon":  # next, a lawyer's phone ringing: 马上就轮到您了
        _to(flow, vm, h, CallerState.WAITING, position=1)
        flow.update_info(estimated_wait_s=5.0)
    elif screen.startswith("callback_"):
        _to(flow, vm, h, CallerState.NO_LAWYER, message="现在没有值班律师。", callback_offered=True)
        vm.offerCallback()
        vm.setPhone("0371123" if screen != "callback_done" else "037112345678")
        if screen != "callback_pad":
            vm.sendCallback()
    elif screen == "rating":
        _to(flow, vm, h, CallerState.WAITING)
        flow.answer()
        flow.move_to(CallerState.IN_CALL)
        flow.update_info(tracking_number="K7Q2M9XA")
        flow.move_to(CallerState.ENDED, message="通话已结束")
    elif screen == "failed_callback":  # the link was too poor: 重试, 请律师回电, 返回首页
        _to(flow, vm, h, CallerState.FAILED, message="网络太差，视频接不通。", callback_offered=True)
    elif screen == "no_lawyer_callback":
        _to(flow, vm, h, CallerState.NO_LAWYER, message="现在没有值班律师。", callback_offered=True)
    elif screen == "failed":
        reason = (
            "网络断了，没能接通律师。请检查村里的网络是否正常，"
            "或者请村委会的工作人员帮忙看一看，然后再试一次。"
        )
        _to(flow, vm, h, CallerState.FAILED, message=reason)


SHOWN_BY = {
    "home": "homeScreen",
    "not_built_notice": "noticeText",
    "waiting": "queuePosition",
    "answered": "connectingScreen",
    "in_call": "callScreen",
    "no_lawyer": "noLawyerScreen",
    "failed": "failedScreen",
    "ended": "endedScreen",
    "call_topics": "callTopic_inheritance_support",
    "waiting_estimate": "waitMinutes",
    "waiting_soon": "waitSoon",
    "callback_pad": "callbackPad",
    "callback_bad_number": "phoneError",
    "callback_done": "callbackTracking",
    "rating": "rateHappy",
    "no_lawyer_callback": "callbackButton",
    "failed_callback": "callbackButton",
}


def _visible(h: QmlHarness) -> list[QQuickItem]:
    """Every shown item of the visual tree (Repeater-made tiles too, which findChildren misses)."""
    found: list[QQuickItem] = []
    stack = [h.window.contentItem()]
    while stack:
        item = stack.pop()
        if item.isVisible() and item.opacity() > 0:
            found.append(item)
            stack.extend(item.childItems())
    return found


@pytest.mark.parametrize("screen", list(SHOWN_BY))
def test_screen_is_readable_and_touchable(kiosk, screen):
    flow, vm, h = kiosk
    _show(screen, flow, vm, h)
    h.wait_for(SHOWN_BY[screen])
    window = QRectF(0, 0, h.window.width(), h.window.height())
    px_per_mm = h.window.screen().physicalDotsPerInch() / 25.4
    touch_min = max(TOUCH_MM * px_per_mm, 64)
    problems: list[str] = []
    checked = 0
    for item in _visible(h):
        box = item.mapRectToScene(QRectF(0, 0, item.width(), item.height()))
        if item.inherits("QQuickText") and item.property("text"):
            text = item.property("text")
            checked += 1
            size = item.property("font").pixelSize()
            if size < MIN_TEXT_PX:
                problems.append(f"{text!r}: {size} px text")
            if item.property("truncated"):
                problems.append(f"{text!r}: cut off")
            too_wide = item.property("contentWidth") > item.width() + 1
            if too_wide or item.property("contentHeight") > item.height() + 1:
                problems.append(f"{text!r}: overflows its box")
            if not window.contains(box.adjusted(1, 1, -1, -1)):
                problems.append(f"{text!r}: outside the screen")
        if item.inherits("QQuickAbstractButton"):
            if min(item.width(), item.height()) < touch_min:
                problems.append(f"button {item.objectName()!r}: {item.width():.0f}x{item.height():.0f} px")
            if not window.contains(box.adjusted(1, 1, -1, -1)):
                problems.append(f"button {item.objectName()!r}: outside the screen")
    assert checked >= 2  # the screen's words were found and measured
    assert problems == []
