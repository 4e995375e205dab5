"""Keep Python's full garbage collections away from ringing calls.

With thousands of connected clients the server holds about a million long-lived objects, and each
automatic full collection stops the event loop for 100-300 ms (measured by bench/bench_pool.py).
Every few seconds the pacer freezes what exists (gc.freeze: those objects are left out of later
collections); every few minutes, when no call is waiting or ringing, it unfreezes and collects
everything once, so cyclic garbage that was frozen is still reclaimed.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

FREEZE_EVERY_S = 5.0
FULL_EVERY_S = 600.0  # a full collection at the first quiet moment after this
FULL_AT_LATEST_S = 1800.0  # and at the latest after this, quiet or not


class GcPacer:
    """Decides when to freeze and when to collect everything; `tick` does one step."""

    def __init__(self, is_quiet: Callable[[], bool], clock: Callable[[], float] = time.monotonic) -> None:
        self.is_quiet = is_quiet
        self.clock = clock
        self.last_full = clock()

    def tick(self) -> bool:
        """Freeze the objects that exist now; first collect everything if it is time. True if it did."""
        now = self.clock()
        since = now - self.last_full
        collected = False
        if since >= FULL_AT_LATEST_S or (since >= FULL_EVERY_S and self.is_quiet()):
            gc.unfreeze()
            started = time.perf_counter()
            found = gc.collect()
            log.info(
                "full garbage collection: %d objects in %.0f ms",
                found,
                (time.perf_counter() - started) * 1000,
            )
            self.last_full = now
            collected = True
        gc.freeze()
        return collected

    async def run(self) -> None:
        """Tick every FREEZE_EVERY_S until cancelled."""
        while True:
            await asyncio.sleep(FREEZE_EVERY_S)
            self.tick()
