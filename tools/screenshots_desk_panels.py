"""Screenshots of the desk's panels: callbacks beside the duty switch, wrap-up after a call, the break notice
(called by tools/screenshots.py; `python -m tools.screenshots_desk_panels OUT` renders only these)."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

Shoot = Callable[[Any, Path, str], Awaitable[None]]


def _callbacks(now: float) -> list[dict[str, Any]]:
    rows = [
        (1, "C2611240007", "13812345678", "land", "石桥村", "石桥村便民服务点", 130),
        (2, "C2611240011", "037112345678", "labour_wages", "红星村", "红星村服务室", 42),
        (3, "C2611240015", "13900001111", "marriage_family", "东沟村", "东沟村党群服务中心", 3),
    ]
    return [
        {
            "callback_id": cid,
            "tracking_number": number,
            "phone": phone,
            "topic": topic,
            "village": village,
            "kiosk_name": kiosk,
            "requested_at": now - minutes * 60,
        }
        for cid, number, phone, topic, village, kiosk, minutes in rows
    ]


async def shoot_desk_panels(out: Path, shoot: Shoot) -> None:
    """Render the duty screen with callbacks, the wrap-up panel and the break notice into `out`."""
    from PySide6.QtQml import QQmlApplicationEngine

    from media.flows import DeskState
    from tests.ui_fakes import FakeDeskFlow
    from ui.app import QML_DIR, load_window
    from ui.background import BackgroundRunner
    from ui.desk_panels_vm import DeskPanelsViewModel
    from ui.desk_vm import DeskViewModel

    flow = FakeDeskFlow()
    runner = BackgroundRunner()
    vm = DeskViewModel(flow, runner, username="wangming")
    panels = DeskPanelsViewModel(flow, runner)
    engine = QQmlApplicationEngine()
    window = load_window(engine, QML_DIR / "desk" / "Main.qml", {"vm": vm, "panels": panels})
    window.show()
    vm.login("wangming", "secret")
    await asyncio.sleep(0.1)
    vm.setDuty(True)
    await asyncio.sleep(0.1)
    flow.send_callbacks(_callbacks(time.time()))
    await shoot(window, out, "desk_panels_1_callbacks")
    flow.ring("石桥村便民服务点", "石桥村", "labour_wages")
    flow.update_info(tracking_number="T2611240042")
    flow.move_to(DeskState.CONNECTING)
    flow.move_to(DeskState.IN_CALL)
    flow.move_to(DeskState.AVAILABLE)
    flow.server_says("wrap_up", wrap_up_until=time.time() + 52)
    await asyncio.sleep(0.2)
    notes = window.findChild(__import__("PySide6.QtQuick", fromlist=["QQuickItem"]).QQuickItem, "notesField")
    if notes is not None:
        notes.setProperty("text", "拖欠工资三个月，老板不接电话。建议先找劳动监察大队投诉，已推送投诉表。")
    await shoot(window, out, "desk_panels_2_wrap_up")
    window.resize(window.minimumWidth(), window.minimumHeight())  # the smallest desk window still fits
    await shoot(window, out, "desk_panels_2_wrap_up_smallest")
    window.resize(1280, 800)
    await flow.end_wrap_up()
    flow.server_says("break", on_duty=False)
    await shoot(window, out, "desk_panels_3_break")
    flow.send_callbacks([])
    flow.server_says("available")
    await shoot(window, out, "desk_panels_4_no_callbacks")
    window.close()
    await flow.close()
    del engine


def main() -> int:
    """Render only the desk panels into the folder given (default: screenshots/)."""
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("screenshots")
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ui.app import create_application, prepare_environment

    prepare_environment(virtual_keyboard=False)
    import qasync

    from tools.screenshots import _shoot

    app = create_application(sys.argv[:1], name="screenshots", language="zh_CN")
    asyncio.run(shoot_desk_panels(out, _shoot), loop_factory=lambda: qasync.QEventLoop(app))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
