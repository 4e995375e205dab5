"""The server's recording store on SQLite and PostgreSQL: sealed chunks, checked whole, consent required."""

from __future__ import annotations

import hashlib
import os

import pytest
from sqlalchemy import select

from content.forms.crypto import DataCipher
from server import schema
from server.recordings import CHUNK_BYTES, RecordingStore, RecordingUploadError
from server.storage import Storage
from tests.test_server_storage import _record, database_url, postgres, storage  # noqa: F401 - fixtures

MAGIC = b"\x1a\x45\xdf\xa3"


async def _call(store: Storage, recording: str) -> tuple[str, int]:
    kiosk_id = await store.add_kiosk("一号终端", "红星村", "hash-1")
    lawyer_id = await store.add_lawyer("wang", "王律师", "明理律师事务所", "argon-hash")
    await store.save_call(_record("call-000001", kiosk_id, lawyer_id, 1000.0, stats={"recording": recording}))
    return "call-000001", lawyer_id


async def test_chunks_are_sealed_at_rest_and_come_back_whole(storage: Storage) -> None:  # noqa: F811
    call_id, lawyer_id = await _call(storage, "stopped")  # agreed, then 停止录音: kept
    store = RecordingStore(storage, DataCipher(os.urandom(32)), max_bytes=8 * CHUNK_BYTES)
    data = MAGIC + os.urandom(CHUNK_BYTES + 1000)
    pieces = [data[:CHUNK_BYTES], data[CHUNK_BYTES:]]
    await store.put_chunk(call_id, lawyer_id, 1, pieces[1])  # out of order, and once more (a retry)
    await store.put_chunk(call_id, lawyer_id, 0, pieces[0])
    await store.put_chunk(call_id, lawyer_id, 1, pieces[1])
    with pytest.raises(RecordingUploadError) as wrong:
        await store.complete(call_id, lawyer_id, 2, hashlib.sha256(b"other").hexdigest(), 3.0)
    assert wrong.value.status == 422
    info = await store.complete(call_id, lawyer_id, 2, hashlib.sha256(data).hexdigest(), 3.0)
    assert info.complete and info.size_bytes == len(data) and info.chunks == 2
    async with storage.engine.connect() as conn:
        raw = (await conn.execute(select(schema.recording_chunks.c.data))).scalars().all()
    assert len(raw) == 2 and not any(bytes(r).startswith(MAGIC) or MAGIC in bytes(r) for r in raw)
    assert b"".join([piece async for piece in store.plain_pieces(call_id)]) == data


async def test_no_upload_without_consent_nor_from_another_lawyer_nor_beyond_the_cap(storage: Storage) -> None:  # noqa: F811
    call_id, lawyer_id = await _call(storage, "refused")
    store = RecordingStore(storage, DataCipher(os.urandom(32)), max_bytes=2 * CHUNK_BYTES)
    with pytest.raises(RecordingUploadError) as refused:
        await store.put_chunk(call_id, lawyer_id, 0, b"x" * 10)
    assert refused.value.status == 403
    with pytest.raises(RecordingUploadError) as stranger:
        await store.put_chunk(call_id, lawyer_id + 1, 0, b"x" * 10)
    assert stranger.value.status == 404
    with pytest.raises(RecordingUploadError) as too_big:
        await store.put_chunk(call_id, lawyer_id, 2, b"x" * 10)
    assert too_big.value.status == 413
    assert await store.info(call_id) is None
