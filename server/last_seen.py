"""When each terminal was last connected: noted in memory, written in one batch every few seconds.

A reconnection storm (a node died and its terminals come to this one) must not cost one database
write per socket on the path that accepts it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Protocol

log = logging.getLogger(__name__)
FLUSH_EVERY_S = 2.0


class LastSeenStore(Protocol):
    """What writes the times (server.storage.Storage)."""

    async def touch_kiosks(self, seen: dict[int, float]) -> None:
        """Set each terminal's last-seen time."""
        ...


class LastSeen:
    """Terminals' last-seen times waiting to be written."""

    def __init__(self, store: LastSeenStore, every_s: float = FLUSH_EVERY_S) -> None:
        self._store = store
        self._every_s = every_s
        self._pending: dict[int, float] = {}
        self._task: asyncio.Task[None] | None = None

    def note(self, kiosk_id: int, now: float) -> None:
        """A terminal connected or left at `now`."""
        self._pending[kiosk_id] = max(now, self._pending.get(kiosk_id, now))

    async def flush(self) -> None:
        """Write what is waiting; kept for the next flush if the database is away."""
        pending, self._pending = self._pending, {}
        if not pending:
            return
        try:
            await self._store.touch_kiosks(pending)
        except Exception as exc:  # a database away must not end the loop
            log.warning("last-seen times of %d terminals not written yet: %s", len(pending), exc)
            for kiosk_id, at in pending.items():
                self.note(kiosk_id, at)

    def start(self) -> None:
        """Write every few seconds until stopped."""
        self._task = asyncio.create_task(self._loop())

    async def stop(self) -> None:
        """Stop the loop and write what is left."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.flush()

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self._every_s)
            await self.flush()
