"""Render every kiosk and desk screen with the fake flows into PNGs (screenshots/ by default).

Offscreen by default; with DISPLAY set it uses xcb so the call screens show the video (VideoOutput
draws nothing under the offscreen platform). Prints one line per screenshot.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _platform() -> str:
    return "xcb" if os.environ.get("DISPLAY") else "offscreen"


async def _shoot(window: object, out: Path, name: str) -> None:
    from PySide6.QtQuick import QQuickWindow

    assert isinstance(window, QQuickWindow)
    await asyncio.sleep(0.35)  # let the new screen load and render
    path = out / f"{name}.png"
    window.grabWindow().save(str(path))
    print(f"  {path}", flush=True)


async def _kiosk(out: Path, language: str) -> None:
    from PySide6.QtQml import QQmlApplicationEngine

    from media.flows import CallerState
    from tests.ui_fakes import FakeCallerFlow
    from ui.app import QML_DIR, keyboard_locale, load_window
    from ui.background import BackgroundRunner
    from ui.kiosk_vm import KioskViewModel

    flow = FakeCallerFlow()
    vm = KioskViewModel(flow, BackgroundRunner(), ended_return_ms=60_000)
    engine = QQmlApplicationEngine()
    properties = {"vm": vm, "keyboardLocale": keyboard_locale(language)}
    window = load_window(engine, QML_DIR / "kiosk" / "Main.qml", properties)
    window.show()

    def dismiss_and_show_topics() -> None:
        vm.dismissNotice()
        vm.tapTile("call")

    def waiting_long() -> None:
        flow.move_to(CallerState.WAITING, position=3)
        flow.update_info(estimated_wait_s=660.0, callback_offered=True)

    steps: list[tuple[str, Callable[[], object]]] = [
        ("kiosk_1_home", lambda: None),
        ("kiosk_2_not_built_notice", lambda: vm.tapTile("apply")),
        ("kiosk_3a_call_topics", dismiss_and_show_topics),
        ("kiosk_3_requesting", lambda: vm.chooseTopic("migrant_wages")),
        ("kiosk_4_waiting_position", waiting_long),
        ("kiosk_4a_callback_pad", lambda: (vm.offerCallback(), vm.setPhone("0371123"))),
        ("kiosk_4b_callback_bad_number", vm.sendCallback),
        ("kiosk_4c_callback_done", lambda: (vm.setPhone("037112345678"), vm.sendCallback())),
        ("", lambda: (vm.goHome(), vm.call())),
        ("", lambda: flow.move_to(CallerState.WAITING, position=1)),
        ("kiosk_5_lawyer_answered", flow.answer),
        ("kiosk_6_in_call", lambda: flow.move_to(CallerState.IN_CALL)),
        ("kiosk_7a_rating", vm.hangup),
        ("kiosk_7_ended", lambda: vm.rate(3)),
        ("", vm.call),
        ("kiosk_8_no_lawyer", lambda: flow.move_to(CallerState.NO_LAWYER)),
        ("", vm.retry),
        (
            "kiosk_9_failed",
            lambda: flow.move_to(CallerState.FAILED, message="网络断了，没能接通律师。请检查网络后再试。"),
        ),
    ]
    for name, action in steps:
        action()
        await asyncio.sleep(0.05)
        if name == "kiosk_6_in_call":
            for _ in range(6):
                flow.send_frames()
                await asyncio.sleep(0.05)
        if name:
            await _shoot(window, out, name)
    window.close()
    await flow.close()
    del engine


async def _desk(out: Path) -> None:
    from PySide6.QtQml import QQmlApplicationEngine

    from media.flows import DeskState
    from tests.ui_fakes import FakeDeskFlow
    from ui.app import QML_DIR, load_window
    from ui.background import BackgroundRunner
    from ui.desk_vm import DeskViewModel

    flow = FakeDeskFlow()
    vm = DeskViewModel(flow, BackgroundRunner(), username="wangming")
    engine = QQmlApplicationEngine()
    window = load_window(engine, QML_DIR / "desk" / "Main.qml", {"vm": vm})
    window.show()

    def answered() -> None:
        flow.move_to(DeskState.CONNECTING)
        flow.move_to(DeskState.IN_CALL)

    steps: list[tuple[str, Callable[[], None]]] = [
        ("desk_1_login", lambda: None),
        ("desk_2_login_failed", lambda: vm.login("wangming", "wrong")),
        ("desk_3_off_duty", lambda: vm.login("wangming", "secret")),
        ("desk_4_on_duty", lambda: vm.setDuty(True)),
        ("desk_5_ringing", flow.ring),
        ("desk_6_in_call", answered),
        (
            "desk_7_failure",
            lambda: flow.move_to(DeskState.FAILED, message="和服务器的连接断了，正在重新连接…"),
        ),
    ]
    for name, action in steps:
        action()
        await asyncio.sleep(0.1)
        if name == "desk_6_in_call":
            for _ in range(6):
                flow.send_frames()
                await asyncio.sleep(0.05)
        await _shoot(window, out, name)
    window.close()
    await flow.close()
    del engine


def main() -> int:
    """Render all screens; the output folder is the first argument (default: screenshots/)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", nargs="?", type=Path, default=ROOT / "screenshots")
    parser.add_argument("--language", default="zh_CN", help="zh_CN, zh_TW or en")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", _platform())
    from tools.screenshots_desk_panels import shoot_desk_panels
    from tools.screenshots_formui import shoot_forms
    from ui.app import create_application, prepare_environment

    prepare_environment(virtual_keyboard=True)
    import qasync

    from tools.screenshots_access import shoot_access

    app = create_application(sys.argv[:1], name="screenshots", language=args.language)
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"rendering screens ({os.environ['QT_QPA_PLATFORM']}, {args.language}) into {args.out}", flush=True)

    async def run() -> None:
        await _kiosk(args.out, args.language)
        await _desk(args.out)
        await shoot_desk_panels(args.out, _shoot)  # wrap-up, break notice, callbacks
        await shoot_forms(args.out, args.language)  # 办事申请 (tools/screenshots_formui.py)
        await shoot_access(args.out, _shoot)  # every kiosk screen again, normal and elder mode
        await __import__("tools.screenshots_faqui", fromlist=["x"]).consult_screens(args.out, args.language)

    asyncio.run(run(), loop_factory=lambda: qasync.QEventLoop(app))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
