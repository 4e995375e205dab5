"""The whole kiosk window with the accessibility, staff and self-test parts over a fake call flow."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.access_wiring import parse_staff_list
from kiosk.idle import IdleWatch
from kiosk.selftest import CheckResult, CheckStatus
from kiosk.session import Session
from kiosk.staff import StaffGate, hash_pin
from media.audio_route import AudioRouter
from media.level_meter import LevelCallback, SyntheticLevelMonitor
from media.synthetic import SyntheticVideoTrack
from tests.ui_fakes import FakeCallerFlow, QmlHarness
from ui.access_vm import AccessViewModel
from ui.audio_route_vm import AudioRouteViewModel
from ui.background import BackgroundRunner
from ui.failsafe import Failsafe
from ui.handwriting_vm import HandwritingService
from ui.kiosk_vm import KioskViewModel
from ui.recording_vm import RecordingViewModel
from ui.selftest_vm import LiveDevices, SelfTestViewModel
from ui.staff_vm import StaffViewModel

STAFF_ID = "zhang01"
STAFF_PIN = "2468"
_HASHES: dict[str, str] = {}


class ManualClock:
    """A clock the test moves by hand, so idle tests wait on events, never on the wall clock."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        self.now += seconds


def terminal_without_devices() -> list[tuple[str, Any]]:
    """Self-test checks as a terminal with no camera, a quiet microphone and no printer reports them.

    The hardware is absent here; the results are the real CheckResult values the real checks return.
    """
    results = [
        CheckResult(
            "camera", "摄像头", CheckStatus.FAILED, "没有找到摄像头", "请检查摄像头的线是否插好，然后重新检测"
        ),
        CheckResult("microphone", "麦克风", CheckStatus.OK, "麦克风正常（音量 1800）"),
        CheckResult("speaker", "喇叭", CheckStatus.OK, "已播放测试音，请确认听到“嘟”的一声"),
        CheckResult("server", "网络和服务器", CheckStatus.OK, "服务器连接正常（12 毫秒）"),
        CheckResult(
            "turn",
            "视频中转服务器",
            CheckStatus.WARNING,
            "视频中转服务器没有回应",
            "网络较差时视频可能接不通；请联系县法律援助中心检查",
        ),
        CheckResult("printer", "打印机", CheckStatus.SKIPPED, "这台终端没有配置打印机，回执显示在屏幕上"),
    ]

    def check(result: CheckResult) -> Any:
        async def run() -> CheckResult:
            return result

        return run

    return [(r.name, check(r)) for r in results]


class SyntheticLive:
    """The self-test's live devices as a terminal with the synthetic camera and microphone has them."""

    def __init__(self) -> None:
        self.meters: list[SyntheticLevelMonitor] = []
        self.cameras: list[SyntheticVideoTrack] = []

    def devices(self) -> LiveDevices:
        """What the self-test view-model opens."""

        async def camera() -> SyntheticVideoTrack:
            self.cameras.append(SyntheticVideoTrack(320, 240, 10))
            return self.cameras[-1]

        def meter(on_level: LevelCallback) -> SyntheticLevelMonitor:
            self.meters.append(SyntheticLevelMonitor(on_level))
            return self.meters[-1]

        return LiveDevices(camera, meter)


