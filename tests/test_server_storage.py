"""The storage suite, run against SQLite and a real PostgreSQL: migrations, records, roster, callbacks,
matters, figures, and personal data encrypted at rest."""

from __future__ import annotations

import asyncio
import itertools
import os
import stat
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import MetaData, select, text

from config.settings import StorageKind
from protocol.messages import (
    Accept,
    CallAccepted,
    CallbackRegistered,
    CallbackRequest,
    CallNotes,
    CallQueued,
    CallRequest,
    Hangup,
    Rating,
    Ring,
)
from server import schema
from server.app import open_storage
from server.console_auth import StaffAccounts, StaffRole, StaffUser
from server.console_queries import MatterFilter, figures_by_day, figures_by_lawyer, find_calls, lawyer_names
from server.crypto import DataCipher, DataKeyError
from server.pool_model import CallRecord
from server.roster import RosterChange, Shift
from server.storage import Storage, upgrade_schema
from server.storage_base import StaleWriterError
from tests.server_helpers import (
    fresh_postgres_database,
    running_server,
    server_settings,
)
from tools.pgserver import PostgresServer, PostgresUnavailableError

KEY = DataCipher(b"k" * 32)
_databases = itertools.count(1)


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    try:
        server = PostgresServer()
    except PostgresUnavailableError as exc:
        pytest.skip(f"PostgreSQL tests skipped: {exc}")
    server.start()
    yield server
    server.stop()


async def _fresh_postgres_url(server: PostgresServer) -> str:
    return await fresh_postgres_database(server.port, server.user, f"t{next(_databases)}")


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'pool.sqlite3'}"
    return await _fresh_postgres_url(request.getfixturevalue("postgres"))


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[Storage]:
    store = Storage.open(database_url, KEY)
    await store.migrate()
    yield store
    await store.close()


async def _kiosk_and_lawyer(storage: Storage) -> tuple[int, int]:
    kiosk_id = await storage.add_kiosk("一号终端", "红星村", "hash-1")
    lawyer_id = await storage.add_lawyer("wang", "王律师", "明理律师事务所", "argon-hash")
    return kiosk_id, lawyer_id


def _record(call_id: str, kiosk_id: int, lawyer_id: int | None, at: float, **changes) -> CallRecord:
    base = {
        "call_id": call_id,
        "kiosk_id": kiosk_id,
        "lawyer_id": lawyer_id,
        "topic": "labour_wages",
        "requested_at": at,
        "first_ring_at": at + 0.1,
        "answered_at": at + 4.0 if lawyer_id else None,
        "ended_at": at + 60.0,
        "outcome": "completed" if lawyer_id else "cancelled",
        "ended_by": "kiosk",
        "stats": {},
        "declined_by": [],
        "tracking_number": f"TN{call_id[-6:]:>06}",
        "village": "红星村",
        "priority": "wage_claim",
        "notes": None,
        "rating": None,
    }
    return CallRecord(**{**base, **changes})


async def test_migrating_twice_changes_nothing_and_makes_every_table(storage: Storage):
    await storage.migrate()
    async with storage.engine.connect() as conn:
        version = (await conn.execute(text("select version_num from alembic_version"))).scalar()
        for table in schema.metadata.sorted_tables:
            await conn.execute(select(table).limit(1))  # every table of the schema exists
    assert version == "0005"


async def test_a_database_made_before_the_migrations_is_upgraded_in_place(database_url: str):
    old = Storage.open(database_url, KEY)
    async with old.engine.begin() as conn:  # the foundation's four tables, without Alembic's mark
        await conn.run_sync(upgrade_schema, "0001")
        await conn.execute(text("drop table alembic_version"))
    kiosk_id = await old.add_kiosk("旧终端", "东村", "old-hash")
    await old.migrate()
    assert (await old.kiosk_by_token_hash("old-hash")) is not None
    await old.save_call(_record("call-000001", kiosk_id, None, 1000.0))
    assert (await old.get_call("call-000001")) is not None
    await old.close()


async def test_console_accounts_made_by_an_older_servers_create_all_survive_the_migration(database_url: str):
    old = Storage.open(database_url, KEY)
    async with old.engine.begin() as conn:  # revision 0002, then the console's tables as create_all made them
        await conn.run_sync(upgrade_schema, "0002")
        by_create_all = MetaData()
        schema.console_users.to_metadata(by_create_all)
        schema.console_sessions.to_metadata(by_create_all)
        await conn.run_sync(by_create_all.create_all)
    accounts = StaffAccounts(old.engine)
    user_id = await accounts.add_user("boss", "赵主任", StaffRole.MANAGER, "long-enough-1")
    await old.migrate()
    async with old.engine.connect() as conn:
        assert (await conn.execute(text("select version_num from alembic_version"))).scalar() == "0005"
    user = await accounts.authenticate("boss", "long-enough-1")
    assert isinstance(user, StaffUser) and user.user_id == user_id
    token, session = await accounts.open_session(user_id)
    assert await accounts.session(token) == session
    await old.close()


