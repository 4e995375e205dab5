"""What the storage mixins share: the engine and the cipher for personal data."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from server.crypto import DataCipher


class NoDataKeyError(RuntimeError):
    """Personal data was written or read through a Storage opened without a cipher."""


class StaleWriterError(RuntimeError):
    """A cluster owner's write carried an older fencing token than one already written: a newer
    owner of the centre exists, and this one must stop."""


class StoreBase:
    """The engine and cipher every part of Storage works with."""

    engine: AsyncEngine
    _cipher: DataCipher | None
    _write_lock: asyncio.Lock | None  # SQLite: one writer at a time, queued here, not in busy waits

    @asynccontextmanager
    async def writing(self) -> AsyncIterator[AsyncConnection]:
        """A write transaction; on SQLite, writers of this process take turns instead of colliding."""
        if self._write_lock is None:
            async with self.engine.begin() as conn:
                yield conn
            return
        async with self._write_lock, self.engine.begin() as conn:
            yield conn

    @property
    def cipher(self) -> DataCipher:
        """The cipher for personal data; refusing when the storage was opened without one."""
        if self._cipher is None:
            raise NoDataKeyError("this storage was opened without a data key")
        return self._cipher