@dataclass
class AccessKiosk:
    """Everything a test taps and inspects."""

    flow: FakeCallerFlow
    vm: KioskViewModel
    access: AccessViewModel
    staff: StaffViewModel
    selftest: SelfTestViewModel
    handwriting: HandwritingService
    session: Session
    gate: StaffGate
    runner: BackgroundRunner
    failsafe: Failsafe
    clock: ManualClock
    idle: IdleWatch
    harness: Any  # QmlHarness, or None when a tool loads the window itself
    reports: list[list[Any]] = field(default_factory=list)
    workers: ThreadPoolExecutor | None = None  # the loop's to_thread workers, shut down on close
    live: SyntheticLive = field(default_factory=SyntheticLive)
    audio_route: AudioRouteViewModel | None = None

    def close(self) -> None:
        """Close the window and let Qt delete its QML before the view-models go."""
        from PySide6.QtCore import QCoreApplication, QEvent

        self.access.stop()
        if self.harness is not None:
            self.harness.close()
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        for meter in self.live.meters:  # a cancelled live loop may not have run its cleanup yet
            meter.stop()
        if self.workers is not None:
            self.workers.shutdown(wait=True)

    def items(self) -> list[Any]:
        """Every visible item in the window's visual tree (Repeater-made ones too, unlike findChildren)."""
        found: list[Any] = []

        def walk(item: Any) -> None:
            if not item.isVisible() or item.opacity() <= 0:
                return
            found.append(item)
            for child in item.childItems():
                walk(child)

        walk(self.harness.window.contentItem())
        return found

    def find(self, name: str) -> Any:
        """The visible item of this objectName, or None."""
        return next((i for i in self.items() if i.objectName() == name), None)

    def wait_for(self, name: str) -> Any:
        """Wait until a visible item of this objectName is in the scene; return it."""
        self.harness.qtbot.waitUntil(lambda: self.find(name) is not None, timeout=5000)
        return self.find(name)

    def tap(self, name: str) -> None:
        """A real click at the centre of the item, as a finger would tap it."""
        from PySide6.QtCore import QPointF, Qt
        from PySide6.QtTest import QTest

        item = self.wait_for(name)
        self.harness.qtbot.waitUntil(item.isEnabled, timeout=10000)
        centre = item.mapToScene(QPointF(item.width() / 2, item.height() / 2)).toPoint()
        QTest.mouseMove(self.harness.window, centre)
        QTest.mouseClick(
            self.harness.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre
        )

    def properties(self) -> dict[str, Any]:
        """The kiosk window's initial properties."""
        return {
            "vm": self.vm,
            "access": self.access,
            "staff": self.staff,
            "selftest": self.selftest,
            "handwriting": self.handwriting,
            "audioRoute": self.audio_route,
        }


def build_access_kiosk(
    qtbot: Any,
    data_dir: Path,
    *,
    idle_s: float = 120.0,
    countdown_s: float = 30.0,
    tick_ms: int = 1000,
    languages: Any = None,
    staff_entries: list[str] | None = None,
    scan_badge: Any = None,
    forms: Any = None,
) -> AccessKiosk:
    """A kiosk window like `python -m kiosk` builds, with a fake flow and a hand-moved clock."""
    if STAFF_ID not in _HASHES:
        _HASHES[STAFF_ID] = hash_pin(STAFF_PIN)
    clock = ManualClock()
    workers = None
    if qtbot is not None:  # plain Python threads for asyncio.to_thread, joined when the test ends
        workers = ThreadPoolExecutor(max_workers=2, thread_name_prefix="kiosk-test")
        asyncio.get_running_loop().set_default_executor(workers)
    flow = FakeCallerFlow()
    runner = BackgroundRunner()
    vm = KioskViewModel(flow, runner, ended_return_ms=60_000, forms=forms)  # forms: ui.forms_vm
    session = Session(data_dir / "sessions")
    idle = IdleWatch(idle_s=idle_s, countdown_s=countdown_s)
    access = AccessViewModel(
        session,
        runner,
        idle,
        languages=languages,
        kiosk_vm=vm,
        tick_ms=tick_ms,
        clock=clock,
    )
    failsafe = Failsafe(access.out_of_service)
    runner.on_unexpected = failsafe.unexpected
    entries = [f"{STAFF_ID}:{_HASHES[STAFF_ID]}", *(staff_entries or [])]
    gate = StaffGate(parse_staff_list(entries), data_dir / "staff-actions.log")
    staff = StaffViewModel(gate, access, runner, flow, scan_badge=scan_badge)
    reports: list[list[Any]] = []

    async def report(rows: list[Any]) -> bool:
        reports.append(rows)
        return True

    live = SyntheticLive()
    selftest = SelfTestViewModel(terminal_without_devices(), runner, report=report, live=live.devices())
    handwriting = HandwritingService(runner)
    kiosk = AccessKiosk(
        flow, vm, access, staff, selftest, handwriting, session, gate, runner, failsafe, clock, idle, None
    )
    kiosk.reports = reports
    kiosk.live = live
    kiosk.audio_route = AudioRouteViewModel(AudioRouter(), runner)  # the machine's sound server, if any
    kiosk.workers = workers
    if qtbot is not None:
        recording = RecordingViewModel(flow, runner, desk=False)  # the call screen's recording panel
        kiosk.harness = QmlHarness(qtbot, "kiosk/Main.qml", kiosk.properties(), {"recordingVm": recording})
        if languages is not None:
            languages.attach(kiosk.harness.engine)
        access.watch_window(kiosk.harness.window)
    return kiosk
