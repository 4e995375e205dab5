"""Qt objects in reference cycles are destroyed on the main thread, never on a worker thread."""

from __future__ import annotations

import gc
import threading
import weakref
from typing import Any

import pytest
from PySide6.QtCore import QObject, QTimer

from ui.main_thread_gc import MainThreadCollector

WRONG_THREAD = "Timers cannot be stopped from another thread"


class CyclicViewModel(QObject):
    """A view-model with a running timer, kept alive only by a cycle (as signal lambdas make)."""

    def __init__(self) -> None:
        super().__init__()
        self.tick = QTimer(self)
        self.tick.start(60_000)
        self.me = self


def _drop_one_and_allocate_in_a_worker() -> weakref.ref[CyclicViewModel]:
    alive = weakref.ref(CyclicViewModel())  # unreachable at once, until a collection finds its cycle

    def work() -> None:  # a worker allocating, as numpy, aiohttp or PortAudio callbacks do
        for _ in range(20_000):
            pair: list[Any] = []
            pair.append(pair)

    worker = threading.Thread(target=work, name="worker")
    worker.start()
    worker.join()
    return alive


def _wrong_thread_warnings(qtlog: Any) -> list[str]:
    return [r.message for r in qtlog.records if WRONG_THREAD in r.message]


@pytest.mark.qt_log_ignore(WRONG_THREAD)  # what happens without the collector
def test_without_the_collector_a_worker_thread_destroys_the_view_model(qapp, qtlog):
    was_enabled = gc.isenabled()  # off when an earlier test's loop installed the collector
    gc.enable()
    try:
        alive = _drop_one_and_allocate_in_a_worker()
    finally:
        if not was_enabled:
            gc.disable()
    assert alive() is None  # collected by the worker's allocations...
    assert _wrong_thread_warnings(qtlog)  # ...on the worker's thread: Qt objects must die on their own


def test_with_the_collector_the_view_model_dies_on_the_main_thread(qapp, qtbot, qtlog):
    collector = MainThreadCollector(interval_ms=20)
    try:
        alive = _drop_one_and_allocate_in_a_worker()
        assert alive() is not None  # no collection ran on the worker
        # Found on the main thread: by this collector's tick, or by one an earlier test's app left running.
        qtbot.waitUntil(lambda: alive() is None, timeout=5000)
        assert _wrong_thread_warnings(qtlog) == []
    finally:
        collector.stop()
        collector.deleteLater()
