"""Shared set-up for the 办事申请 screen tests: a real outbox in a temp folder, the kiosk window."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from config.settings import CameraSettings, MediaSource
from content.forms import CHINA_TZ, load_all_forms
from kiosk.outbox import Outbox
from tests.ui_fakes import FakeCallerFlow, QmlHarness, running_qasync_loop
from ui.background import BackgroundRunner
from ui.forms_status import StatusQuery
from ui.forms_vm import FormsViewModel
from ui.kiosk_vm import KioskViewModel
from ui.speech import SpeechRenderer

T = TypeVar("T")
# A Tuesday morning in China: service days and time slots are predictable.
NOW = datetime(2026, 11, 24, 9, 30, tzinfo=CHINA_TZ)
WAIT_MS = 20000  # for screens that wait on the disk (fsync) while other work shares the CPU


def run[T](qtbot: Any, work: Coroutine[Any, Any, T], timeout_ms: int = 15000) -> T:
    """Run a coroutine on the test's qasync loop while Qt spins; return its result."""
    task = asyncio.get_running_loop().create_task(work)
    qtbot.waitUntil(task.done, timeout=timeout_ms)
    return task.result()


class ItemHarness(QmlHarness):
    """QmlHarness that also finds items made by Repeaters and ListViews (walks the visual item tree)."""

    def _all(self, name: str) -> list[Any]:
        found: list[Any] = []
        stack = [self.window.contentItem()]
        while stack:
            item = stack.pop()
            if item.objectName() == name and item.isVisible():
                found.append(item)
            stack.extend(item.childItems())
        return found

    def item(self, name: str) -> Any:
        """The visible QML item with this objectName (fails the test if there is none)."""
        found = self._all(name)
        assert found, f"no visible item named {name!r}"
        return found[0]

    def has(self, name: str) -> bool:
        """Whether a visible item with this objectName exists."""
        return bool(self._all(name))

    def wait_for(self, name: str) -> Any:
        """Wait until an item with this objectName is visible (generous: the machine may be busy)."""
        self.qtbot.waitUntil(lambda: self.has(name), timeout=WAIT_MS)
        return self.item(name)

    def wait_frame(self) -> None:
        """Wait until the scene has been laid out and drawn once more (new screens settle first)."""
        frames: list[bool] = []
        self.window.frameSwapped.connect(lambda: frames.append(True))
        self.window.update()
        self.qtbot.waitUntil(lambda: bool(frames), timeout=WAIT_MS)

    def tap(self, name: str) -> None:
        """Tap like QmlHarness.tap, once the screen showing the item has been drawn."""
        self.wait_for(name)
        self.wait_frame()
        super().tap(name)

    def shot(self, path: Path) -> None:
        """Save what the screen shows now."""
        self.window.grabWindow().save(str(path))


@dataclass
class FormsKiosk:
    """The kiosk window with the forms view-model over a real outbox."""

    h: ItemHarness
    vm: KioskViewModel
    forms: FormsViewModel
    outbox: Outbox
    session_dir: Path
    runner: BackgroundRunner


@contextmanager
def forms_kiosk(
    qtbot: Any,
    qapp: Any,
    tmp_path: Path,
    *,
    status_query: StatusQuery | None = None,
    printer: str = "",
    staff: object | None = None,
) -> Iterator[FormsKiosk]:
    """Open the whole kiosk window with 办事申请 wired to a real outbox in tmp_path."""
    with running_qasync_loop(qapp):
        outbox = run(qtbot, Outbox.open_in(tmp_path / "data"))
        session_dir = tmp_path / "session"
        session_dir.mkdir()
        runner = BackgroundRunner()
        forms = forms_view_model(
            runner,
            outbox,
            session_dir,
            status_query=status_query,
            speech=SpeechRenderer(session_dir / "speech"),
            printer=printer,
            staff=staff,
        )
        vm = KioskViewModel(FakeCallerFlow(), runner, keyboard_data_path=str(tmp_path), forms=forms)
        h = ItemHarness(qtbot, "kiosk/Main.qml", {"vm": vm})
        try:
            yield FormsKiosk(h, vm, forms, outbox, session_dir, runner)
        finally:
            h.close()
            run(qtbot, runner.shutdown())
            run(qtbot, outbox.close())


def forms_view_model(
    runner: BackgroundRunner, outbox: Outbox, session_dir: Path, **extra: Any
) -> FormsViewModel:
    """办事申请 on every form, a synthetic camera, the tests' fixed clock; `extra` as the kiosk wires it."""
    return FormsViewModel(
        load_all_forms(),
        runner,
        outbox,
        lambda: session_dir,
        camera=CameraSettings(source=MediaSource.SYNTHETIC),
        clock=lambda: NOW,
        **extra,
    )


@contextmanager
def forms_access_kiosk(qtbot: Any, qapp: Any, tmp_path: Path) -> Iterator[tuple[Any, FormsViewModel]]:
    """The kiosk window as `python -m kiosk` builds it (大字/朗读 bar, idle, staff) with 办事申请 wired in."""
    from concurrent.futures import ThreadPoolExecutor

    from tests.access_fixtures import build_access_kiosk

    with running_qasync_loop(qapp), ThreadPoolExecutor(max_workers=1) as opening:
        asyncio.get_running_loop().set_default_executor(opening)  # the kiosk brings its own workers next
        outbox = run(qtbot, Outbox.open_in(tmp_path / "data"))
        session_dir = tmp_path / "session"
        session_dir.mkdir()
        runner = BackgroundRunner()
        forms = forms_view_model(runner, outbox, session_dir)
        kiosk = build_access_kiosk(qtbot, tmp_path, forms=forms)
        try:
            yield kiosk, forms
        finally:
            kiosk.close()
            run(qtbot, runner.shutdown())
            run(qtbot, outbox.close())
