"""Consented call recordings at rest: 1 MiB chunks sealed with the data key (AES-GCM), one row per call."""

from __future__ import annotations

import hashlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from content.forms.crypto import DataCipher
from server import schema
from server.storage import Storage

CHUNK_BYTES = 1024 * 1024  # the largest piece a desk uploads, and what the server seals as one blob
CONTAINER = "matroska"


class RecordingConsentState(StrEnum):
    """The recording word the call record keeps in stats["recording"]."""

    NOT_ASKED = ""
    ASKED = "asked"
    AGREED = "agreed"
    REFUSED = "refused"
    STOPPED = "stopped"  # agreed, then stopped by either side: what was recorded is kept


MAY_UPLOAD = frozenset({RecordingConsentState.AGREED.value, RecordingConsentState.STOPPED.value})


class RecordingUploadError(Exception):
    """An upload the server refuses; `status` is the HTTP status, the message plain Chinese."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class RecordingInfo:
    """One stored recording, without its bytes."""

    call_id: str
    lawyer_id: int
    container: str
    size_bytes: int
    chunks: int
    sha256: str
    duration_s: float
    created_at: float
    completed_at: float | None

    @property
    def complete(self) -> bool:
        """All chunks arrived and matched the digest."""
        return self.completed_at is not None


def _context(call_id: str, index: int) -> str:
    return f"recording:{call_id}:{index}"  # binds each sealed chunk to its place (AAD)


class RecordingStore:
    """Stores uploaded chunks sealed, checks them whole, and gives the plain file back in order."""

    def __init__(self, storage: Storage, cipher: DataCipher, max_bytes: int) -> None:
        self.storage = storage
        self.cipher = cipher
        self.max_bytes = max_bytes

    async def check_uploader(self, call_id: str, lawyer_id: int) -> None:
        """Only the call's own lawyer uploads, and only when both sides agreed to record."""
        record = await self.storage.get_call(call_id)
        if record is None or record.lawyer_id != lawyer_id:
            raise RecordingUploadError(404, "没有这个通话。")
        if record.stats.get("recording", "") not in MAY_UPLOAD:
            raise RecordingUploadError(403, "双方没有同意录音，不能保存录像。")

    async def put_chunk(self, call_id: str, lawyer_id: int, index: int, data: bytes) -> None:
        """Seal and store chunk `index` (a retry of the same chunk replaces it)."""
        if not 0 < len(data) <= CHUNK_BYTES or not 0 <= index * CHUNK_BYTES < self.max_bytes:
            raise RecordingUploadError(413, "录像太大，或者分块不对。")
        await self.check_uploader(call_id, lawyer_id)
        sealed = self.cipher.seal(data, _context(call_id, index))
        r, c = schema.recordings, schema.recording_chunks
        async with self.storage.writing() as conn:
            row = (await conn.execute(select(r.c.completed_at).where(r.c.call_id == call_id))).first()
            if row is None:
                values = {
                    "call_id": call_id,
                    "lawyer_id": lawyer_id,
                    "container": CONTAINER,
                    "size_bytes": 0,
                    "chunks": 0,
                    "sha256": "",
                    "duration_s": 0.0,
                    "created_at": time.time(),
                }
                try:
                    await conn.execute(insert(r).values(**values))
                except IntegrityError:
                    raise RecordingUploadError(409, "录像正在保存，请稍后再试。") from None
            elif row.completed_at is not None:
                raise RecordingUploadError(409, "这个录像已经保存完了。")
            await conn.execute(delete(c).where(c.c.call_id == call_id, c.c.idx == index))
            await conn.execute(insert(c).values(call_id=call_id, idx=index, data=sealed))

    async def complete(
        self, call_id: str, lawyer_id: int, chunks: int, sha256: str, duration_s: float
    ) -> RecordingInfo:
        """Check every chunk is there and the whole matches the digest; then mark it complete."""
        await self.check_uploader(call_id, lawyer_id)
        c, r = schema.recording_chunks, schema.recordings
        async with self.storage.engine.connect() as conn:
            stored = (
                await conn.execute(select(func.count()).select_from(c).where(c.c.call_id == call_id))
            ).scalar_one()
        if stored != chunks or chunks == 0:
            raise RecordingUploadError(409, f"录像还缺少分块（收到 {stored}，应有 {chunks}）。")
        digest = hashlib.sha256()
        size = 0
        async for piece in self._pieces(call_id):
            digest.update(piece)
            size += len(piece)
        if digest.hexdigest() != sha256:
            raise RecordingUploadError(422, "录像内容校验不对，请重新上传。")
        values = {
            "size_bytes": size,
            "chunks": chunks,
            "sha256": sha256,
            "duration_s": max(0.0, float(duration_s)),
            "completed_at": time.time(),
        }
        async with self.storage.writing() as conn:
            await conn.execute(update(r).where(r.c.call_id == call_id).values(**values))
        info = await self.info(call_id)
        assert info is not None
        return info

    async def info(self, call_id: str) -> RecordingInfo | None:
        """The recording of this call, if any."""
        r = schema.recordings
        async with self.storage.engine.connect() as conn:
            row = (await conn.execute(select(r).where(r.c.call_id == call_id))).first()
        return None if row is None else RecordingInfo(**dict(row._mapping))

    async def _pieces(self, call_id: str) -> AsyncIterator[bytes]:
        c = schema.recording_chunks
        async with self.storage.engine.connect() as conn:
            indexes = (
                (await conn.execute(select(c.c.idx).where(c.c.call_id == call_id).order_by(c.c.idx)))
                .scalars()
                .all()
            )
        for index in indexes:  # one chunk in memory at a time
            async with self.storage.engine.connect() as conn:
                sealed = (
                    await conn.execute(select(c.c.data).where(c.c.call_id == call_id, c.c.idx == index))
                ).scalar_one()
            yield self.cipher.open(bytes(sealed), _context(call_id, index))

    async def plain_pieces(self, call_id: str) -> AsyncIterator[bytes]:
        """The complete recording's plain bytes, chunk by chunk (for the console's download)."""
        async for piece in self._pieces(call_id):
            yield piece
