"""The device self-test screen: each check's plain result and advice, sent to the centre afterwards."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Property, QCoreApplication, QObject, QUrl, Signal, Slot

log = logging.getLogger(__name__)
translate = QCoreApplication.translate

LEVEL_FULL = 3000.0  # microphone RMS shown as a full meter
FAILED = "failed"  # kiosk.selftest.CheckStatus value

# A check returns a kiosk.selftest.CheckResult: name, status, message and to_json().
Check = Callable[[], Awaitable[Any]]


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
        preview: Callable[[], Path | None] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._checks = checks
        self._runner = runner
        self._report = report
        self._preview = preview
        self._results: list[Any] = []
        self._running = False
        self._level = 0.0
        self._preview_url = ""
        self._summary = ""

    @Slot()
    def run(self) -> None:
        """开始检测 / 重新检测."""
        if self._running:
            return
        self._running = True
        self._results, self._level, self._summary = [], 0.0, translate("selftest", "正在检测…")
        self.changed.emit()
        self._runner.run(self._run_all(), name="selftest", on_failure=self._on_failure)

    async def _run_all(self) -> None:
        if self._preview is not None:
            path = await asyncio.to_thread(self._preview)
            self._preview_url = QUrl.fromLocalFile(str(path)).toString() if path else ""
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
        self._running = False
        self.changed.emit()
        self.finished.emit()

    def _on_failure(self, message: str) -> None:
        self._running = False
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

    def _get_preview(self) -> str:
        return self._preview_url

    def _get_summary(self) -> str:
        return self._summary

    rows = Property(list, _get_rows, notify=changed)
    running = Property(bool, _get_running, notify=changed)
    micLevel = Property(float, _get_level, notify=changed)
    previewUrl = Property(str, _get_preview, notify=changed)
    summary = Property(str, _get_summary, notify=changed)
