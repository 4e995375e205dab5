"""Python's cyclic garbage collection only on the Qt main thread, where the Qt objects live.

Automatic collection runs in whichever thread allocates past the threshold: an asyncio.to_thread
worker, a PortAudio callback, a monitor thread. A view-model caught in a reference cycle (signal
lambdas make them) would then be destroyed there, and Qt warns "Timers cannot be stopped from another
thread" for its QTimers, or crashes. Here automatic collection is off and a main-thread timer runs
the same generational collections when the same thresholds are passed.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

INTERVAL_MS = 500


class MainThreadCollector(QObject):
    """Disables automatic collection and collects on a timer of the thread it is made in."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.setObjectName("mainThreadCollector")
        self._threshold = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        self.collections = 0
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(interval_ms)

    def check(self) -> None:
        """Collect the generations whose counts passed their thresholds, youngest first."""
        count0, count1, count2 = gc.get_count()
        if count0 > self._threshold[0]:
            self.collections += 1
            gc.collect(0)
            if count1 > self._threshold[1]:
                gc.collect(1)
                if count2 > self._threshold[2]:
                    gc.collect(2)

    def finish(self) -> None:
        """Collect everything now, on this thread, and hand collection back to Python."""
        self.stop()
        gc.collect()

    def stop(self) -> None:
        """Stop collecting; automatic collection is back if it was on before this collector."""
        self._timer.stop()
        if self._was_enabled:
            gc.enable()


def install(app: QCoreApplication) -> MainThreadCollector:
    """The application's collector (made once, a child of the application).

    Before the application quits, what is left is collected here, while Qt still runs: left to the
    interpreter's last collection, Qt objects would be destroyed after the application.
    """
    found = app.findChild(MainThreadCollector, "mainThreadCollector")
    if isinstance(found, MainThreadCollector):
        return found
    collector = MainThreadCollector(app)
    app.aboutToQuit.connect(collector.finish)
    return collector
