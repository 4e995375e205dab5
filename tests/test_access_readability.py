"""Every kiosk screen at the largest (elder-mode) size: no text cut, overflowing or overlapping."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtQml import QQmlContext, QQmlEngine, QQmlExpression, qmlEngine
from PySide6.QtQuick import QQuickItem

from tests.access_fixtures import STAFF_PIN, AccessKiosk, build_access_kiosk
from tests.test_kiosk_readability import MIN_TEXT_PX, SHOWN_BY, TOUCH_MM, _show, _visible
from tests.ui_fakes import running_qasync_loop
from ui.access_vm import ELDER_TEXT_SCALE, AccessScreen
from ui.app import prepare_environment

prepare_environment(virtual_keyboard=True)
pytestmark = pytest.mark.qt_log_ignore(r"PopupList_QMLTYPE_\d+ overrides a member")

# Layers drawn over a screen: what lies under one may be covered by it.
OVERLAYS = ("noticeOverlay", "idleDialog", "recordingOverlay")


@pytest.fixture
def kiosk(qtbot: Any, qapp: Any, tmp_path: Any) -> Iterator[AccessKiosk]:
    with running_qasync_loop(qapp):
        k = build_access_kiosk(qtbot, tmp_path, scan_badge=lambda: None)  # badge button shown
        k.access.setElderMode(True)
        yield k
        k.close()


def _show_access(screen: str, k: AccessKiosk) -> None:
    if screen == "help":
        k.access.showHelp()
    elif screen == "staff_pin":
        k.staff.open()
        for digit in STAFF_PIN[:2]:
            k.staff.digit(digit)
    elif screen in ("staff_menu", "staff_matters", "selftest"):
        k.gate.unlock(STAFF_PIN)
        k.access.show(AccessScreen.STAFF_MENU)
        if screen == "staff_matters":
            k.staff.showMatters()
        elif screen == "selftest":
            k.staff.selfTest()
            k.selftest.run()
            k.harness.qtbot.waitUntil(lambda: len(k.selftest.results) == 6)
    elif screen == "staff_badge_missed":  # no badge in view: the longest line under the dots
        k.staff.open()
        k.staff.scanBadge()
        k.harness.qtbot.waitUntil(lambda: "没有看到工作证" in str(k.staff.message))
    elif screen == "idle_question":
        k.clock.advance(k.idle.idle_s + 1)
    elif screen == "attract":
        k.access.endNow()
        k.access.setElderMode(True)
    elif screen == "out_of_service":
        k.access.out_of_service()


ACCESS_SHOWN_BY = {
    "help": "helpScreen",
    "staff_pin": "staffPinScreen",
    "staff_badge_missed": "pinMessage",
    "staff_menu": "staffMenuScreen",
    "staff_matters": "mattersMessage",
    "selftest": "selfTestRow_printer",
    "idle_question": "idleCountdown",
    "attract": "attractScreen",
    "out_of_service": "outOfServiceScreen",
}


def _layer(item: QQuickItem) -> str:
    node: QQuickItem | None = item
    while node is not None:
        if node.objectName() in OVERLAYS:
            return node.objectName()
        node = node.parentItem()
    return ""


def _is_ancestor(a: QQuickItem, b: QQuickItem) -> bool:
    node = b.parentItem()
    while node is not None:
        if node is a:
            return True
        node = node.parentItem()
    return False


def _alignment(item: QQuickItem, name: str) -> int:
    """An enum property's value (PySide cannot convert QQuickText's enums, QML can)."""
    engine = QQmlEngine.contextForObject(item)
    context = engine if engine is not None else QQmlContext(qmlEngine(item))
    value = QQmlExpression(context, item, f"{name} + 0").evaluate()[0]
    return int(value or 0)


def _text_box(item: QQuickItem) -> QRectF:
    """Where the words are drawn (content size at the item's alignment), in scene coordinates."""
    width = min(item.property("contentWidth"), item.width())
    height = min(item.property("contentHeight"), item.height())
    x = {1: 0.0, 2: item.width() - width, 4: (item.width() - width) / 2}.get(
        _alignment(item, "effectiveHorizontalAlignment"), 0.0
    )
    y = {32: 0.0, 64: item.height() - height, 128: (item.height() - height) / 2}.get(
        _alignment(item, "verticalAlignment"), 0.0
    )
    return item.mapRectToScene(QRectF(x, y, width, height))


def readability_problems(k: AccessKiosk) -> tuple[int, list[str]]:
    """How many texts were measured and what an elderly reader would stumble on."""
    h = k.harness
    for _ in range(2):  # let Qt Quick lay out and draw what the last change moved
        with h.qtbot.waitSignal(h.window.frameSwapped, timeout=5000):
            h.window.update()
    window = QRectF(0, 0, h.window.width(), h.window.height())
    px_per_mm = h.window.screen().physicalDotsPerInch() / 25.4
    touch_min = max(TOUCH_MM * px_per_mm, 64)
    visible = k.items()
    problems: list[str] = []
    texts = [i for i in visible if i.inherits("QQuickText") and i.property("text")]
    buttons = [i for i in visible if i.inherits("QQuickAbstractButton")]
    for item in texts:
        text = item.property("text")
        if item.property("font").pixelSize() < MIN_TEXT_PX:
            problems.append(f"{text!r}: {item.property('font').pixelSize()} px text")
        if item.property("truncated"):
            problems.append(f"{text!r}: cut off")
        too_wide = item.property("contentWidth") > item.width() + 1
        if too_wide or item.property("contentHeight") > item.height() + 1:
            problems.append(f"{text!r}: overflows its box")
        if not window.contains(_text_box(item).adjusted(1, 1, -1, -1)):
            problems.append(f"{text!r}: outside the screen")
    for button in buttons:
        box = button.mapRectToScene(QRectF(0, 0, button.width(), button.height()))
        if min(button.width(), button.height()) < touch_min:
            problems.append(f"button {button.objectName()!r}: {button.width():.0f}x{button.height():.0f} px")
        if not window.contains(box.adjusted(1, 1, -1, -1)):
            problems.append(f"button {button.objectName()!r}: outside the screen")
    # Words must not run into other words or into buttons they do not belong to.
    for i, a in enumerate(texts):
        box_a = _text_box(a).adjusted(2, 2, -2, -2)
        for b in texts[i + 1 :]:
            if _layer(a) == _layer(b) and box_a.intersects(_text_box(b).adjusted(2, 2, -2, -2)):
                problems.append(f"{a.property('text')!r} overlaps {b.property('text')!r}")
        for button in buttons:
            if _is_ancestor(button, a) or _layer(a) != _layer(button):
                continue
            if box_a.intersects(button.mapRectToScene(QRectF(0, 0, button.width(), button.height()))):
                problems.append(f"{a.property('text')!r} runs under button {button.objectName()!r}")
    return len(texts), problems


@pytest.mark.parametrize("screen", list(SHOWN_BY))
def test_call_screens_fit_at_the_largest_size(kiosk, screen):
    _show(screen, kiosk.flow, kiosk.vm, kiosk.harness)
    kiosk.wait_for(SHOWN_BY[screen])
    checked, problems = readability_problems(kiosk)
    assert checked >= 2
    assert problems == []


@pytest.mark.parametrize("screen", list(ACCESS_SHOWN_BY))
def test_access_screens_fit_at_the_largest_size(kiosk, screen):
    _show_access(screen, kiosk)
    kiosk.wait_for(ACCESS_SHOWN_BY[screen])
    checked, problems = readability_problems(kiosk)
    assert checked >= 2
    assert problems == []


def test_one_tap_makes_every_text_larger_and_tapping_again_restores_it(kiosk):
    h = kiosk.harness
    kiosk.access.setElderMode(False)
    h.wait_for("elderButton")
    normal = h.item("callTile").property("font").pixelSize()
    title_item = [i for i in h.window.findChildren(QQuickItem) if i.property("text") == "村居公共法律服务"]
    normal_title = title_item[0].property("font").pixelSize()
    h.tap("elderButton")
    h.qtbot.waitUntil(lambda: kiosk.access.elderMode)
    assert title_item[0].property("font").pixelSize() == round(normal_title * ELDER_TEXT_SCALE)
    assert h.item("elderButton").property("text") == "小字"
    h.tap("elderButton")
    h.qtbot.waitUntil(lambda: not kiosk.access.elderMode)
    assert title_item[0].property("font").pixelSize() == normal_title
    assert h.item("callTile").property("font").pixelSize() == normal


@pytest.mark.parametrize("screen", ["staff_pin", "staff_badge_missed"])
def test_the_staff_pin_buttons_stay_above_the_access_bar(kiosk, screen):
    _show_access(screen, kiosk)
    kiosk.wait_for(ACCESS_SHOWN_BY[screen])
    page = kiosk.harness.item("staffPinScreen")
    bottom = page.mapRectToScene(QRectF(0, 0, page.width(), page.height())).bottom()
    for name in ("badgeScan", "pinBack"):
        button = kiosk.harness.item(name)
        assert button.mapRectToScene(QRectF(0, 0, button.width(), button.height())).bottom() <= bottom, name


def test_the_attract_screen_promises_no_queue_free_calls_since_lawyer_calls_do_queue(kiosk):
    _show_access("attract", kiosk)
    kiosk.wait_for("attractScreen")
    words = [str(i.property("text")) for i in _visible(kiosk.harness) if i.inherits("QQuickText")]
    assert any("12348" in w for w in words)
    assert not any("不用排队" in w for w in words)  # 律师视频 has a queue with a waiting estimate
