"""Shared pytest setup: Qt offscreen by default, fixtures handed out from tests/fakes.py."""

from __future__ import annotations

import os

# Qt must know its platform before any Qt import; call-screen tests launch subprocesses on xcb.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_QUICK_BACKEND", "software")


def pytest_sessionfinish(session: object, exitstatus: int) -> None:
    """Collect the tests' garbage while the QApplication still exists (ui/main_thread_gc.py)."""
    import gc
    import sys

    if "PySide6.QtCore" in sys.modules:
        from PySide6.QtCore import QCoreApplication

        from ui.main_thread_gc import MainThreadCollector

        app = QCoreApplication.instance()
        collector = app.findChild(MainThreadCollector, "mainThreadCollector") if app is not None else None
        if isinstance(collector, MainThreadCollector):
            collector.finish()
    gc.collect()
