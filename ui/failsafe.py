"""Unexpected failures: logged with their traceback, shown as 暂停服务 (never a traceback), UI restarted."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from types import TracebackType

log = logging.getLogger(__name__)

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


class Failsafe:
    """Routes uncaught exceptions (sys.excepthook, the background runner) to the 暂停服务 screen."""

    def __init__(self, show_out_of_service: Callable[[], None]) -> None:
        self._show = show_out_of_service
        self._previous: ExceptHook | None = None

    def install(self) -> None:
        """Take over sys.excepthook (PySide6 reports exceptions in slots through it)."""
        self._previous = sys.excepthook
        sys.excepthook = self.handle

    def uninstall(self) -> None:
        """Give sys.excepthook back."""
        if self._previous is not None:
            sys.excepthook = self._previous
            self._previous = None

    def handle(self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        """Log the failure for the technician and show 暂停服务 to the villager."""
        if issubclass(kind, KeyboardInterrupt | SystemExit):
            if self._previous is not None:
                self._previous(kind, exc, tb)
            return
        log.critical("unexpected failure; showing 暂停服务", exc_info=(kind, exc, tb))
        try:
            self._show()
        except Exception:  # the screen itself failing must not loop back here
            log.exception("could not show the out-of-service screen")

    def unexpected(self, exc: BaseException) -> None:
        """The background runner's path for work that failed with nobody to report it to."""
        self.handle(type(exc), exc, exc.__traceback__)
