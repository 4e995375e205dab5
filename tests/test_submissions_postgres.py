"""The submission store on a real PostgreSQL: exactly once under concurrent replays, status changes."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from content.forms import CHINA_TZ, load_all_forms
from content.forms.crypto import DataCipher
from server.submissions import StatusChangeError, SubmissionStore, check_submission
from server.submissions_schema import SubmissionStatus
from tests.test_submissions_api import envelope

PG_BIN = Path("/usr/lib/postgresql/15/bin")
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not (PG_BIN / "initdb").exists(), reason="PostgreSQL 15 server is not installed"),
]
asyncpg = pytest.importorskip("asyncpg")


def as_nobody(*command: str) -> list[str]:
    return ["runuser", "-u", "nobody", "--", *command] if os.geteuid() == 0 else list(command)


def run_quietly(command: list[str], *, check: bool) -> None:
    # The started server keeps its output streams: never pipe them, or run() waits forever.
    subprocess.run(command, check=check, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """A private PostgreSQL on 127.0.0.1 (run as nobody: the server refuses root)."""
    base = Path(tempfile.mkdtemp(prefix="forms-pg-"))  # directly under /tmp: nobody can reach it
    if os.geteuid() == 0:
        shutil.chown(base, "nobody", "nogroup")
    data = base / "data"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    subprocess.run(
        as_nobody(str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "app", "--no-sync"),
        check=True,
        capture_output=True,
    )
    options = f"-k {base} -c listen_addresses=127.0.0.1 -p {port} -c fsync=off"
    pg_ctl = str(PG_BIN / "pg_ctl")
    start = [pg_ctl, "-D", str(data), "-l", str(base / "log"), "-o", options, "-w", "start"]
    run_quietly(as_nobody(*start), check=True)
    try:
        yield f"postgresql+asyncpg://app@127.0.0.1:{port}/postgres"
    finally:
        stop = [pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"]
        run_quietly(as_nobody(*stop), check=False)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
async def store(postgres_url: str) -> AsyncIterator[SubmissionStore]:
    engine = create_async_engine(postgres_url)
    store = SubmissionStore(engine, DataCipher(os.urandom(32)))
    await store.create_tables()
    yield store
    async with engine.begin() as conn:
        await conn.execute(text("DROP TABLE form_submission_events, form_submissions"))
    await engine.dispose()


async def test_concurrent_replays_store_exactly_once_on_postgres(store: SubmissionStore) -> None:
    now = datetime.now(UTC)
    body = envelope()
    checked = check_submission(json.dumps(body).encode(), load_all_forms(), now)
    results = await asyncio.gather(*(store.store("kiosk-1", checked, now) for _ in range(10)))
    assert sum(r.created for r in results) == 1
    assert {r.tracking_number for r in results} == {body["tracking_number"]}
    assert await store.count() == 1
    record = (await store.list())[0]
    assert record.values["name"] == "李秀英" and record.priority
    assert record.submitted_at.astimezone(CHINA_TZ).date() == datetime.now(CHINA_TZ).date()


async def test_status_changes_and_lookup_on_postgres(store: SubmissionStore) -> None:
    now = datetime.now(UTC)
    body = envelope()
    checked = check_submission(json.dumps(body).encode(), load_all_forms(), now)
    result = await store.store("kiosk-1", checked, now)
    await store.change_status(result.submission_id, SubmissionStatus.ACCEPTED, "clerk")
    await store.change_status(result.submission_id, SubmissionStatus.NEEDS_MATERIALS, "clerk", "带上工资条")
    view = await store.lookup(body["tracking_number"], "5678")
    assert view is not None and view.status is SubmissionStatus.NEEDS_MATERIALS and view.note == "带上工资条"
    assert await store.lookup(body["tracking_number"], "0000") is None
    with pytest.raises(StatusChangeError):
        await store.change_status(result.submission_id, SubmissionStatus.SUBMITTED, "clerk")
