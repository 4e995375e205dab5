"""What the storage mixins share: the engine and the cipher for personal data."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from server.crypto import DataCipher


class NoDataKeyError(RuntimeError):
    """Personal data was written or read through a Storage opened without a cipher."""


class StoreBase:
    """The engine and cipher every part of Storage works with."""

    engine: AsyncEngine
    _cipher: DataCipher | None

    @property
    def cipher(self) -> DataCipher:
        """The cipher for personal data; refusing when the storage was opened without one."""
        if self._cipher is None:
            raise NoDataKeyError("this storage was opened without a data key")
        return self._cipher
