"""The terminal's durable outbox: confirmed forms in SQLite (WAL, FULL sync, AES-GCM), sent at least once."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import os
import random
import sqlite3
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

import aiohttp

from content.forms.crypto import DataCipher, SealError, load_or_create_key_file
from content.forms.session import new_idempotency_key
from content.forms.tracking import display_tracking_number, new_tracking_number

log = logging.getLogger(__name__)
T = TypeVar("T")
KEY_FILE_NAME = "outbox.key"
DB_FILE_NAME = "outbox.sqlite3"
SUBMISSIONS_PATH = "/api/submissions"
STATUS_PATH = "/api/submissions/status"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    idempotency_key TEXT PRIMARY KEY,
    tracking_number TEXT NOT NULL,
    form_id TEXT NOT NULL,
    created_at REAL NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    payload BLOB NOT NULL
) WITHOUT ROWID
"""


class EntryState(StrEnum):
    """An outbox row's state; acknowledgement is not a state: the row is wiped."""

    PENDING = "pending"  # waiting to be delivered, retried until the server acknowledges
    REJECTED = "rejected"  # the server refused it for good (4xx): kept for staff, never dropped


TRANSITIONS: dict[EntryState, frozenset[EntryState]] = {
    EntryState.PENDING: frozenset({EntryState.REJECTED}),
    EntryState.REJECTED: frozenset({EntryState.PENDING}),  # staff may send it again after a fix
}


@dataclass(frozen=True)
class Receipt:
    """What the villager is shown once the submission is safely on disk."""

    tracking_number: str
    idempotency_key: str
    created_at: float

    @property
    def display(self) -> str:
        """The tracking number as printed large: ABCD-EFGH."""
        return display_tracking_number(self.tracking_number)


@dataclass(frozen=True)
class Entry:
    """An outbox row's metadata (no personal data)."""

    idempotency_key: str
    tracking_number: str
    form_id: str
    created_at: float
    state: EntryState
    attempts: int
    last_error: str | None


