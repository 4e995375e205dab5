"""The desk's wrap-up panel, break notice and callback list in real QML offscreen, over a fake desk flow."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from media.flows import DeskState
from tests.ui_fakes import FakeDeskFlow, QmlHarness, running_qasync_loop
from ui.app import prepare_environment
from ui.background import BackgroundRunner
from ui.desk_panels_vm import DeskPanelsViewModel, phone_for_display, place_of
from ui.desk_vm import DeskViewModel

prepare_environment(virtual_keyboard=False)
pytestmark = pytest.mark.qt_log_ignore("PulseAudioService", r"PopupList_QMLTYPE_\d+ overrides a member")

NOW = 1_800_000_000.0  # the server's clock in these tests


@pytest.fixture
def desk(qtbot: Any, qapp: Any) -> Iterator[tuple[FakeDeskFlow, DeskPanelsViewModel, QmlHarness]]:
    with running_qasync_loop(qapp):
        flow = FakeDeskFlow({"wangming": "secret"})
        flow.server_clock_offset_s = NOW - time.time()  # the desk's clock is not the server's
        runner = BackgroundRunner()
        vm = DeskViewModel(flow, runner, username="wangming")
        panels = DeskPanelsViewModel(flow, runner)
        harness = QmlHarness(qtbot, "desk/Main.qml", {"vm": vm, "panels": panels})
        yield flow, panels, harness
        harness.close()


def _on_duty(flow: FakeDeskFlow, h: QmlHarness) -> None:
    h.item("usernameField").setProperty("text", "wangming")
    h.item("passwordField").setProperty("text", "secret")
    h.tap("loginButton")
    h.wait_for("dutyOn")
    h.tap("dutyOn")
    h.qtbot.waitUntil(lambda: flow.state is DeskState.AVAILABLE)


def _drawn(h: QmlHarness) -> None:
    with h.qtbot.waitSignal(h.window.frameSwapped, timeout=5000):
        h.window.update()


def _a_call_ends_into_wrap_up(flow: FakeDeskFlow, h: QmlHarness, wrap_up_s: float = 45.0) -> None:
    flow.ring(terminal="石桥村服务点", village="石桥村", topic="labour_wages")
    flow.update_info(tracking_number="T2611240042")
    h.wait_for("acceptButton")
    h.tap("acceptButton")
    h.qtbot.waitUntil(lambda: flow.state is DeskState.CONNECTING)
    flow.move_to(DeskState.IN_CALL)
    flow.move_to(DeskState.AVAILABLE)  # the villager hung up
    flow.server_says("wrap_up", wrap_up_until=NOW + wrap_up_s)


def test_after_a_call_the_wrap_up_shows_the_matter_and_saves_notes_then_ends(desk):
    flow, _panels, h = desk
    _on_duty(flow, h)
    _a_call_ends_into_wrap_up(flow, h)
    h.wait_for("wrapUpPanel")
    _drawn(h)
    assert not h.has("dutySwitch")  # no switching duty in the middle of notes
    assert h.text("wrapUpTracking") == "事项编号：T2611240042"
    assert h.text("wrapUpCall") == "劳动争议、欠薪 · 石桥村服务点"
    seconds = int(h.text("wrapUpCountdown").split()[1])
    assert 40 <= seconds <= 45
    h.qtbot.waitUntil(lambda: int(h.text("wrapUpCountdown").split()[1]) < seconds, timeout=8000)  # it counts

    assert not h.item("saveNotesButton").isEnabled()  # nothing written yet
    h.item("notesField").setProperty("text", "拖欠工资三个月，建议先找劳动监察大队")
    _drawn(h)
    h.tap("saveNotesButton")
    h.qtbot.waitUntil(lambda: h.text("notesStatus") == "记录已保存到这件事项")
    assert flow.notes == {"c1": "拖欠工资三个月，建议先找劳动监察大队"}
    assert not h.item("saveNotesButton").isEnabled()  # saved: nothing new to save

    h.item("notesField").setProperty("text", "拖欠工资三个月，建议先找劳动监察大队；已推送投诉表")
    _drawn(h)
    h.tap("endWrapUpButton")  # the changed notes are saved on the way out
    h.qtbot.waitUntil(lambda: not h.has("wrapUpPanel"))
    assert flow.notes["c1"].endswith("已推送投诉表")
    assert flow.actions[-2:] == ["notes", "end_wrap_up"]
    assert h.has("dutySwitch") and "在岗" in h.text("dutyStatus")


def test_ending_the_wrap_up_without_notes_sends_no_empty_notes(desk):
    flow, _panels, h = desk
    _on_duty(flow, h)
    _a_call_ends_into_wrap_up(flow, h)
    h.wait_for("endWrapUpButton")
    _drawn(h)
    h.tap("endWrapUpButton")
    h.qtbot.waitUntil(lambda: not h.has("wrapUpPanel"))
    assert "notes" not in flow.actions and flow.actions[-1] == "end_wrap_up"


def test_the_wrap_up_goes_away_when_the_server_ends_it_and_typed_notes_are_kept(desk):
    flow, _panels, h = desk
    _on_duty(flow, h)
    _a_call_ends_into_wrap_up(flow, h, wrap_up_s=2.0)
    h.wait_for("wrapUpPanel")
    h.item("notesField").setProperty("text", "村民下周带合同再来")
    flow.server_says("available")  # the wrap-up time ran out on the server before 保存记录
    h.qtbot.waitUntil(lambda: not h.has("wrapUpPanel"))
    assert h.has("dutySwitch")
    h.qtbot.waitUntil(lambda: flow.notes == {"c1": "村民下周带合同再来"})  # what was typed is kept


def test_a_desk_restarted_in_wrap_up_can_still_end_it(desk):
    flow, _panels, h = desk
    _on_duty(flow, h)
    flow.server_says("wrap_up", wrap_up_until=NOW + 30)  # no call seen by this desk
    h.wait_for("wrapUpNoCall")
    assert not h.has("notesField") and not h.has("saveNotesButton") and not h.has("wrapUpTracking")
    _drawn(h)
    h.tap("endWrapUpButton")
    h.qtbot.waitUntil(lambda: not h.has("wrapUpPanel"))
    assert flow.actions[-1] == "end_wrap_up" and "notes" not in flow.actions


def test_a_lawyer_put_on_break_is_told_why_and_goes_back_on_duty_with_one_tap(desk):
    flow, _panels, h = desk
    _on_duty(flow, h)
    flow.server_says("break", on_duty=False)  # the server: missed calls in a row
    h.wait_for("breakNotice")
    assert "没有接听" in h.text("breakReason")
    assert "休息" in h.text("dutyStatus")
    assert not h.has("dutySwitch")
    _drawn(h)  # the notice has been laid out and drawn, as a person sees it before tapping
    h.tap("backOnDutyButton")
    h.qtbot.waitUntil(lambda: flow.state is DeskState.AVAILABLE)
    h.qtbot.waitUntil(lambda: not h.has("breakNotice"))
    assert flow.actions[-1] == "duty_on"
    assert "在岗" in h.text("dutyStatus")


def _callback(callback_id: int, minutes_ago: float, phone: str, village: str) -> dict[str, Any]:
    return {
        "callback_id": callback_id,
        "tracking_number": f"C26112400{callback_id:02d}",
        "phone": phone,
        "topic": "land",
        "village": village,
        "kiosk_name": f"{village}服务点",
        "requested_at": NOW - minutes_ago * 60,
    }


def test_the_callback_list_updates_live_and_done_removes_an_entry(desk):
    flow, _panels, h = desk
    _on_duty(flow, h)
    h.wait_for("noCallbacks")
    assert h.text("callbackHeading") == "待回电（0）"
    flow.send_callbacks([_callback(1, 95, "13812345678", "石桥村"), _callback(2, 3, "037112345678", "红星")])
    h.qtbot.waitUntil(lambda: h.text("callbackHeading") == "待回电（2）")
    assert not h.has("noCallbacks")
    assert _texts(h, "callbackPhone") == ["0371 1234 5678", "138 1234 5678"]
    assert _texts(h, "callbackAge") == ["1 小时前", "3 分钟前"]
    _drawn(h)
    _tap_shown(h, "callbackDone_1")
    h.qtbot.waitUntil(lambda: h.text("callbackHeading") == "待回电（1）")
    assert flow.callbacks_done == [1]
    h.qtbot.waitUntil(lambda: not _shown(h, "callbackDone_1") and len(_shown(h, "callbackDone_2")) == 1)
    flow.send_callbacks([*flow.callbacks, _callback(3, 0, "13900001111", "东沟村")])  # another desk's kiosk
    h.qtbot.waitUntil(lambda: len(_shown(h, "callbackDone_3")) == 1)
    assert _texts(h, "callbackPhone") == ["0371 1234 5678", "139 0000 1111"]


def _shown(h: QmlHarness, name: str) -> list[Any]:
    """Visible items with this objectName, walking the scene (list delegates have no QObject parent)."""
    found, stack = [], [h.window.contentItem()]
    while stack:
        item = stack.pop()
        if not item.isVisible():
            continue
        if item.objectName() == name:
            found.append(item)
        stack.extend(item.childItems())
    return found


def _texts(h: QmlHarness, name: str) -> list[str]:
    return sorted(str(i.property("text")) for i in _shown(h, name))


def _tap_shown(h: QmlHarness, name: str) -> None:
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtTest import QTest

    (item,) = _shown(h, name)
    centre = item.mapToScene(QPointF(item.width() / 2, item.height() / 2)).toPoint()
    QTest.mouseMove(h.window, centre)
    QTest.mouseClick(h.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)


def test_mobile_and_landline_numbers_are_grouped_for_dialling_and_places_name_the_village_once():
    assert phone_for_display("13812345678") == "138 1234 5678"
    assert phone_for_display("037112345678") == "0371 1234 5678"  # by area code
    assert phone_for_display("01087654321") == "010 8765 4321"  # Beijing: a three-digit code
    assert phone_for_display("02112345678") == "021 1234 5678"
    assert phone_for_display("07381234567") == "0738 123 4567"  # a seven-digit local number
    assert phone_for_display("12348") == "12348"  # hotlines as they are
    assert place_of("石桥村服务点", "石桥村") == "石桥村服务点"
    assert place_of("党群服务中心", "东沟村") == "党群服务中心 · 东沟村"


def _scene_box(item: Any) -> Any:
    from PySide6.QtCore import QRectF

    return item.mapRectToScene(QRectF(0, 0, item.width(), item.height()))


def _cards_cut(h: QmlHarness) -> list[str]:
    """Callback cards that show only in part (cut by the list's edge)."""
    (view,) = _shown(h, "callbackList")
    box = _scene_box(view).adjusted(-1, -1, 1, 1)
    cards = [(i.objectName(), _scene_box(i)) for n in range(1, 10) for i in _shown(h, f"callbackCard_{n}")]
    return [name for name, card in cards if box.intersects(card) and not box.contains(card)]


def _wheel_down(h: QmlHarness, item: Any) -> None:
    """One notch of the mouse wheel over the item."""
    from PySide6.QtCore import QCoreApplication, QPoint, QPointF, Qt
    from PySide6.QtGui import QWheelEvent

    centre = item.mapToScene(QPointF(item.width() / 2, item.height() / 2))
    notch = QPoint(0, -120)
    event = QWheelEvent(
        centre,
        centre,
        QPoint(),
        notch,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QCoreApplication.sendEvent(h.window, event)


def test_at_the_smallest_window_callback_cards_and_notes_lines_show_whole(desk):
    from PySide6.QtGui import QFontMetricsF

    flow, _panels, h = desk
    _on_duty(flow, h)
    places = [("石桥村", 130), ("红星村服务室很长的名字", 42), ("东沟村党群服务中心", 3), ("西河村", 1)]
    flow.send_callbacks([_callback(n, age, "13812345678", v) for n, (v, age) in enumerate(places, start=1)])
    _a_call_ends_into_wrap_up(flow, h)
    h.wait_for("wrapUpPanel")
    h.window.resize(h.window.minimumWidth(), h.window.minimumHeight())
    notes = h.item("notesField")
    notes.setProperty("text", "拖欠工资三个月，老板不接电话。建议先找劳动监察大队投诉，已推送投诉表。")
    _drawn(h)
    assert _cards_cut(h) == []
    (first,) = _shown(h, "callbackCard_1")
    assert _scene_box(first).intersects(_scene_box(_shown(h, "callbackList")[0]))  # a card is shown
    (list_view,) = _shown(h, "callbackList")
    _wheel_down(h, list_view)  # the lawyer scrolls on: it stops with a whole card at the top
    h.qtbot.waitUntil(lambda: not list_view.property("moving"), timeout=5000)
    _drawn(h)
    assert _cards_cut(h) == []
    assert list_view.property("contentY") > 0

    padding = notes.property("topPadding") + notes.property("bottomPadding")
    rows = (h.item("notesView").height() - padding) / QFontMetricsF(notes.property("font")).lineSpacing()
    assert rows >= 2 and abs(rows - round(rows)) < 0.05  # whole lines of the notes, none cut in half