async def test_a_fresh_database_gets_the_console_accounts_from_the_migrations(storage: Storage):
    accounts = StaffAccounts(storage.engine)  # nothing but Storage.migrate made the tables
    user_id = await accounts.add_user("root", "管理员", StaffRole.ADMIN, "long-enough-2")
    token, _ = await accounts.open_session(user_id)
    assert (await accounts.session(token)) is not None


async def test_a_call_record_keeps_its_matter_and_its_notes_are_unreadable_at_rest(storage: Storage):
    kiosk_id, lawyer_id = await _kiosk_and_lawyer(storage)
    notes = "工资被拖欠三个月，建议申请劳动仲裁"
    record = _record("call-000001", kiosk_id, lawyer_id, 1000.0, notes=notes, rating=3)
    await storage.save_call(record)
    assert await storage.get_call("call-000001") == record
    async with storage.engine.connect() as conn:
        raw = (await conn.execute(select(schema.calls.c.notes))).scalar()
    assert raw and notes not in raw and "劳动" not in raw
    other_key = Storage(storage.engine, DataCipher(b"x" * 32))
    with pytest.raises(DataKeyError):
        await other_key.get_call("call-000001")


async def test_roster_entries_are_stored_edited_and_loaded_for_the_pool(storage: Storage):
    _, wang = await _kiosk_and_lawyer(storage)
    li = await storage.add_lawyer("li", "李律师", "公正律所", "argon-hash")
    await storage.set_specialties(wang, {"labour_wages", "traffic"})
    await storage.set_specialties(li, {"marriage_family"})
    await storage.set_specialties(li, {"land"})  # replaces
    with pytest.raises(ValueError, match="没有这些咨询类别"):
        await storage.set_specialties(li, {"astrology"})
    await storage.set_adviser("红星村", li)
    await storage.set_adviser("东村", wang)
    await storage.set_adviser("东村", None)
    monday = await storage.add_shift(wang, Shift(0, time(8, 30), time(17, 30)))
    await storage.add_shift(li, Shift(5, time(22, 0), time(6, 0)))
    leave = await storage.add_roster_change(RosterChange(wang, date(2026, 11, 30), on_duty=False))
    await storage.set_service_hours([Shift(d, time(8, 0), time(18, 0)) for d in range(6)])

    data = await storage.load_roster()
    assert data.specialties == {wang: frozenset({"labour_wages", "traffic"}), li: frozenset({"land"})}
    assert data.advisers == {"红星村": li}
    assert data.roster.scheduled(wang, datetime(2026, 11, 23, 9, 0))  # a Monday
    assert not data.roster.scheduled(wang, datetime(2026, 11, 30, 9, 0))  # on leave that Monday
    assert data.roster.scheduled(li, datetime(2026, 11, 29, 3, 0))  # Saturday night into Sunday
    assert not data.roster.centre_open(datetime(2026, 11, 29, 12, 0))  # closed on Sundays
    assert await storage.delete_shift(monday) and not await storage.delete_shift(monday)
    assert await storage.delete_roster_change(leave)
    assert [s.lawyer_id for s in await storage.shifts()] == [li]
    assert await storage.roster_changes() == []
    await storage.set_service_hours([])
    assert len(await storage.service_hours()) == 7  # none set: 7x24


async def test_callbacks_are_listed_until_done_and_phones_are_encrypted(storage: Storage):
    kiosk_id, lawyer_id = await _kiosk_and_lawyer(storage)
    first = await storage.add_callback(kiosk_id, "13812345678", "labour_wages", 1000.0)
    second = await storage.add_callback(kiosk_id, "037112345678", "land", 1001.0, call_id="call-1")
    assert len(first.tracking_number) == 8 and first.tracking_number != second.tracking_number
    opened = await storage.open_callbacks()
    assert [(c.phone, c.village, c.kiosk_name) for c in opened] == [
        ("13812345678", "红星村", "一号终端"),
        ("037112345678", "红星村", "一号终端"),
    ]
    async with storage.engine.connect() as conn:
        raw = [r[0] for r in (await conn.execute(select(schema.callbacks.c.phone))).all()]
    assert not any("1381234" in value for value in raw)
    assert await storage.complete_callback(first.callback_id, lawyer_id, "已回电，约好周五面谈", 2000.0)
    assert not await storage.complete_callback(first.callback_id, lawyer_id, "again", 2001.0)
    assert [c.callback_id for c in await storage.open_callbacks()] == [second.callback_id]
    done = await storage.callback(first.callback_id)
    assert done is not None and (done.done_by, done.notes) == (lawyer_id, "已回电，约好周五面谈")


