"""The handwriting pad of ChineseTextField: real strokes drawn with the mouse, the character typed."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtQuick import QQuickItem
from PySide6.QtTest import QTest

from tests.ui_fakes import QmlHarness, running_qasync_loop
from ui.app import prepare_environment
from ui.background import BackgroundRunner
from ui.handwriting import MODEL_PATH
from ui.handwriting_vm import HandwritingService

prepare_environment(virtual_keyboard=True)
pytestmark = [
    pytest.mark.qt_log_ignore(r"PopupList_QMLTYPE_\d+ overrides a member"),
    pytest.mark.skipif(not MODEL_PATH.exists(), reason="apt-get install tegaki-zinnia-simplified-chinese"),
]
STROKES = json.loads((Path(__file__).parent / "data" / "handwriting_strokes.json").read_text())

# A form-like window with one Chinese field, as the form and search screens will have.
FIELD_WINDOW = """
import QtQuick
import QtQuick.Window
import common

Window {
    required property QtObject handwriting
    width: 1280
    height: 800
    color: Theme.background
    Binding { target: Input; property: "handwriting"; value: handwriting }
    ChineseTextField {
        objectName: "name"
        x: 32
        y: 32
        width: 900
        placeholderText: qsTr("请写您的名字")
    }
}
"""


@pytest.fixture
def field_window(qtbot: Any, qapp: Any, tmp_path: Path) -> Iterator[QmlHarness]:
    qml = tmp_path / "FieldWindow.qml"
    qml.write_text(FIELD_WINDOW, encoding="utf-8")
    with running_qasync_loop(qapp), ThreadPoolExecutor(max_workers=1) as workers:
        asyncio.get_running_loop().set_default_executor(workers)  # joined when the test ends
        service = HandwritingService(BackgroundRunner())
        harness = QmlHarness(qtbot, str(qml), {"handwriting": service})
        yield harness
        harness.close()


def _scene_item(h: QmlHarness, name: str) -> QQuickItem | None:
    def walk(item: QQuickItem) -> QQuickItem | None:
        if not item.isVisible():
            return None
        if item.objectName() == name:
            return item
        for child in item.childItems():
            found = walk(child)
            if found is not None:
                return found
        return None

    return walk(h.window.contentItem())


def _write(h: QmlHarness, canvas: QQuickItem, strokes: list[list[list[float]]], box: float) -> None:
    """Draw the strokes with the mouse on the pad's canvas, scaled from the data's box."""

    def at(x: float, y: float) -> QPoint:
        return canvas.mapToScene(QPointF(x * canvas.width() / box, y * canvas.height() / box)).toPoint()

    for stroke in strokes:
        first = at(*stroke[0])
        QTest.mouseMove(h.window, first)
        QTest.mousePress(h.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, first)
        for x, y in stroke[1:]:
            QTest.mouseMove(h.window, at(x, y))
        last = at(*stroke[-1])
        QTest.mouseRelease(h.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, last)


def test_written_characters_are_recognised_and_typed_into_the_field(field_window):
    h = field_window
    h.tap("nameMode")
    h.qtbot.waitUntil(lambda: _scene_item(h, "handwritingCanvas") is not None)
    assert h.text("nameMode") == "拼音"  # the same button goes back to the keyboard
    for _ in range(2):  # the pad has been laid out and drawn where the finger will write
        with h.qtbot.waitSignal(h.window.frameSwapped, timeout=5000):
            h.window.update()
    canvas = _scene_item(h, "handwritingCanvas")
    assert canvas is not None
    service = h.window.property("handwriting")
    typed = ""
    for character, strokes in STROKES["characters"].items():
        _write(h, canvas, strokes, STROKES["box"])

        def offered(character: str = character) -> bool:
            first = [_scene_item(h, f"handwritingCandidate{i}") for i in range(3)]
            return character in [c.property("text") for c in first if c is not None]

        h.qtbot.waitUntil(lambda offered=offered: not service.busy and offered(), timeout=5000)
        with h.qtbot.waitSignal(h.window.frameSwapped, timeout=5000):  # the candidates are drawn
            h.window.update()
        shown = [_scene_item(h, f"handwritingCandidate{i}") for i in range(3)]
        candidate = next(c for c in shown if c is not None and c.property("text") == character)
        assert candidate is not None and candidate.property("font").pixelSize() >= 28
        centre = candidate.mapToScene(QPointF(candidate.width() / 2, candidate.height() / 2)).toPoint()
        QTest.mouseClick(h.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
        typed += character
        h.qtbot.waitUntil(lambda typed=typed: h.text("nameInput") == typed)
        h.qtbot.waitUntil(lambda: _scene_item(h, "handwritingCandidate0") is None)  # the pad is clear
    assert h.text("nameInput") == "一十大人中日"
    h.tap("handwritingErase")
    h.qtbot.waitUntil(lambda: h.text("nameInput") == "一十大人中")
