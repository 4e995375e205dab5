"""Builds the kiosk's accessibility, staff, self-test and handwriting view-models for one window."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import aiohttp

from config.settings import KioskSettings, MediaSource
from kiosk import selftest
from kiosk.badge import scan_camera
from kiosk.forms_wiring import data_dir as kiosk_data_dir
from kiosk.idle import IdleWatch
from kiosk.outbox import DB_FILE_NAME, EntryState, Outbox
from kiosk.selftest import CheckResult
from kiosk.session import Session
from kiosk.staff import StaffGate

SELFTEST_PATH = "/api/terminals/selftest"
STAFF_LOG_NAME = "staff-actions.log"


def parse_staff_list(entries: list[str]) -> dict[str, str]:
    """KioskSettings.staff ("staff_id:argon2 hash") as the gate's id -> hash mapping."""
    staff: dict[str, str] = {}
    for entry in entries:
        staff_id, sep, stored = entry.partition(":")
        if sep and staff_id.strip() and stored.strip():
            staff[staff_id.strip()] = stored.strip()
    return staff


def outbox_matters(data_dir: Path) -> Callable[[], Coroutine[Any, Any, list[dict[str, Any]]]]:
    """This terminal's pending and refused submissions from its outbox (tracking numbers, no names).

    The pool server has no list of a terminal's matters yet; the outbox is what the terminal knows.
    """

    async def read() -> list[dict[str, Any]]:
        if not (data_dir / DB_FILE_NAME).exists():
            return []
        outbox = await Outbox.open_in(data_dir)
        try:
            entries = await outbox.entries()
        finally:
            await outbox.close()
        status = {EntryState.PENDING: "等待发送", EntryState.REJECTED: "被退回，需要处理"}
        return [
            {
                "tracking": e.tracking_number,
                "form": e.form_id,
                "status": status[e.state],
                "when": time.strftime("%m-%d %H:%M", time.localtime(e.created_at)),
            }
            for e in entries
        ]

    return read


def live_devices(settings: KioskSettings) -> Any:
    """The self-test's live camera picture and microphone meter (the device, or synthetic when asked)."""
    from media.camera import open_camera
    from media.level_meter import LevelCallback, LevelMonitor, open_level_monitor
    from ui.selftest_vm import PREVIEW_FPS, LiveDevices

    # AUTO means the device only here: a self-test must not show a test pattern for a missing camera.
    source = MediaSource.SYNTHETIC if settings.camera.source == MediaSource.SYNTHETIC else MediaSource.DEVICE
    camera = replace(settings.camera, source=source, fps=int(PREVIEW_FPS))

    async def open_preview() -> Any:
        return await open_camera(camera)

    def open_meter(on_level: LevelCallback) -> LevelMonitor:
        return open_level_monitor(settings.audio, on_level)

    return LiveDevices(open_preview, open_meter)


def device_checks(
    settings: KioskSettings,
) -> list[tuple[str, Callable[[], Coroutine[Any, Any, CheckResult]]]]:
    """The real checks in the order the self-test screen shows them (blocking ones in threads)."""
    camera, turn, printer = settings.camera.device_index, settings.turn_url, settings.printer
    return [
        ("camera", lambda: asyncio.to_thread(selftest.check_camera, camera)),
        ("microphone", lambda: asyncio.to_thread(selftest.check_microphone)),
        ("speaker", lambda: asyncio.to_thread(selftest.check_speaker)),
        ("server", lambda: selftest.check_server(settings.server_url)),
        ("turn", lambda: selftest.check_turn(turn)),
        ("printer", lambda: asyncio.to_thread(selftest.check_printer, printer)),
    ]


async def send_results(server_url: str, token: str, results: list[CheckResult]) -> bool:
    """POST the results to the centre so it sees broken terminals; False when it could not be reached."""
    body = {"results": [r.to_json() for r in results]}
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    timeout = aiohttp.ClientTimeout(total=10)
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout) as http,
            http.post(f"{server_url}{SELFTEST_PATH}", json=body, headers=headers) as reply,
        ):
            return reply.status == 200
    except (aiohttp.ClientError, TimeoutError, OSError):
        return False


@dataclass
class AccessParts:
    """The view-models the kiosk window gets besides its call view-model."""

    access: Any  # ui.access_vm.AccessViewModel
    staff: Any  # ui.staff_vm.StaffViewModel
    selftest: Any  # ui.selftest_vm.SelfTestViewModel
    handwriting: Any  # ui.handwriting_vm.HandwritingService
    failsafe: Any  # ui.failsafe.Failsafe
    languages: Any  # ui.language.LanguageSwitcher
    audio_route: Any = None  # ui.audio_route_vm.AudioRouteViewModel

    def properties(self) -> dict[str, object]:
        """The window's initial properties for these parts."""
        return {
            "access": self.access,
            "staff": self.staff,
            "selftest": self.selftest,
            "handwriting": self.handwriting,
            "audioRoute": self.audio_route,
        }


def build_access(settings: KioskSettings, session: Session, runner: Any, vm: Any, flow: Any) -> AccessParts:
    """Everything of issue 6 for one kiosk window, wired to the session, the runner and the call."""
    from PySide6.QtCore import QTranslator
    from PySide6.QtGui import QGuiApplication

    from media.audio_route import AudioRouter
    from ui.access_vm import AccessViewModel
    from ui.audio_route_vm import AudioRouteViewModel
    from ui.failsafe import Failsafe
    from ui.handwriting_vm import HandwritingService
    from ui.language import LanguageSwitcher
    from ui.selftest_vm import SelfTestViewModel
    from ui.staff_vm import StaffViewModel

    app = QGuiApplication.instance()
    assert isinstance(app, QGuiApplication)
    data_dir = kiosk_data_dir(settings)
    languages = LanguageSwitcher(app, settings.language, translator=app.findChild(QTranslator))
    access = AccessViewModel(
        session,
        runner,
        IdleWatch(idle_s=settings.idle_s, countdown_s=settings.idle_countdown_s),
        languages=languages,
        kiosk_vm=vm,
        read_on_arrival=settings.read_aloud_on_arrival,
        hotline=settings.hotline,
    )
    failsafe = Failsafe(access.out_of_service)
    runner.on_unexpected = failsafe.unexpected
    gate = StaffGate(parse_staff_list(settings.staff), data_dir / STAFF_LOG_NAME)
    staff = StaffViewModel(
        gate,
        access,
        runner,
        flow,
        matters=outbox_matters(data_dir / "outbox"),
        scan_badge=lambda: scan_camera(settings.camera.device_index),
    )

    async def report(rows: list[CheckResult]) -> bool:
        return await send_results(settings.server_url, settings.token, rows)

    checks = device_checks(settings)
    selftest_vm = SelfTestViewModel(checks, runner, report=report, live=live_devices(settings))
    route = AudioRouteViewModel(AudioRouter(), runner)
    return AccessParts(access, staff, selftest_vm, HandwritingService(runner), failsafe, languages, route)
