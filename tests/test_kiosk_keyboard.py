"""The kiosk's on-screen keyboard: Pinyin in, large candidates, learned words in the session folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtQml import QQmlComponent
from PySide6.QtQuick import QQuickItem

from tests.ui_fakes import FakeCallerFlow, QmlHarness, running_qasync_loop
from ui.app import prepare_environment
from ui.background import BackgroundRunner
from ui.kiosk_vm import KioskViewModel

prepare_environment(virtual_keyboard=True)
pytestmark = pytest.mark.qt_log_ignore(r"PopupList_QMLTYPE_\d+ overrides a member")

# A text field like the ones later screens (search, forms) put on the kiosk, with a way to press
# the keyboard's own keys the way a finger does.
PROBE = b"""
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.VirtualKeyboard
TextField {
    objectName: "probeField"
    width: 600
    height: 80
    function pressKeys(letters) {
        for (const c of letters)
            InputContext.inputEngine.virtualKeyClick(c.toUpperCase().charCodeAt(0), c, 0)
    }
    function candidateCount() { return InputContext.inputEngine.wordCandidateListModel.count }
    function candidate(i) { return InputContext.inputEngine.wordCandidateListModel.dataAt(i, 0) }
    function pick(i) { InputContext.inputEngine.wordCandidateListModel.selectItem(i) }
}
"""


@pytest.fixture
def kiosk_with_field(qtbot: Any, qapp: Any, tmp_path: Path) -> Iterator[tuple[QmlHarness, QQuickItem]]:
    with running_qasync_loop(qapp):
        vm = KioskViewModel(FakeCallerFlow(), BackgroundRunner(), keyboard_data_path=str(tmp_path))
        harness = QmlHarness(qtbot, "kiosk/Main.qml", {"vm": vm})
        component = QQmlComponent(harness.engine)
        component.setData(PROBE, QUrl())
        field = component.create()
        assert isinstance(field, QQuickItem), component.errorString()
        field.setParentItem(harness.window.contentItem())
        yield harness, field
        field.deleteLater()
        harness.close()


def test_pinyin_typed_on_the_keyboard_gives_chinese(kiosk_with_field):
    h, field = kiosk_with_field
    field.forceActiveFocus()
    panel = h.window.findChild(QQuickItem, "inputPanel")
    h.qtbot.waitUntil(lambda: bool(panel.property("active")))
    field.pressKeys("falv")
    h.qtbot.waitUntil(lambda: field.candidateCount() > 0)
    assert field.candidate(0) == "法律"
    field.pick(0)
    h.qtbot.waitUntil(lambda: field.property("text") == "法律")


def test_candidates_are_shown_in_large_type(kiosk_with_field):
    h, field = kiosk_with_field
    field.forceActiveFocus()
    panel = h.window.findChild(QQuickItem, "inputPanel")
    h.qtbot.waitUntil(lambda: bool(panel.property("active")))
    assert h.window.property("candidateBarHeight") >= 96
