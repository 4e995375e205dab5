"""The desk's queue of finished recordings: sealed at rest in 1 MiB chunks, uploaded with retries."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import shutil
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import aiohttp

from content.forms.crypto import DataCipher, SealError, load_or_create_key_file

log = logging.getLogger(__name__)

CHUNK_BYTES = 1024 * 1024  # the server seals and stores pieces of this size
KEY_FILE = "queue.key"
META_FILE = "meta.json"
RETRY_S = (2.0, 5.0, 15.0, 60.0)  # waits between upload rounds while something failed
TIMEOUT = aiohttp.ClientTimeout(total=60)
_GIVE_UP = frozenset({403, 404, 413, 422})  # the server will never take this recording


class UploadResult(StrEnum):
    """What one upload attempt of a recording came to."""

    DONE = "done"
    RETRY = "retry"  # network, server busy, login expired: try again later
    DROPPED = "dropped"  # refused for good (no consent on record, too big): removed from the queue


@dataclass(frozen=True)
class QueuedRecording:
    """One recording waiting in the queue."""

    call_id: str
    folder: Path
    chunks: int
    sha256: str
    duration_s: float


def _context(call_id: str, index: int) -> str:
    return f"desk-recording:{call_id}:{index}"


class RecordingQueue:
    """Keeps finished recordings sealed on disk until the server has them whole."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._opened: DataCipher | None = None
        self._wake = asyncio.Event()

    @property
    def _cipher(self) -> DataCipher:
        """The queue's key, made (0600) with the first recording: a desk that never records writes nothing."""
        if self._opened is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._opened = DataCipher(load_or_create_key_file(self.folder / KEY_FILE))
        return self._opened

    def put(self, call_id: str, data: bytes, duration_s: float) -> QueuedRecording:
        """Seal the file into the queue in chunks (the plain file never touches the disk)."""
        cipher = self._cipher
        folder = self.folder / hashlib.sha256(call_id.encode()).hexdigest()[:32]
        folder.mkdir(exist_ok=True)
        chunks = max(1, -(-len(data) // CHUNK_BYTES))
        for index in range(chunks):
            piece = data[index * CHUNK_BYTES : (index + 1) * CHUNK_BYTES]
            (folder / f"{index:05d}.sealed").write_bytes(cipher.seal(piece, _context(call_id, index)))
        meta = {
            "call_id": call_id,
            "chunks": chunks,
            "sha256": hashlib.sha256(data).hexdigest(),
            "duration_s": duration_s,
            "sent": [],
        }
        (folder / META_FILE).write_text(json.dumps(meta))
        self._wake.set()
        return self._queued(folder, meta)

    def pending(self) -> list[QueuedRecording]:
        """Recordings not yet on the server, oldest first."""
        found = []
        for meta_path in sorted(self.folder.glob(f"*/{META_FILE}"), key=lambda p: p.stat().st_mtime):
            found.append(self._queued(meta_path.parent, json.loads(meta_path.read_text())))
        return found

    @staticmethod
    def _queued(folder: Path, meta: dict[str, Any]) -> QueuedRecording:
        return QueuedRecording(meta["call_id"], folder, meta["chunks"], meta["sha256"], meta["duration_s"])

    def _mark_sent(self, item: QueuedRecording, index: int) -> None:
        meta_path = item.folder / META_FILE
        meta = json.loads(meta_path.read_text())
        meta["sent"] = sorted({*meta["sent"], index})
        meta_path.write_text(json.dumps(meta))

    def _sent(self, item: QueuedRecording) -> set[int]:
        return set(json.loads((item.folder / META_FILE).read_text())["sent"])

    async def upload(self, item: QueuedRecording, server_url: str, token: str) -> UploadResult:
        """Send the chunks the server lacks, then ask it to check the whole; DONE removes it here."""
        base = f"{server_url.rstrip('/')}/api/recordings/{item.call_id}"
        headers = {"Authorization": f"Bearer {token}"}
        try:
            async with aiohttp.ClientSession(timeout=TIMEOUT, headers=headers) as http:
                for index in range(item.chunks):
                    if index in self._sent(item):
                        continue
                    sealed = (item.folder / f"{index:05d}.sealed").read_bytes()
                    piece = self._cipher.open(sealed, _context(item.call_id, index))
                    async with http.put(f"{base}/chunks/{index}", data=piece) as response:
                        result = self._judge(item, response.status, await response.text())
                        if result is not UploadResult.DONE:
                            return result
                    self._mark_sent(item, index)
                body = {"chunks": item.chunks, "sha256": item.sha256, "duration_s": item.duration_s}
                async with http.post(f"{base}/complete", json=body) as response:
                    result = self._judge(item, response.status, await response.text())
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            log.warning("recording upload interrupted (%s); will retry", type(exc).__name__)
            return UploadResult.RETRY
        except SealError:
            log.error("a queued recording does not open with the queue key; dropping it")
            result = UploadResult.DROPPED
        if result is not UploadResult.RETRY:
            shutil.rmtree(item.folder, ignore_errors=True)
        return result

    @staticmethod
    def _judge(item: QueuedRecording, status: int, text: str) -> UploadResult:
        if status == 200:
            return UploadResult.DONE
        if status in _GIVE_UP:
            log.error("server refused a recording for good (HTTP %d): %s", status, text[:200])
            return UploadResult.DROPPED
        if status == 409 and "已经保存完了" in text:
            return UploadResult.DONE
        log.warning("recording upload answered HTTP %d; will retry", status)
        return UploadResult.RETRY

    async def run(self, server_url: str, token: Any) -> None:
        """Upload whatever waits, forever: retrying with backoff; `token()` gives the current login."""
        failures = 0
        while True:
            self._wake.clear()
            failed = False
            for item in self.pending():
                current = token()
                if not current:
                    failed = True
                    break
                if await self.upload(item, server_url, current) is UploadResult.RETRY:
                    failed = True
            if failed:
                await asyncio.sleep(RETRY_S[min(failures, len(RETRY_S) - 1)])
                failures += 1
            else:
                failures = 0
                await self._wake.wait()

    def wake(self) -> None:
        """Try again now (after a login)."""
        self._wake.set()
