"""The device self-test screen: each check's plain result and advice, sent to the centre afterwards."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import av
from aiortc import MediaStreamTrack
from aiortc.mediastreams import MediaStreamError
from PySide6.QtCore import Property, QCoreApplication, QObject, Signal, Slot

from media.errors import MediaDeviceError
from media.level_meter import LevelCallback, LevelMonitor
from ui.video import VideoFrameBridge

log = logging.getLogger(__name__)
translate = QCoreApplication.translate

LEVEL_FULL = 3000.0  # microphone RMS shown as a full meter
FAILED = "failed"  # kiosk.selftest.CheckStatus value

# A check returns a kiosk.selftest.CheckResult: name, status, message and to_json().
Check = Callable[[], Awaitable[Any]]
PREVIEW_FPS = 10.0  # the live picture needs no more; every frame repaints the window without a GPU


@dataclass(frozen=True)
class LiveDevices:
    """How the screen opens its live camera picture and microphone meter (each may raise MediaDeviceError)."""

    open_camera: Callable[[], Awaitable[MediaStreamTrack]]
    open_meter: Callable[[LevelCallback], LevelMonitor]


def microphone_level(result: Any) -> float:
    """The meter's fill (0..1) from the microphone check's measured level."""
    found = re.search(r"音量 (\d+)", str(result.message))
    return min(1.0, float(found.group(1)) / LEVEL_FULL) if found else 0.0


class SelfTestViewModel(QObject):
    """Runs the checks one by one so each line fills in as it finishes.

    Signals:
        changed: a displayed property changed.
        finished: all checks ran (and the report was attempted).
    """

    changed = Signal()
    finished = Signal()

    def __init__(
        self,
        checks: Sequence[tuple[str, Check]],
        runner: Any,
        *,
        report: Callable[[list[Any]], Awaitable[bool]] | None = None,
        live: LiveDevices | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._checks = checks
        self._runner = runner
        self._report = report
        self._live = live
        self._results: list[Any] = []
        self._running = False
        self._level = 0.0
        self._summary = ""
        self.preview = VideoFrameBridge("selfTestPreview", self, max_fps=PREVIEW_FPS)
        self._live_task: asyncio.Task[Any] | None = None
        self._live_wanted = False
        self._camera_missing = False
        self._meter_missing = False
        self.levels_seen = 0  # live levels received, for tests and diagnostics

    @Slot()
    def startLive(self) -> None:
        """The screen is shown: the camera's live picture and the microphone meter start."""
        self._live_wanted = True
        if self._live is None or self._live_task is not None or self._running:
            return
        self._live_task = self._runner.run(
            self._live_loop(), name="selftest-live", on_success=self._live_ended, on_failure=self._live_failed
        )

    @Slot()
    def stopLive(self) -> None:
        """The screen left: release the camera and the microphone."""
        self._live_wanted = False
        self._cancel_live()

    def _cancel_live(self) -> None:
        task, self._live_task = self._live_task, None
        if task is not None:
            task.cancel()

    def _live_ended(self, _result: object) -> None:
        self._live_task = None

    def _live_failed(self, message: str) -> None:
        log.warning("self-test live devices stopped: %s", message)
        self._live_task = None

    async def _live_loop(self) -> None:
        assert self._live is not None
        loop = asyncio.get_running_loop()

        def on_level(rms: float) -> None:  # the monitor's thread
            with contextlib.suppress(RuntimeError):  # loop already closed
                loop.call_soon_threadsafe(self._live_level, rms)

        meter: LevelMonitor | None = None
        track: MediaStreamTrack | None = None
        try:
            try:
                meter = self._live.open_meter(on_level)
            except MediaDeviceError:
                meter = None
            self._meter_missing = meter is None
            try:
                track = await self._live.open_camera()
            except MediaDeviceError:
                track = None
            self._camera_missing = track is None
            self.changed.emit()
            if track is None:
                await asyncio.get_running_loop().create_future()  # the meter runs until cancelled
            while track is not None:
                frame = await track.recv()
                if isinstance(frame, av.VideoFrame):
                    self.preview.push(frame)
        except MediaStreamError:
            self._camera_missing = True
            self.changed.emit()
        finally:
            if track is not None:
                track.stop()
            if meter is not None:
                meter.stop()
            self.preview.reset()

    def _live_level(self, rms: float) -> None:
        if self._live_task is None:
            return  # a level measured just before the meter stopped
        self.levels_seen += 1
        level = min(1.0, rms / LEVEL_FULL)
        if level != self._level:
            self._level = level
            self.changed.emit()

    @Slot()
    def run(self) -> None:
        """开始检测 / 重新检测."""
        if self._running:
            return
        self._running = True
        self._cancel_live()  # the checks open the camera and the microphone themselves
        self._results, self._level, self._summary = [], 0.0, translate("selftest", "正在检测…")
        self.changed.emit()
        self._runner.run(self._run_all(), name="selftest", on_failure=self._on_failure)

    def _checks_done(self) -> None:
        self._running = False
        if self._live_wanted:
            self.startLive()

    async def _run_all(self) -> None:
        await asyncio.sleep(0)  # let a cancelled live picture release the devices first
        for _name, check in self._checks:
            result = await check()
            self._results.append(result)
            if result.name == "microphone":
                self._level = microphone_level(result)
            self.changed.emit()
        sent = await self._report(self._results) if self._report is not None else False
        failed = sum(str(r.status) == FAILED for r in self._results)
        if failed:
            summary = translate("selftest", "有 %1 项需要处理").replace("%1", str(failed))
        else:
            summary = translate("selftest", "全部正常")
        if self._report is not None and not sent:
            summary += translate("selftest", "（没能上报中心）")
        self._summary = summary
        self._checks_done()
        self.changed.emit()
        self.finished.emit()

    def _on_failure(self, message: str) -> None:
        self._checks_done()
        self._summary = message
        self.changed.emit()
        self.finished.emit()

    @property
    def results(self) -> list[Any]:
        """The results so far."""
        return list(self._results)

    def _get_rows(self) -> list[dict[str, Any]]:
        return [r.to_json() for r in self._results]

    def _get_running(self) -> bool:
        return self._running

    def _get_level(self) -> float:
        return self._level

    def _get_preview(self) -> QObject:
        return self.preview

    def _get_camera_missing(self) -> bool:
        return self._camera_missing

    def _get_meter_missing(self) -> bool:
        return self._meter_missing

    def _get_summary(self) -> str:
        return self._summary

    rows = Property(list, _get_rows, notify=changed)
    running = Property(bool, _get_running, notify=changed)
    micLevel = Property(float, _get_level, notify=changed)
    cameraPreview = Property(QObject, _get_preview, constant=True)
    cameraMissing = Property(bool, _get_camera_missing, notify=changed)
    micMissing = Property(bool, _get_meter_missing, notify=changed)
    summary = Property(str, _get_summary, notify=changed)
