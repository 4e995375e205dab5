"""The terminal outbox: committed before the receipt, survives SIGKILL, sealed at rest, wiped after ack."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sqlite3
import stat
import sys
from datetime import datetime
from pathlib import Path

import pytest

from content.forms import CHINA_TZ, build_submission, load_form
from content.forms.crypto import DataCipher, DataKeyError, SealError
from content.forms.examples import EXAMPLE_ID_NUMBER, example_values
from kiosk.outbox import DB_FILE_NAME, KEY_FILE_NAME, EntryState, Outbox

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime.now(CHINA_TZ)

# A terminal that confirms forms as fast as it can and "tells the villager" (prints) each receipt.
CHILD = """
import asyncio, sys
from datetime import datetime
from pathlib import Path
from content.forms import CHINA_TZ, build_submission, load_form
from content.forms.examples import example_values
from kiosk.outbox import Outbox

async def main():
    outbox = await Outbox.open_in(Path(sys.argv[1]))
    spec = load_form("callback")
    now = datetime.now(CHINA_TZ)
    while True:
        body = build_submission(spec, example_values(spec, now.date()), None, None, now)
        receipt = await outbox.enqueue(body)
        print(receipt.idempotency_key, flush=True)

asyncio.run(main())
"""


def legal_aid_submission(**values: object) -> dict[str, object]:
    spec = load_form("legal_aid")
    return build_submission(spec, example_values(spec, NOW.date()) | values, None, None, NOW)


def raw_bytes(data_dir: Path) -> bytes:
    """Everything SQLite keeps on disk for the outbox: the database, its WAL and shared memory."""
    return b"".join(p.read_bytes() for p in sorted(data_dir.glob(DB_FILE_NAME + "*")))


async def test_every_receipt_shown_survives_sigkill_at_random_moments(tmp_path: Path) -> None:
    told: list[str] = []
    rng = random.Random(5)
    for _round in range(6):
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-c", CHILD, str(tmp_path), cwd=ROOT, stdout=asyncio.subprocess.PIPE
        )
        assert child.stdout is not None
        wanted = rng.randint(3, 40)
        for _ in range(wanted):  # let it commit a while, then kill it wherever it is (often inside a commit)
            told.append((await child.stdout.readline()).decode().strip())
        child.send_signal(signal.SIGKILL)
        told.extend(line.decode().strip() for line in (await child.stdout.read()).splitlines())
        assert await child.wait() == -signal.SIGKILL
    outbox = await Outbox.open_in(tmp_path)
    try:
        stored = {entry.idempotency_key for entry in await outbox.entries()}
        assert set(told) <= stored  # nothing the villager was told about is missing
        assert len(stored) - len(told) <= 6  # at most one committed-but-not-yet-told per kill
        for key in told:
            assert b"13912345678" in await outbox.body(key)  # each opens whole
    finally:
        await outbox.close()
    check = sqlite3.connect(tmp_path / DB_FILE_NAME)
    assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert check.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    check.close()


async def test_enqueue_returns_only_after_the_row_is_on_disk(tmp_path: Path) -> None:
    outbox = await Outbox.open_in(tmp_path)
    receipt = await outbox.enqueue(legal_aid_submission())
    # A second, independent connection (another process would see the same) finds it committed.
    other = sqlite3.connect(tmp_path / DB_FILE_NAME)
    row = other.execute(
        "SELECT tracking_number, state FROM outbox WHERE idempotency_key = ?", (receipt.idempotency_key,)
    ).fetchone()
    other.close()
    assert row == (receipt.tracking_number, EntryState.PENDING.value)
    assert len(receipt.display) == 9 and receipt.display[4] == "-"
    await outbox.close()


async def test_personal_data_is_encrypted_on_the_terminals_disk(tmp_path: Path) -> None:
    outbox = await Outbox.open_in(tmp_path)
    facts = "二〇二六年在青山镇工地干活被拖欠工资五个月未付。"
    receipt = await outbox.enqueue(legal_aid_submission(name="欧阳秀英", facts=facts))
    raw = raw_bytes(tmp_path)
    for secret in ("欧阳秀英", EXAMPLE_ID_NUMBER, "13912345678", "拖欠工资五个月"):
        assert secret.encode() not in raw, secret
    assert "欧阳秀英".encode() in await outbox.body(receipt.idempotency_key)
    await outbox.close()


async def test_a_row_is_wiped_from_the_file_once_acknowledged(tmp_path: Path) -> None:
    outbox = await Outbox.open_in(tmp_path)
    receipt = await outbox.enqueue(legal_aid_submission())
    sealed = sqlite3.connect(tmp_path / DB_FILE_NAME).execute("SELECT payload FROM outbox").fetchone()[0]
    assert sealed[20:60] in raw_bytes(tmp_path)
    await outbox.acknowledge(receipt.idempotency_key)
    assert await outbox.entries() == []
    raw = raw_bytes(tmp_path)
    assert sealed[20:60] not in raw  # the ciphertext is zeroed, not just unlinked
    assert receipt.tracking_number.encode() not in raw
    wal = tmp_path / (DB_FILE_NAME + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    await outbox.close()


async def test_rejected_rows_are_kept_for_staff_and_can_be_sent_again(tmp_path: Path) -> None:
    outbox = await Outbox.open_in(tmp_path)
    receipt = await outbox.enqueue(legal_aid_submission())
    await outbox.set_state(receipt.idempotency_key, EntryState.REJECTED, "invalid_fields")
    (entry,) = await outbox.entries()
    assert entry.state is EntryState.REJECTED and entry.last_error == "invalid_fields"
    assert await outbox.entries(EntryState.PENDING) == []
    await outbox.set_state(receipt.idempotency_key, EntryState.PENDING)
    assert [e.idempotency_key for e in await outbox.entries(EntryState.PENDING)] == [receipt.idempotency_key]
    await outbox.close()


async def test_the_key_file_is_private_and_a_shared_one_is_refused(tmp_path: Path) -> None:
    outbox = await Outbox.open_in(tmp_path / "data")
    await outbox.close()
    key_file = tmp_path / "data" / KEY_FILE_NAME
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "data" / DB_FILE_NAME).stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700
    os.chmod(key_file, 0o644)
    with pytest.raises(DataKeyError, match="chmod 600"):
        await Outbox.open_in(tmp_path / "data")


async def test_rows_cannot_be_read_with_another_key_or_moved_between_rows(tmp_path: Path) -> None:
    key = os.urandom(32)
    outbox = await Outbox.open_in(tmp_path, key=key)
    first = await outbox.enqueue(legal_aid_submission())
    second = await outbox.enqueue(legal_aid_submission())
    await outbox.close()
    db = sqlite3.connect(tmp_path / DB_FILE_NAME)
    query = "SELECT payload FROM outbox WHERE idempotency_key = ?"
    sealed = db.execute(query, (first.idempotency_key,)).fetchone()[0]
    db.close()
    with pytest.raises(SealError):
        DataCipher(os.urandom(32)).open(sealed, first.idempotency_key)
    with pytest.raises(SealError):
        DataCipher(key).open(sealed, second.idempotency_key)
    assert DataCipher(key).open(sealed, first.idempotency_key)