async def test_matters_are_searched_by_number_place_lawyer_and_notes(storage: Storage):
    kiosk_id, lawyer_id = await _kiosk_and_lawyer(storage)
    await storage.save_call(_record("call-000001", kiosk_id, lawyer_id, 1000.0, notes="讨薪，建议仲裁"))
    await storage.save_call(_record("call-000002", kiosk_id, None, 2000.0, topic="traffic"))
    callback = await storage.add_callback(kiosk_id, "13812345678", "land", 3000.0)
    everything = await storage.search_matters()
    assert [(m.kind, m.tracking_number) for m in everything] == [
        ("callback", callback.tracking_number),
        ("call", "TN000002"),
        ("call", "TN000001"),
    ]
    assert [m.tracking_number for m in await storage.search_matters("仲裁")] == ["TN000001"]
    assert [m.tracking_number for m in await storage.search_matters("tn000002")] == ["TN000002"]
    assert len(await storage.search_matters("红星")) == 3
    assert [m.tracking_number for m in await storage.search_matters(topic="traffic")] == ["TN000002"]
    assert [m.tracking_number for m in await storage.search_matters(lawyer_id=lawyer_id)] == ["TN000001"]
    assert len(await storage.search_matters(since=1500.0, until=2500.0)) == 1


async def test_the_consoles_figures_per_day_and_per_lawyer_over_this_database(storage: Storage):
    """The one implementation of the figures (server.console_queries) over rows read from this backend."""
    kiosk_id, lawyer_id = await _kiosk_and_lawyer(storage)
    day = datetime(2026, 11, 24, 9, 0, tzinfo=UTC).timestamp()
    for n, wait in enumerate([2.0, 4.0, 6.0, 8.0, 30.0]):
        answered = _record(f"call-{n:06d}", kiosk_id, lawyer_id, day + n * 100, rating=3 - n % 2)
        await storage.save_call(_with_wait(answered, wait))
    await storage.save_call(_record("call-000009", kiosk_id, None, day + 900))  # gave up
    under_way = _record("call-000011", kiosk_id, None, day + 950, ended_at=None, outcome=None)
    await storage.save_call(under_way)  # still waiting: counted, neither answered nor abandoned
    await storage.save_call(_record("call-000010", kiosk_id, None, day + 86400, outcome="no_lawyer"))
    rows = await find_calls(storage, MatterFilter(), tz=ZoneInfo("UTC"))
    ((first_day, today), (second_day, tomorrow)) = figures_by_day(rows, ZoneInfo("UTC"))
    assert (first_day, today.calls, today.answered, today.abandoned) == (date(2026, 11, 24), 7, 5, 1)
    assert today.answer_rate == pytest.approx(5 / 7)
    assert today.wait_median_s == 6.0
    assert today.wait_p90_s == pytest.approx(21.2)  # interpolated between 8 and 30
    assert today.rated == 5 and today.rating_mean == pytest.approx(13 / 5)
    assert second_day == date(2026, 11, 25)
    assert (tomorrow.calls, tomorrow.answered, tomorrow.abandoned) == (1, 0, 0)
    (per_lawyer,) = figures_by_lawyer(rows, await lawyer_names(storage.engine))
    assert (per_lawyer.lawyer_id, per_lawyer.rang, per_lawyer.answered) == (lawyer_id, 5, 5)


def _with_wait(record: CallRecord, wait: float) -> CallRecord:
    from dataclasses import replace

    return replace(record, answered_at=record.requested_at + wait)


def test_the_data_key_file_is_made_once_readable_only_by_the_server(tmp_path: Path):
    first = DataCipher.from_settings("", tmp_path / "data")
    key_file = tmp_path / "data" / "data.key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    token = first.encrypt("13812345678")
    assert DataCipher.from_settings("", tmp_path / "data").decrypt(token) == "13812345678"
    with pytest.raises(DataKeyError):
        DataCipher.from_base64("not base64!")


