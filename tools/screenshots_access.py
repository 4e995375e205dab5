"""Every kiosk screen in normal and elder mode (largest text, high contrast), for review at a glance."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

Shoot = Callable[[Any, Path, str], Awaitable[None]]
STROKES_FILE = Path(__file__).resolve().parent.parent / "tests" / "data" / "handwriting_strokes.json"


def _steps(k: Any) -> list[tuple[str, Callable[[], object]]]:
    """(name, action) pairs that bring the kiosk to each of its screens in turn."""
    from media.flows import CallerState
    from tests.access_fixtures import STAFF_PIN
    from ui.access_vm import AccessScreen

    def to_call_state(*states: Any, **info: Any) -> Callable[[], None]:
        def go() -> None:
            k.vm.goHome()
            k.flow.move_to(CallerState.REQUESTING)
            for state in states:
                k.flow.move_to(state, **info)

        return go

    def answered() -> None:
        k.flow.answer(name="欧阳明珠律师", firm="宁夏回族自治区固原市原州区法律援助中心")

    def pin_typed() -> None:
        k.staff.open()
        for digit in STAFF_PIN[:3]:
            k.staff.digit(digit)

    def idle_question() -> None:
        k.access.close()
        k.clock.advance(k.idle.idle_s + 1)

    return [
        ("home", lambda: None),
        ("not_built_notice", lambda: k.vm.tapTile("consult")),
        ("call_topics", lambda: (k.vm.goHome(), k.vm.dismissNotice(), k.vm.tapTile("call"))),
        ("waiting", to_call_state(CallerState.WAITING, position=12)),
        ("waiting_estimate", lambda: k.flow.update_info(estimated_wait_s=1260, callback_offered=True)),
        ("callback_pad", lambda: (k.vm.offerCallback(), k.vm.setPhone("1381234"))),
        ("callback_bad_number", k.vm.sendCallback),
        ("callback_done", lambda: (k.vm.setPhone("13812345678"), k.vm.sendCallback())),
        ("waiting_again", to_call_state(CallerState.WAITING, position=3)),
        ("answered", answered),
        ("in_call", lambda: k.flow.move_to(CallerState.IN_CALL)),
        ("rating", lambda: k.flow.move_to(CallerState.ENDED, message="通话已结束")),
        ("ended", lambda: k.vm.rate(3)),
        (
            "no_lawyer_callback",
            to_call_state(CallerState.NO_LAWYER, message="现在没有值班律师。", callback_offered=True),
        ),
        ("no_lawyer", to_call_state(CallerState.NO_LAWYER, message="现在没有值班律师。")),
        (
            "failed",
            to_call_state(
                CallerState.FAILED,
                message="网络断了，没能接通律师。请检查村里的网络是否正常，或者请村委会的工作人员帮忙看一看。",
            ),
        ),
        (
            "failed_callback",
            to_call_state(CallerState.FAILED, message="网络太差，视频接不通。", callback_offered=True),
        ),
        ("help", lambda: (k.vm.goHome(), k.vm.dismissNotice(), k.access.showHelp())),
        ("staff_pin", pin_typed),
        ("staff_badge_missed", k.staff.scanBadge),  # no badge in view: the longest message
        ("staff_menu", lambda: (k.gate.unlock(STAFF_PIN), k.access.show(AccessScreen.STAFF_MENU))),
        ("staff_matters", k.staff.showMatters),
        ("selftest", lambda: (k.staff.backToMenu(), k.staff.selfTest())),
        ("selftest_done", k.selftest.run),
        ("idle_question", idle_question),
        ("attract", k.access.endNow),
        ("out_of_service", k.access.out_of_service),
    ]


async def shoot_access(out: Path, shoot: Shoot) -> None:
    """Render every kiosk screen in normal and elder mode into `out` (kiosk_access_<mode>_NN_name.png)."""
    from PySide6.QtQml import QQmlApplicationEngine

    from tests.access_fixtures import build_access_kiosk
    from ui.app import QML_DIR, load_window

    for mode in ("normal", "elder"):
        with tempfile.TemporaryDirectory(prefix="shots-") as scratch:
            k = build_access_kiosk(None, Path(scratch), tick_ms=100, scan_badge=lambda: None)
            k.access.setElderMode(mode == "elder")
            engine = QQmlApplicationEngine()
            window = load_window(engine, QML_DIR / "kiosk" / "Main.qml", k.properties())
            window.show()
            for number, (name, action) in enumerate(_steps(k), start=1):
                action()
                if mode == "elder" and not k.access.elderMode:
                    k.access.setElderMode(True)  # the session wipe returns to normal size
                await asyncio.sleep(0.2)
                await shoot(window, out, f"kiosk_access_{mode}_{number:02d}_{name}")
            k.access.restartUi()
            window.close()
            await k.runner.shutdown()
            del engine
        await _handwriting(out, shoot, elder=mode == "elder")


FIELD_WINDOW = """
import QtQuick
import QtQuick.Window
import common

Window {
    required property QtObject handwriting
    required property real scale
    width: 1280
    height: 800
    color: Theme.background
    Binding { target: Input; property: "handwriting"; value: handwriting }
    Binding { target: Theme; property: "textScale"; value: scale }
    Binding { target: Theme; property: "highContrast"; value: scale > 1 }
    Column {
        x: Theme.margin
        y: Theme.margin
        width: parent.width - 2 * Theme.margin
        spacing: Theme.px(16)
        Text { text: "您的姓名"; font.pixelSize: Theme.fontLarge; color: Theme.ink }
        ChineseTextField { objectName: "name"; width: parent.width; text: "王"; handwriting: true }
    }
}
"""


async def _handwriting(out: Path, shoot: Shoot, *, elder: bool) -> None:
    """A Chinese text field with its handwriting pad open and the candidates for a written 大."""
    import json

    from PySide6.QtCore import QMetaObject
    from PySide6.QtQml import QQmlApplicationEngine
    from PySide6.QtQuick import QQuickItem

    from ui.access_vm import ELDER_TEXT_SCALE
    from ui.app import load_window
    from ui.background import BackgroundRunner
    from ui.handwriting_vm import HandwritingService

    data = json.loads(STROKES_FILE.read_bytes())
    with tempfile.TemporaryDirectory(prefix="shots-") as scratch:
        qml = Path(scratch) / "FieldWindow.qml"
        qml.write_text(FIELD_WINDOW, encoding="utf-8")
        runner = BackgroundRunner()
        service = HandwritingService(runner)
        engine = QQmlApplicationEngine()
        scale = ELDER_TEXT_SCALE if elder else 1.0
        window = load_window(engine, qml, {"handwriting": service, "scale": scale})
        window.show()
        await asyncio.sleep(0.2)
        pad = window.findChild(QQuickItem, "namePad")
        canvas = window.findChild(QQuickItem, "handwritingCanvas")
        if pad is not None and canvas is not None:
            box = data["box"]
            w, h = canvas.width(), canvas.height()
            strokes = [
                [v for x, y in s for v in (x * w / box, y * h / box)] for s in data["characters"]["大"]
            ]
            pad.setProperty("strokes", strokes)
            service.recognize(strokes, w, h)
            QMetaObject.invokeMethod(canvas, "requestPaint")
        await asyncio.sleep(0.3)
        await shoot(window, out, f"kiosk_access_{'elder' if elder else 'normal'}_99_handwriting")
        window.close()
        await runner.shutdown()
        del engine