class Outbox:
    """Confirmed submissions on the terminal's disk until the server acknowledges them.

    Every method runs its SQLite work on one private thread, so the asyncio (Qt) loop never blocks.
    """

    def __init__(self, path: Path, cipher: DataCipher) -> None:
        self.path = path
        self._cipher = cipher
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="outbox")
        self._db: sqlite3.Connection | None = None
        self.changed = asyncio.Event()  # set whenever a row becomes pending (wakes the deliverer)
        self.generation = 0  # counts those moments, so a deliverer can tell a round covered them

    @classmethod
    async def open_in(cls, data_dir: Path, key: bytes | None = None) -> Outbox:
        """Open (creating if needed) the outbox in the terminal's data folder; key from outbox.key if None."""
        await asyncio.to_thread(data_dir.mkdir, mode=0o700, parents=True, exist_ok=True)
        if key is None:
            key = await asyncio.to_thread(load_or_create_key_file, data_dir / KEY_FILE_NAME)
        outbox = cls(data_dir / DB_FILE_NAME, DataCipher(key))
        await outbox._run(outbox._open)
        return outbox

    async def _run(self, fn: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn)

    def _open(self) -> None:
        if not self.path.exists():
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))  # -wal and -shm inherit 0600
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=10)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA secure_delete=ON")
        db.execute(_SCHEMA)
        self._db = db

    @property
    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            raise RuntimeError("the outbox is closed")
        return self._db

    async def close(self) -> None:
        """Close the database and the worker thread."""
        if self._db is not None:
            await self._run(self._conn.close)
            self._db = None
        self._executor.shutdown(wait=True)

    async def enqueue(self, submission: Mapping[str, Any]) -> Receipt:
        """Commit a confirmed submission durably; only then return the receipt to show."""
        key = new_idempotency_key()
        receipt = Receipt(new_tracking_number(), key, time.time())
        body = {**submission, "idempotency_key": key, "tracking_number": receipt.tracking_number}
        sealed = self._cipher.seal(json.dumps(body, ensure_ascii=False).encode(), key)

        def insert() -> None:
            with self._conn:  # BEGIN ... COMMIT; with synchronous=FULL the commit is on disk
                self._conn.execute("BEGIN IMMEDIATE")
                self._conn.execute(
                    "INSERT INTO outbox (idempotency_key, tracking_number, form_id, created_at, state,"
                    " payload) VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        key,
                        receipt.tracking_number,
                        str(body.get("form_id", "")),
                        receipt.created_at,
                        EntryState.PENDING.value,
                        sealed,
                    ),
                )

        await self._run(insert)
        self._mark_changed()
        return receipt

    def _mark_changed(self) -> None:
        self.generation += 1
        self.changed.set()

    async def entries(self, state: EntryState | None = None) -> list[Entry]:
        """Rows oldest first, optionally of one state."""

        def select() -> list[Entry]:
            query = "SELECT idempotency_key, tracking_number, form_id, created_at, state, attempts,"
            query += " last_error FROM outbox"
            query += (" WHERE state = ?" if state else "") + " ORDER BY created_at"
            rows = self._conn.execute(query, (state.value,) if state else ()).fetchall()
            return [Entry(r[0], r[1], r[2], r[3], EntryState(r[4]), r[5], r[6]) for r in rows]

        return await self._run(select)

    async def body(self, idempotency_key: str) -> bytes:
        """The decrypted JSON body to send for one row."""

        def select() -> bytes:
            row = self._conn.execute(
                "SELECT payload FROM outbox WHERE idempotency_key = ?", (idempotency_key,)
            ).fetchone()
            if row is None:
                raise KeyError(idempotency_key)
            return bytes(row[0])

        return self._cipher.open(await self._run(select), idempotency_key)

    async def acknowledge(self, idempotency_key: str) -> None:
        """The server has it: delete the row and wipe it from the file and the WAL."""

        def wipe() -> None:
            with self._conn:
                self._conn.execute("BEGIN IMMEDIATE")
                self._conn.execute("DELETE FROM outbox WHERE idempotency_key = ?", (idempotency_key,))
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # old page images leave the WAL
            free_pages = self._conn.execute("PRAGMA freelist_count").fetchone()[0]
            if free_pages > 64:
                self._conn.execute("VACUUM")
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

        await self._run(wipe)

    async def record_attempt(self, idempotency_key: str, error_code: str) -> None:
        """Count a failed delivery (an error code only, never personal data)."""
        await self._update(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE idempotency_key = ?",
            (error_code, idempotency_key),
        )

    async def set_state(self, idempotency_key: str, state: EntryState, error_code: str | None = None) -> None:
        """Move a row to another state (see TRANSITIONS)."""
        allowed = [s.value for s, targets in TRANSITIONS.items() if state in targets]
        marks = ",".join("?" * len(allowed))
        await self._update(
            f"UPDATE outbox SET state = ?, last_error = ? WHERE idempotency_key = ? AND state IN ({marks})",
            (state.value, error_code, idempotency_key, *allowed),
        )
        if state is EntryState.PENDING:
            self._mark_changed()

    async def _update(self, sql: str, params: tuple[Any, ...]) -> None:
        def update() -> None:
            with self._conn:
                self._conn.execute("BEGIN IMMEDIATE")
                self._conn.execute(sql, params)

        await self._run(update)


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with jitter between delivery rounds while the server cannot be reached."""

    initial_s: float = 1.0
    factor: float = 2.0
    max_s: float = 60.0

    def delay(self, failures: int) -> float:
        """How long to wait after this many failures in a row (jittered to 50-100%)."""
        base = min(self.max_s, self.initial_s * self.factor ** max(0, failures - 1))
        return base * random.uniform(0.5, 1.0)


class DeliveryOutcome(StrEnum):
    """What happened to one delivery attempt."""

    ACKNOWLEDGED = "acknowledged"
    RETRY = "retry"  # network down, server busy or restarting, token refused: try again later
    REJECTED = "rejected"  # the server said this submission can never be accepted


_RETRY_STATUSES = frozenset({401, 403, 408, 425, 429})


class Deliverer:
    """Sends pending submissions to the pool server, at least once, oldest first, until acknowledged.

    Attributes:
        failures: delivery rounds that failed in a row (0 while the server answers).
    """

    def __init__(
        self,
        outbox: Outbox,
        server_url: str,
        token: str,
        *,
        backoff: Backoff | None = None,
        request_timeout_s: float = 15.0,
    ) -> None:
        self.outbox = outbox
        self.url = server_url.rstrip("/") + SUBMISSIONS_PATH
        self._headers = {"Authorization": f"Bearer {token}"}
        self.backoff = backoff or Backoff()
        self._timeout = aiohttp.ClientTimeout(total=request_timeout_s)
        self.failures = 0
        self._drained_generation = -1  # the outbox generation the last complete round started from
        self._round_done = asyncio.Condition()

    async def deliver_one(self, session: aiohttp.ClientSession, entry: Entry) -> DeliveryOutcome:
        """Try one row once and record the result in the outbox."""
        try:
            body = await self.outbox.body(entry.idempotency_key)
        except (SealError, KeyError):  # sealed under a lost key, or gone meanwhile: never retry it blindly
            await self.outbox.set_state(entry.idempotency_key, EntryState.REJECTED, "cannot_decrypt")
            log.error("submission %s cannot be decrypted with this terminal's key", entry.tracking_number)
            return DeliveryOutcome.REJECTED
        try:
            async with session.post(
                self.url,
                data=io.BytesIO(body),  # photos can make it large: do not copy it on the loop
                headers={**self._headers, "Content-Type": "application/json"},
                timeout=self._timeout,
            ) as response:
                status = response.status
                reply = await response.json(content_type=None) if status < 500 else None
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            await self.outbox.record_attempt(entry.idempotency_key, type(exc).__name__)
            return DeliveryOutcome.RETRY
        if status in (200, 201):
            await self.outbox.acknowledge(entry.idempotency_key)
            log.info("submission %s acknowledged", entry.tracking_number)
            return DeliveryOutcome.ACKNOWLEDGED
        code = _error_code(reply) or f"http_{status}"
        if status >= 500 or status in _RETRY_STATUSES:
            await self.outbox.record_attempt(entry.idempotency_key, code)
            return DeliveryOutcome.RETRY
        await self.outbox.set_state(entry.idempotency_key, EntryState.REJECTED, code)
        log.warning("submission %s rejected by the server: %s", entry.tracking_number, code)
        return DeliveryOutcome.REJECTED

    async def deliver_pending(self, session: aiohttp.ClientSession) -> bool:
        """One round over the pending rows; False if it stopped because the server was unreachable."""
        for entry in await self.outbox.entries(EntryState.PENDING):
            if await self.deliver_one(session, entry) is DeliveryOutcome.RETRY:
                return False
        return True

    async def wait_drained(self) -> None:
        """Return once a round has delivered (or rejected) everything enqueued before this call."""
        await self.wait_until(lambda: self._drained_generation == self.outbox.generation)

    async def wait_until(self, predicate: Callable[[], bool]) -> None:
        """Return once `predicate()` holds, checked after each delivery round (status screens, tests)."""
        async with self._round_done:
            await self._round_done.wait_for(predicate)

    async def run(self) -> None:
        """Deliver forever: after each enqueue, and with backoff while the server cannot be reached."""
        async with aiohttp.ClientSession() as session:
            while True:
                generation = self.outbox.generation
                self.outbox.changed.clear()
                try:
                    delivered = await self.deliver_pending(session)
                except (sqlite3.Error, OSError) as exc:  # disk full, I/O error: keep trying, never give up
                    log.error("outbox error during delivery: %s", type(exc).__name__)
                    delivered = False
                if delivered:
                    self.failures = 0
                    async with self._round_done:
                        self._drained_generation = generation
                        self._round_done.notify_all()
                    await self.outbox.changed.wait()
                    continue
                self.failures += 1
                async with self._round_done:
                    self._round_done.notify_all()
                delay = self.backoff.delay(self.failures)
                log.info("server unreachable (%d rounds); next try in %.1f s", self.failures, delay)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.outbox.changed.wait(), timeout=delay)


def _error_code(reply: Any) -> str | None:
    if isinstance(reply, dict) and isinstance(reply.get("error"), dict):
        code = reply["error"].get("code")
        return str(code)[:40] if code else None
    return None


async def lookup_status(
    session: aiohttp.ClientSession, server_url: str, token: str, tracking_number: str, phone_last4: str
) -> tuple[int, dict[str, Any]]:
    """Ask the server for a submission's status: (HTTP status, JSON reply)."""
    async with session.post(
        server_url.rstrip("/") + STATUS_PATH,
        json={"tracking_number": tracking_number, "phone_last4": phone_last4},
        headers={"Authorization": f"Bearer {token}"},
    ) as response:
        reply = await response.json(content_type=None)
        return response.status, reply if isinstance(reply, dict) else {}
