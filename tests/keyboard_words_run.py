"""One kiosk process learning a name on the Pinyin keyboard, then wiping the session; prints JSON.

Run by tests/test_access_keyboard_words.py in a process of its own: the keyboard's platform plugin
binds to the first QML engine of a process, so a window built after other tests' windows would not
see its own fields' hints. Usage: python -m tests.keyboard_words_run DATA_DIR (XDG_CONFIG_HOME set).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

NAME = "王小二"  # a name the system dictionary does not offer first for "wangxiaoer"
PINYIN = "wangxiaoer"

# A text field outside the screens (it survives the wipe's reload), pressing the keyboard's own keys.
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
    function candidates() {
        const model = InputContext.inputEngine.wordCandidateListModel
        let found = []
        for (let i = 0; i < Math.min(model.count, 12); i++)
            found.push(model.dataAt(i, 0))
        return found.join(",")
    }
    function restart() {
        Qt.inputMethod.reset()
        text = ""
    }
    function pick(i) { InputContext.inputEngine.wordCandidateListModel.selectItem(i) }
}
"""


async def until(condition: Callable[[], object], what: str, timeout_s: float = 10.0) -> None:
    """Let Qt run until `condition` holds."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        await asyncio.sleep(0.02)


class Typist:
    """Types on the probe field with the keyboard's own keys."""

    def __init__(self, field: Any) -> None:
        self.field = field

    async def candidates(self, pinyin: str) -> list[str]:
        self.field.forceActiveFocus()
        self.field.restart()
        self.field.pressKeys(pinyin)
        await until(lambda: self.field.candidates() != "", "candidates")
        return str(self.field.candidates()).split(",")

    def _changed_from(self, before: str) -> Callable[[], bool]:
        return lambda: str(self.field.candidates()) != before

    async def learn(self) -> None:
        """Build 王小二 from 王 and 小二, as a villager writing a name does."""
        shown = await self.candidates(PINYIN)
        for wanted in ("王", "小二"):
            before = ",".join(shown)
            self.field.pick(shown.index(wanted))
            await until(self._changed_from(before), "next candidates")
            shown = str(self.field.candidates()).split(",")
        await until(lambda: self.field.property("text") == NAME, "the name in the field")
        self.field.restart()


def dictionary_has(name: str) -> bool:
    """The plugin's file holds the name (UTF-16, as it stores words)."""
    from ui.keyboard_words import pinyin_user_dictionary

    path = pinyin_user_dictionary()
    return path.exists() and name.encode("utf-16-le") in path.read_bytes()


def files_containing(folder: Path, name: str) -> list[str]:
    """Files under `folder` holding the name in UTF-16 or UTF-8 (every file when name is empty)."""
    found = []
    for path in folder.rglob("*"):
        data = path.read_bytes() if path.is_file() else b""
        if path.is_file() and (not name or name.encode("utf-16-le") in data or name.encode() in data):
            found.append(str(path))
    return found


def write_out(window: Any) -> None:
    """Make the plugin write what it holds (it does for a sensitive field) without shredding it."""
    from PySide6.QtQuick import QQuickItem

    window.findChild(QQuickItem, "keyboardForgetField").forceActiveFocus()


async def scenario(data_dir: Path) -> dict[str, Any]:
    """Learn, check where it went, wipe, check it is gone everywhere, learn again."""
    from PySide6.QtCore import QUrl
    from PySide6.QtQml import QQmlApplicationEngine, QQmlComponent
    from PySide6.QtQuick import QQuickItem

    from tests.access_fixtures import build_access_kiosk
    from ui.app import QML_DIR, load_window
    from ui.keyboard_words import pinyin_user_dictionary

    k = build_access_kiosk(None, data_dir)
    engine = QQmlApplicationEngine()
    window = load_window(engine, QML_DIR / "kiosk" / "Main.qml", k.properties())
    window.show()
    window.requestActivate()
    await until(window.isActive, "an active window")
    component = QQmlComponent(engine)
    component.setData(PROBE, QUrl())
    field: Any = component.create()
    assert isinstance(field, QQuickItem), component.errorString()
    field.setParentItem(window.contentItem())
    field.setParent(window.contentItem())
    typist = Typist(field)
    report: dict[str, Any] = {"dictionary": str(pinyin_user_dictionary())}
    report["first_before"] = (await typist.candidates(PINYIN))[0]
    await typist.learn()
    report["first_learned"] = (await typist.candidates(PINYIN))[0]
    report["file_has_name_before_write_out"] = dictionary_has(NAME)
    write_out(window)
    report["file_has_name_after_write_out"] = dictionary_has(NAME)
    report["user_data_path_files"] = files_containing(Path(str(k.access.keyboardDataPath)), "")
    report["first_after_reopen"] = (await typist.candidates(PINYIN))[0]
    k.access.endNow()  # the session wipe
    report["file_exists_after_wipe"] = pinyin_user_dictionary().exists()
    report["file_has_name_after_wipe"] = dictionary_has(NAME)
    k.access.start()
    report["first_after_wipe"] = (await typist.candidates(PINYIN))[0]
    write_out(window)
    report["file_has_name_after_wipe_write_out"] = dictionary_has(NAME)
    report["files_with_name"] = files_containing(Path(os.environ["XDG_CONFIG_HOME"]), NAME)
    report["files_with_name"] += files_containing(data_dir, NAME)
    await typist.learn()
    report["first_relearned"] = (await typist.candidates(PINYIN))[0]
    typist.field.restart()
    window.close()
    await k.runner.shutdown()
    return report


def main() -> int:
    """Run the scenario offscreen and print its report as one JSON line."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ui.app import create_application, prepare_environment

    prepare_environment(virtual_keyboard=True)
    import qasync

    app = create_application(sys.argv[:1], name="keyboard-words", language="zh_CN")
    report = asyncio.run(scenario(Path(sys.argv[1])), loop_factory=lambda: qasync.QEventLoop(app))
    print(json.dumps(report, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
