"""Terminal accounts by token hash, held in memory so a crowd of terminals signing in at once (a node
died and its terminals come here) asks the database nothing.

The whole table is small (a province has a few thousand terminals) and is read again every
RELOAD_S; a token not found in memory is looked up in the database, so a terminal enrolled since the
last read signs in at once. A terminal removed from the database is refused within RELOAD_S.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Protocol

from server.storage import KioskAccount

log = logging.getLogger(__name__)
RELOAD_S = 60.0


class KioskAccountStore(Protocol):
    """Where terminal accounts are (server.storage.Storage)."""

    async def kiosk_by_token_hash(self, token_hash: str) -> KioskAccount | None:
        """The terminal whose token hashes to this, if any."""
        ...

    async def kiosks_by_token_hash(self) -> dict[str, KioskAccount]:
        """Every terminal, by its token's hash."""
        ...


class KioskTokens:
    """The terminals' token hashes, read from the database at most every `reload_s`."""

    def __init__(
        self,
        store: KioskAccountStore,
        reload_s: float = RELOAD_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._reload_s = reload_s
        self._clock = clock
        self._by_hash: dict[str, KioskAccount] = {}
        self._loaded_at: float | None = None
        self._loading: asyncio.Task[None] | None = None

    async def find(self, token_hash: str) -> KioskAccount | None:
        """The terminal whose token hashes to this, if any."""
        if self._loaded_at is None or self._clock() - self._loaded_at >= self._reload_s:
            await self._reload()
        found = self._by_hash.get(token_hash)
        if found is None:
            found = await self._store.kiosk_by_token_hash(token_hash)  # enrolled since the last read
            if found is not None:
                self._by_hash[token_hash] = found
        return found

    async def _reload(self) -> None:
        """Read the table again (once, however many sign-ins wait for it)."""
        if self._loading is None or self._loading.done():
            self._loading = asyncio.ensure_future(self._read())
        with contextlib.suppress(Exception):  # the database away: the lookup below says so
            await asyncio.shield(self._loading)

    async def _read(self) -> None:
        started = self._clock()
        self._by_hash = await self._store.kiosks_by_token_hash()
        self._loaded_at = started
        log.debug("%d terminal accounts read", len(self._by_hash))
