"""The one helper that runs view-model work on the asyncio (qasync) loop with success/failure callbacks."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from ui.texts import plain_error

log = logging.getLogger(__name__)

SuccessCallback = Callable[[Any], None]
FailureCallback = Callable[[str], None]


class BackgroundRunner:
    """Starts coroutines for view-model slots and reports their outcome on the loop's thread.

    A failure is logged with its traceback (never shown) and reported to `on_failure` as one plain
    Chinese sentence. Cancelled work reports nothing. `shutdown()` cancels whatever is still running.
    Work that fails with no `on_failure` goes to `on_unexpected` (the kiosk's 暂停服务 screen).
    """

    def __init__(self, on_unexpected: Callable[[BaseException], None] | None = None) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self.on_unexpected = on_unexpected

    @property
    def busy(self) -> bool:
        """True while any started work has not finished."""
        return bool(self._tasks)

    def run(
        self,
        work: Coroutine[Any, Any, Any],
        *,
        name: str,
        on_success: SuccessCallback | None = None,
        on_failure: FailureCallback | None = None,
    ) -> asyncio.Task[Any]:
        """Start `work` on the running loop; call back with its result or a plain failure sentence."""
        task = asyncio.get_running_loop().create_task(work, name=name)
        self._tasks.add(task)

        def finished(done: asyncio.Task[Any]) -> None:
            self._tasks.discard(done)
            if done.cancelled():
                return
            exc = done.exception()
            if exc is not None:
                log.error("%s failed", name, exc_info=exc)
                if on_failure is not None:
                    on_failure(plain_error(exc))
                elif self.on_unexpected is not None:
                    self.on_unexpected(exc)
            elif on_success is not None:
                on_success(done.result())

        task.add_done_callback(finished)
        return task

    async def shutdown(self) -> None:
        """Cancel all unfinished work and wait until it has stopped."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
