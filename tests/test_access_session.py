"""Idle question, countdown and session wipe: nothing of one villager is left for the next."""

from __future__ import annotations

from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtQml import QQmlComponent
from PySide6.QtQuick import QQuickItem

from kiosk.outbox import Outbox
from media.flows import CallerState
from tests.access_fixtures import AccessKiosk, build_access_kiosk
from tests.test_outbox_delivery import submission
from tests.ui_fakes import running_qasync_loop
from ui.app import prepare_environment

prepare_environment(virtual_keyboard=True)
pytestmark = pytest.mark.qt_log_ignore(r"PopupList_QMLTYPE_\d+ overrides a member")

MARKER = "王秀兰13912345678"  # what the villager typed: a name and a phone number


@pytest.fixture
def kiosk(qtbot: Any, qapp: Any, tmp_path: Path) -> Iterator[AccessKiosk]:
    with running_qasync_loop(qapp):
        k = build_access_kiosk(qtbot, tmp_path, idle_s=60, countdown_s=30, tick_ms=20)
        yield k
        k.close()


def _run(k: AccessKiosk, work: Coroutine[Any, Any, Any]) -> Any:
    """Run a coroutine on the kiosk's loop through its runner and return its result."""
    done: list[Any] = []
    k.runner.run(work, name="test", on_success=done.append)
    k.harness.qtbot.waitUntil(lambda: bool(done), timeout=10000)
    return done[0]


def _type_into_a_field(k: AccessKiosk) -> QQuickItem:
    """A text field on the current screen (as the forms and search screens have), with the marker typed."""
    screen = k.harness.item("homeScreen")
    component = QQmlComponent(k.harness.engine)
    component.setData(b'import QtQuick.Controls\nTextField { objectName: "probeField" }', "probe.qml")
    field = component.create()
    assert isinstance(field, QQuickItem)
    field.setParentItem(screen)
    field.setProperty("text", MARKER)
    return field


def _texts_in_scene(k: AccessKiosk) -> list[str]:
    """The text of every text item and text field in the window."""
    found: list[str] = []

    def walk(item: QQuickItem) -> None:
        text = item.property("text")
        if isinstance(text, str):
            found.append(text)
        for child in item.childItems():
            walk(child)

    walk(k.harness.window.contentItem())
    return found


def _files_containing(folder: Path, needle: str) -> list[Path]:
    raw = needle.encode()
    return [p for p in folder.rglob("*") if p.is_file() and raw in p.read_bytes()]


def _to_question(k: AccessKiosk) -> None:
    k.clock.advance(61)
    k.harness.wait_for("idleDialog")


def test_idle_question_counts_down_then_the_whole_session_is_wiped(kiosk, tmp_path):
    k, h = kiosk, kiosk.harness
    # The villager's traces: a camera photo and the keyboard's learned words in the session folder,
    # a field with their name and phone, a notice open, big text on, and a confirmed form in the outbox.
    old_folder = k.session.folder
    (old_folder / "photo-id-card.jpg").write_bytes(b"\xff\xd8" + MARKER.encode())
    learned = Path(k.access.keyboardDataPath) / "userdict_zh_CN.dat"
    learned.write_text(MARKER)
    outbox = _run(k, Outbox.open_in(tmp_path / "terminal"))
    receipt = _run(k, outbox.enqueue(submission(phone="13912345678", name=MARKER[:3])))
    field = _type_into_a_field(k)
    assert MARKER in _texts_in_scene(k)
    k.access.setElderMode(True)

    _to_question(k)
    assert h.text("idleCountdown") == "30"
    k.clock.advance(10)
    h.qtbot.waitUntil(lambda: h.text("idleCountdown") == "20")
    k.clock.advance(21)
    h.wait_for("attractScreen")

    # Files: the session folder is shredded; a new, empty one is in use.
    assert not old_folder.exists()
    assert k.session.folder != old_folder and k.session.folder.exists()
    assert [p.name for p in k.session.folder.iterdir()] == ["keyboard"]
    assert list(Path(k.access.keyboardDataPath).iterdir()) == []
    assert h.window.property("keyboardUserDataPath") == k.access.keyboardDataPath
    # Nothing typed is on disk in plain form anywhere in the terminal's data (the outbox is sealed).
    assert _files_containing(tmp_path, MARKER) == []
    assert _files_containing(tmp_path, "13912345678") == []
    # The confirmed submission is kept until the server has it; only in-progress data is wiped.
    entries = _run(k, outbox.entries())
    assert [e.tracking_number for e in entries] == [receipt.tracking_number]
    _run(k, outbox.close())
    # QML: every screen was built anew; no field anywhere still holds the text.
    assert MARKER not in _texts_in_scene(k)
    assert not shiboken6.isValid(field)  # deleted with the screen it was on
    assert not k.access.elderMode

    h.tap("attractTap")
    h.wait_for("homeScreen")
    assert not h.has("probeField")


def test_a_touch_during_the_countdown_keeps_the_session(kiosk):
    k, h = kiosk, kiosk.harness
    folder = k.session.folder
    (folder / "draft.json").write_text("{}")
    _to_question(k)
    h.tap("idleMoreTime")
    h.qtbot.waitUntil(lambda: not h.has("idleDialog"))
    k.clock.advance(45)  # past the countdown's end, but the person answered
    h.wait_for("homeScreen")
    assert not h.has("idleDialog") and not h.has("attractScreen")
    assert k.session.folder == folder and (folder / "draft.json").exists()


def test_a_tap_anywhere_counts_as_still_here(kiosk):
    k, h = kiosk, kiosk.harness
    _to_question(k)
    h.tap("idleCountdown")  # not a button: the dimmed card itself
    h.qtbot.waitUntil(lambda: not h.has("idleDialog"))
    assert k.session.number == 1


def test_no_question_during_a_video_call(kiosk):
    k, h = kiosk, kiosk.harness
    k.vm.call()
    h.qtbot.waitUntil(lambda: k.flow.state is CallerState.REQUESTING)
    k.flow.move_to(CallerState.WAITING, position=1)
    k.flow.answer()
    k.flow.move_to(CallerState.IN_CALL)
    h.wait_for("callScreen")
    k.clock.advance(600)
    k.flow.send_frames(2)  # the loop keeps turning; the idle clock ticks but is held
    h.qtbot.waitUntil(lambda: k.idle.held)
    assert not h.has("idleDialog")
