"""The call screen's 耳机/外放 toggle: shown only where the terminal has a headphone jack or headset."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from PySide6.QtCore import Property, QObject, Signal, Slot

from media.audio_route import AudioRouter, Output, RouteState

log = logging.getLogger(__name__)


class AudioRouteViewModel(QObject):
    """Reads and switches the output through an AudioRouter in a worker thread.

    Signals:
        changed: the headphones appeared or went, were plugged in or out, or were chosen.
    """

    changed = Signal()

    def __init__(self, router: AudioRouter, runner: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._router = router
        self._runner = runner
        self._state = RouteState()
        self._busy = False
        self.reads = 0  # answers from the router so far, for tests and diagnostics

    @property
    def state(self) -> RouteState:
        """The route last read."""
        return self._state

    @Slot()
    def refresh(self) -> None:
        """Read the jack state again (the call screen asks every few seconds while it is shown)."""
        self._start(self._router.state, "audio-route-read")

    @Slot(bool)
    def useHeadphones(self, on: bool) -> None:
        """耳机 (True) or 外放 (False)."""
        output = Output.HEADPHONES if on else Output.SPEAKER
        self._start(lambda: self._router.use(output), "audio-route-switch")

    def _start(self, work: Any, name: str) -> None:
        if self._busy:
            return
        self._busy = True
        self._runner.run(asyncio.to_thread(work), name=name, on_success=self._done, on_failure=self._failed)

    def _done(self, state: RouteState) -> None:
        self._busy = False
        self.reads += 1
        if state != self._state:
            self._state = state
            self.changed.emit()

    def _failed(self, message: str) -> None:
        self._busy = False
        log.warning("audio route: %s", message)

    def _get_available(self) -> bool:
        return self._state.headphones_exist

    def _get_headphones(self) -> bool:
        return self._state.current is Output.HEADPHONES

    def _get_plugged(self) -> bool:
        return self._state.plugged

    available = Property(bool, _get_available, notify=changed)
    headphones = Property(bool, _get_headphones, notify=changed)
    plugged = Property(bool, _get_plugged, notify=changed)
