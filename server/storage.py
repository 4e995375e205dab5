"""The pool server's records: accounts, sessions, calls, roster, callbacks, behind one async repository."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, bindparam, delete, event, insert, inspect, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import CursorResult, make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from server import schema
from server.crypto import DataCipher
from server.pool_model import CallRecord
from server.storage_base import StaleWriterError
from server.storage_records import RecordsStore
from server.storage_roster import RosterStore

MIGRATIONS = Path(__file__).parent / "migrations"
FIRST_REVISION = "0001"  # what databases made by create_all before the migrations had
PG_POOL_SIZE = 10  # PostgreSQL connections each server keeps open
PG_POOL_OVERFLOW = 10  # ... and opens on top for a burst


@dataclass(frozen=True)
class LawyerAccount:
    """A lawyer as stored (the hash never leaves the server)."""

    lawyer_id: int
    username: str
    display_name: str
    law_firm: str
    password_hash: str


@dataclass(frozen=True)
class KioskAccount:
    """A registered village terminal."""

    kiosk_id: int
    name: str
    village: str


def prepare_sqlite_path(database_url: str) -> None:
    """For a file-backed SQLite URL, create the folder the database file goes in."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def upgrade_schema(connection: Connection, revision: str = "head") -> None:
    """Bring the database to a revision, the newest by default (one history for both engines)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    tables = inspect(connection)
    if tables.has_table("lawyers") and not tables.has_table("alembic_version"):
        command.stamp(config, FIRST_REVISION)  # made by create_all before migrations existed
    command.upgrade(config, revision)


class Storage(RosterStore, RecordsStore):
    """Async access to the server's database (SQLite by default, PostgreSQL by setting)."""

    def __init__(self, engine: AsyncEngine, cipher: DataCipher | None = None) -> None:
        self.engine = engine
        # Single reads on the hot paths (a thousand terminals signing in again after a node died)
        # need no transaction: on PostgreSQL they skip BEGIN and ROLLBACK, two round trips of three.
        postgresql = engine.dialect.name == "postgresql"
        self.reader = engine.execution_options(isolation_level="AUTOCOMMIT") if postgresql else engine
        self._cipher = cipher
        self._write_lock = asyncio.Lock() if engine.dialect.name == "sqlite" else None

    @classmethod
    def open(cls, database_url: str, cipher: DataCipher | None = None) -> Storage:
        """Connect to a database URL (no I/O until first use); SQLite's folder is created.

        Without a cipher, personal data (phones, notes) can be neither written nor read.
        """
        prepare_sqlite_path(database_url)
        if make_url(database_url).get_backend_name() == "postgresql":
            # Enough kept open for a reconnection storm: each connection opened past the pool is
            # closed again on return, and opening one costs both sides far more than a query.
            engine = create_async_engine(database_url, pool_size=PG_POOL_SIZE, max_overflow=PG_POOL_OVERFLOW)
        else:
            engine = create_async_engine(database_url)
        if engine.dialect.name == "sqlite":
            event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return cls(engine, cipher)

    async def migrate(self) -> None:
        """Run the Alembic migrations up to the newest revision."""
        async with self.writing() as conn:
            await conn.run_sync(upgrade_schema)

    async def create_schema(self) -> None:
        """Same as migrate (kept for callers from before the migrations)."""
        await self.migrate()

    async def close(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()

    # ---- lawyers and sessions --------------------------------------------------------------------

    async def add_lawyer(self, username: str, display_name: str, law_firm: str, password_hash: str) -> int:
        """Insert a lawyer; raises ValueError when the username is taken."""
        values = {
            "username": username,
            "display_name": display_name,
            "law_firm": law_firm,
            "password_hash": password_hash,
            "created_at": time.time(),
        }
        try:
            async with self.writing() as conn:
                result = await conn.execute(insert(schema.lawyers).values(**values))
        except IntegrityError:
            raise ValueError(f"用户名 {username} 已经存在") from None
        return _new_id(result)

    async def lawyer_by_username(self, username: str) -> LawyerAccount | None:
        """The lawyer with this username, if any."""
        return await self._lawyer_where(schema.lawyers.c.username == username)

    async def lawyer_by_id(self, lawyer_id: int) -> LawyerAccount | None:
        """The lawyer with this id, if any."""
        return await self._lawyer_where(schema.lawyers.c.id == lawyer_id)

    async def _lawyer_where(self, condition: Any) -> LawyerAccount | None:
        t = schema.lawyers
        query = select(t.c.id, t.c.username, t.c.display_name, t.c.law_firm, t.c.password_hash)
        async with self.reader.connect() as conn:
            row = (await conn.execute(query.where(condition))).first()
        return LawyerAccount(*row) if row else None

    async def list_lawyers(self) -> list[LawyerAccount]:
        """Every lawyer account, by id (the console's roster editor)."""
        t = schema.lawyers
        query = select(t.c.id, t.c.username, t.c.display_name, t.c.law_firm, t.c.password_hash)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query.order_by(t.c.id))).all()
        return [LawyerAccount(*row) for row in rows]

    async def list_kiosks(self) -> list[KioskAccount]:
        """Every registered terminal, by id."""
        t = schema.kiosks
        async with self.engine.connect() as conn:
            rows = (await conn.execute(select(t.c.id, t.c.name, t.c.village).order_by(t.c.id))).all()
        return [KioskAccount(*row) for row in rows]

    async def create_session(self, token_hash: str, lawyer_id: int, expires_at: float) -> None:
        """Remember a login token (hashed) until it expires."""
        values = {"token_hash": token_hash, "lawyer_id": lawyer_id, "expires_at": expires_at}
        async with self.writing() as conn:
            await conn.execute(insert(schema.sessions).values(**values))

    async def lawyer_by_session(self, token_hash: str, now: float) -> LawyerAccount | None:
        """The lawyer whose unexpired login token hashes to this, if any."""
        s = schema.sessions
        lawyer_id = select(s.c.lawyer_id).where(s.c.token_hash == token_hash, s.c.expires_at > now)
        return await self._lawyer_where(schema.lawyers.c.id == lawyer_id.scalar_subquery())

    async def delete_expired_sessions(self, now: float) -> int:
        """Forget expired login tokens; returns how many."""
        async with self.writing() as conn:
            result = await conn.execute(delete(schema.sessions).where(schema.sessions.c.expires_at <= now))
        return int(result.rowcount)

    # ---- kiosks ----------------------------------------------------------------------------------

    async def add_kiosk(self, name: str, village: str, token_hash: str) -> int:
        """Insert a terminal with its hashed token; raises ValueError if that token is in use."""
        values = {"name": name, "village": village, "token_hash": token_hash, "created_at": time.time()}
        try:
            async with self.writing() as conn:
                result = await conn.execute(insert(schema.kiosks).values(**values))
        except IntegrityError:
            raise ValueError("这个终端令牌已经被使用") from None
        return _new_id(result)

    async def kiosk_by_token_hash(self, token_hash: str) -> KioskAccount | None:
        """The terminal whose token hashes to this, if any."""
        t = schema.kiosks
        async with self.reader.connect() as conn:
            query = select(t.c.id, t.c.name, t.c.village).where(t.c.token_hash == token_hash)
            row = (await conn.execute(query)).first()
        return KioskAccount(*row) if row else None

    async def kiosks_by_token_hash(self) -> dict[str, KioskAccount]:
        """Every terminal, by its token's hash (server.kiosk_tokens keeps them in memory)."""
        t = schema.kiosks
        async with self.reader.connect() as conn:
            rows = (await conn.execute(select(t.c.token_hash, t.c.id, t.c.name, t.c.village))).all()
        return {row[0]: KioskAccount(*row[1:]) for row in rows}

    async def touch_kiosks(self, seen: dict[int, float]) -> None:
        """Note when terminals were last connected (terminal id -> time), in one transaction."""
        t = schema.kiosks
        statement = update(t).where(t.c.id == bindparam("kiosk")).values(last_seen_at=bindparam("seen"))
        async with self.writing() as conn:
            await conn.execute(statement, [{"kiosk": k, "seen": at} for k, at in seen.items()])

    async def kiosk_last_seen(self, kiosk_id: int) -> float | None:
        """When the terminal was last connected, as written (None: never)."""
        t = schema.kiosks
        async with self.engine.connect() as conn:
            return (await conn.execute(select(t.c.last_seen_at).where(t.c.id == kiosk_id))).scalar()

    # ---- calls -----------------------------------------------------------------------------------

    async def save_call(self, record: CallRecord, fence: tuple[str, int] | None = None) -> None:
        """Insert or update one call's record (see `save_calls`)."""
        await self.save_calls([record], fence)

    async def save_calls(self, records: Sequence[CallRecord], fence: tuple[str, int] | None = None) -> None:
        """Insert or update call records in one transaction; a call's last record in the list wins.

        With a fence (centre, token), a cluster owner's write: refused with StaleWriterError, and
        nothing written, when a newer owner of the centre has written (its token is higher)."""
        rows = [self._call_row(r) for r in {r.call_id: r for r in records}.values()]
        if not rows:
            return
        t = schema.calls
        # One statement, so two writers of the same call (a cluster owner and the node taking over)
        # never both insert: INSERT ... ON CONFLICT (id) DO UPDATE, on SQLite and PostgreSQL alike.
        dialect_insert = pg_insert if self.engine.dialect.name == "postgresql" else sqlite_insert
        upsert = dialect_insert(t)
        columns = [name for name in rows[0] if name != "id"]
        upsert = upsert.on_conflict_do_update(
            index_elements=[t.c.id], set_={name: upsert.excluded[name] for name in columns}
        )
        for attempt in range(2):
            try:
                async with self.writing() as conn:
                    if fence is not None:
                        await self._pass_fence(conn, *fence)
                    await conn.execute(upsert, rows)
                return
            except IntegrityError:
                # Two writers inserting the same new call at once: PostgreSQL may report the
                # tracking number's unique index before it sees the id conflict. Once more, the
                # other's row is there and this becomes the update.
                if attempt:
                    raise

    def _call_row(self, record: CallRecord) -> dict[str, Any]:
        """A call record as a row of the calls table (notes encrypted)."""
        return {
            "id": record.call_id,
            "kiosk_id": record.kiosk_id,
            "lawyer_id": record.lawyer_id,
            "topic": record.topic,
            "requested_at": record.requested_at,
            "first_ring_at": record.first_ring_at,
            "answered_at": record.answered_at,
            "ended_at": record.ended_at,
            "outcome": record.outcome,
            "ended_by": record.ended_by,
            "stats": json.dumps(record.stats, ensure_ascii=False),
            "declined_by": json.dumps(record.declined_by),
            "tracking_number": record.tracking_number or None,
            "village": record.village,
            "priority": record.priority,
            "notes": None if record.notes is None else self.cipher.encrypt(record.notes),
            "rating": record.rating,
        }

    async def _pass_fence(self, conn: AsyncConnection, centre: str, token: int) -> None:
        """Raise the centre's stored token to ours, or refuse when it is already higher (the row stays
        locked until the transaction ends, so two owners' writes take turns)."""
        f = schema.centre_fences
        dialect_insert = pg_insert if self.engine.dialect.name == "postgresql" else sqlite_insert
        insert_row = dialect_insert(f).values(centre=centre, token=token)
        claim = insert_row.on_conflict_do_update(
            index_elements=[f.c.centre], set_={"token": token}, where=f.c.token <= token
        ).returning(f.c.token)
        if (await conn.execute(claim)).first() is None:
            raise StaleWriterError(f"a newer owner of centre {centre} has written (our token {token})")

    async def get_call(self, call_id: str) -> CallRecord | None:
        """One call's record, if any."""
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(schema.calls).where(schema.calls.c.id == call_id))).first()
        return self._call_record(row._mapping) if row else None

    async def list_calls(self, limit: int = 100) -> list[CallRecord]:
        """The latest calls, newest first."""
        t = schema.calls
        async with self.engine.connect() as conn:
            rows = (await conn.execute(select(t).order_by(t.c.requested_at.desc()).limit(limit))).all()
        return [self._call_record(row._mapping) for row in rows]

    def _call_record(self, row: Any) -> CallRecord:
        notes = row["notes"]
        return CallRecord(
            call_id=row["id"],
            kiosk_id=row["kiosk_id"],
            lawyer_id=row["lawyer_id"],
            topic=row["topic"],
            requested_at=row["requested_at"],
            first_ring_at=row["first_ring_at"],
            answered_at=row["answered_at"],
            ended_at=row["ended_at"],
            outcome=row["outcome"],
            ended_by=row["ended_by"],
            stats=json.loads(row["stats"]),
            declined_by=json.loads(row["declined_by"]),
            tracking_number=row["tracking_number"] or "",
            village=row["village"],
            priority=row["priority"],
            notes=None if notes is None else self.cipher.decrypt(notes),
            rating=row["rating"],
        )


def _new_id(result: CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    if key is None:
        raise RuntimeError("the database returned no id for the new row")
    return int(key[0])