async def test_the_whole_server_runs_on_postgresql_with_one_setting(postgres: PostgresServer, tmp_path: Path):
    url = await fresh_postgres_database(postgres.port, postgres.user, "whole_server")
    settings = server_settings(tmp_path, storage=StorageKind.POSTGRESQL, database_url=url)
    async with running_server(settings) as server:
        desk = await server.lawyer_on_duty("wang", "王律师", "明理律师事务所")
        kiosk = await server.kiosk("一号终端", "红星村")
        await kiosk.send(CallRequest(request_id="r1", topic="labour_wages"))
        call_id = (await kiosk.expect(CallQueued)).call_id
        await desk.expect(Ring)
        await desk.send(Accept(call_id))
        await kiosk.expect(CallAccepted)
        await desk.expect(CallAccepted)
        await kiosk.send(Hangup(call_id))
        await desk.expect(Hangup)
        await desk.send(CallNotes(call_id, "已解答"))
        await kiosk.send(Rating(call_id, 2))
        await kiosk.send(CallbackRequest("cb", "13812345678", "land"))
        await kiosk.expect(CallbackRegistered)
        await server.hub.records_flushed()
        await server.hub.background_done()
        record = await server.storage.get_call(call_id)
        assert record is not None and (record.outcome, record.notes, record.rating) == (
            "completed",
            "已解答",
            2,
        )
        assert server.storage.engine.dialect.name == "postgresql"


def test_a_storage_setting_that_does_not_match_the_url_stops_the_server_plainly(tmp_path: Path):
    settings = server_settings(tmp_path, storage=StorageKind.POSTGRESQL)  # URL still SQLite
    with pytest.raises(ValueError, match="postgresql"):
        open_storage(settings)


async def test_the_migrations_build_exactly_the_schema_the_code_uses(storage: Storage):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    def differences(sync_conn) -> list:
        return compare_metadata(MigrationContext.configure(sync_conn), schema.metadata)

    async with storage.engine.connect() as conn:
        assert await conn.run_sync(differences) == []


async def test_two_nodes_writing_the_same_new_call_at_once_leave_one_record_and_no_error(
    storage: Storage, database_url: str
):
    """A cluster owner and the node taking its centre over may both save a call: never a duplicate key."""
    kiosk_id, lawyer_id = await _kiosk_and_lawyer(storage)
    other_node = Storage.open(database_url, KEY)
    try:
        for n in range(20):
            call_id = f"call-{n:06d}"
            ringing = _record(
                call_id, kiosk_id, lawyer_id, 1000.0 + n, answered_at=None, ended_at=None, outcome=""
            )
            ended = _record(call_id, kiosk_id, lawyer_id, 1000.0 + n)
            await asyncio.gather(storage.save_call(ringing), other_node.save_call(ringing))
            await other_node.save_call(ended)
            stored = await storage.get_call(call_id)
            assert stored is not None and stored.outcome == "completed" and stored.ended_at == 1060.0 + n
        async with storage.engine.connect() as conn:
            assert (await conn.execute(text("select count(*) from calls"))).scalar() == 20
    finally:
        await other_node.close()


async def test_a_stale_cluster_owner_cannot_overwrite_a_record_written_by_its_successor(storage: Storage):
    kiosk_id = await storage.add_kiosk("一号终端", "东村", "fence-hash")
    ringing = _record("call-fenced", kiosk_id, None, 1000.0, outcome=None, ended_at=None)
    ended = _record("call-fenced", kiosk_id, None, 1000.0, outcome="no_answer", ended_at=1030.0)
    await storage.save_call(ringing, fence=("main", 1))
    await storage.save_call(ended, fence=("main", 2))  # the next owner ends the call
    with pytest.raises(StaleWriterError):  # the old owner, awake again, writes what it still held
        await storage.save_call(ringing, fence=("main", 1))
    stored = await storage.get_call("call-fenced")
    assert stored is not None and stored.outcome == "no_answer" and stored.ended_at == 1030.0
    await storage.save_call(ended, fence=("other-centre", 1))  # each centre has its own fence
    await storage.save_call(ended, fence=("main", 2))  # the same owner writes again: fine


async def test_records_written_together_keep_each_calls_last_and_a_stale_batch_writes_nothing(
    storage: Storage,
):
    kiosk_id, lawyer_id = await _kiosk_and_lawyer(storage)
    ringing = _record("call-a", kiosk_id, lawyer_id, 1000.0, answered_at=None, ended_at=None, outcome=None)
    ended = _record("call-a", kiosk_id, lawyer_id, 1000.0, notes="欠薪三个月")
    other = _record("call-b", kiosk_id, None, 2000.0)
    await storage.save_calls([ringing, other, ended], fence=("main", 2))  # one transaction, in order
    first, second = await storage.get_call("call-a"), await storage.get_call("call-b")
    assert first is not None and first.outcome == "completed" and first.notes == "欠薪三个月"
    assert second is not None and second.outcome == "cancelled"
    late = _record("call-c", kiosk_id, None, 3000.0)
    with pytest.raises(StaleWriterError):  # an old owner's batch: none of it is written
        await storage.save_calls([late, ringing], fence=("main", 1))
    assert await storage.get_call("call-c") is None
    stored = await storage.get_call("call-a")
    assert stored is not None and stored.outcome == "completed"
