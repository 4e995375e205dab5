"""RosterStore: lawyers' specialties, village advisers, weekly shifts and dated changes in the database.

The console reads and edits the roster only through this class, so it can later be pointed at the
pool's own roster tables without touching the pages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from aiohttp import web
from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from protocol.messages import Topic
from server import schema
from server.roster import Roster, RosterChange, Shift

roster_metadata = MetaData()

lawyer_specialties = Table(
    "console_lawyer_specialties",
    roster_metadata,
    Column("lawyer_id", Integer, primary_key=True),
    Column("topic", String(32), primary_key=True),
)

village_advisers = Table(
    "console_village_advisers",
    roster_metadata,
    Column("village", String(64), primary_key=True),  # 一村一法律顾问: one adviser per village
    Column("lawyer_id", Integer, nullable=False, index=True),
)

weekly_shifts = Table(
    "console_shifts",
    roster_metadata,
    Column("id", Integer, primary_key=True),
    Column("lawyer_id", Integer, nullable=False, index=True),
    Column("weekday", Integer, nullable=False),
    Column("start", String(5), nullable=False),  # "08:30"
    Column("end", String(5), nullable=False),
)

roster_changes = Table(
    "console_roster_changes",
    roster_metadata,
    Column("id", Integer, primary_key=True),
    Column("lawyer_id", Integer, nullable=False, index=True),
    Column("day", String(10), nullable=False),  # "2026-11-24"
    Column("on_duty", Boolean, nullable=False),
    Column("start", String(5), nullable=False),
    Column("end", String(5), nullable=False),
    Column("note", String(200), nullable=False, default=""),
)


@dataclass(frozen=True)
class StoredShift:
    """A weekly shift with its row id (to delete it)."""

    shift_id: int
    shift: Shift


@dataclass(frozen=True)
class StoredChange:
    """A dated roster change with its row id and a short note (e.g. 年假)."""

    change_id: int
    change: RosterChange
    note: str


@dataclass(frozen=True)
class LawyerRoster:
    """Everything the roster says about one lawyer."""

    lawyer_id: int
    username: str
    display_name: str
    law_firm: str
    specialties: frozenset[str]
    adviser_of: tuple[str, ...]
    shifts: tuple[StoredShift, ...]
    changes: tuple[StoredChange, ...]


ROSTER_STORE_KEY_NAME = "console_roster_store"


def parse_clock(text: str) -> time:
    """'08:30' -> time(8, 30); ValueError with a plain message otherwise."""
    try:
        hours, minutes = text.strip().split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise ValueError(f"时间格式不对：{text}（应为 08:30 这样）") from None


def _clock(t: time) -> str:
    return f"{t:%H:%M}"


class RosterStore:
    """The roster in the server's database, read and written with SQLAlchemy Core."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def create_schema(self) -> None:
        """Create the roster tables if missing."""
        async with self.engine.begin() as conn:
            await conn.run_sync(roster_metadata.create_all)

    async def lawyers(self) -> list[LawyerRoster]:
        """Every lawyer account with their roster, by name."""
        return await self._lawyers(None)

    async def lawyer(self, lawyer_id: int) -> LawyerRoster | None:
        """One lawyer's roster, if the lawyer exists."""
        found = await self._lawyers(lawyer_id)
        return found[0] if found else None

    async def _lawyers(self, only: int | None) -> list[LawyerRoster]:
        lw = schema.lawyers
        query = select(lw.c.id, lw.c.username, lw.c.display_name, lw.c.law_firm).order_by(
            lw.c.display_name, lw.c.id
        )
        if only is not None:
            query = query.where(lw.c.id == only)
        async with self.engine.connect() as conn:
            people = (await conn.execute(query)).all()
            specialties = (await conn.execute(select(lawyer_specialties))).all()
            advisers = (
                await conn.execute(select(village_advisers).order_by(village_advisers.c.village))
            ).all()
            shifts = (
                await conn.execute(
                    select(weekly_shifts).order_by(weekly_shifts.c.weekday, weekly_shifts.c.start)
                )
            ).all()
            changes = (
                await conn.execute(
                    select(roster_changes).order_by(roster_changes.c.day, roster_changes.c.start)
                )
            ).all()
        result = []
        for lawyer_id, username, display_name, law_firm in people:
            result.append(
                LawyerRoster(
                    lawyer_id=lawyer_id,
                    username=username,
                    display_name=display_name,
                    law_firm=law_firm,
                    specialties=frozenset(r.topic for r in specialties if r.lawyer_id == lawyer_id),
                    adviser_of=tuple(r.village for r in advisers if r.lawyer_id == lawyer_id),
                    shifts=tuple(
                        StoredShift(r.id, Shift(r.weekday, parse_clock(r.start), parse_clock(r.end)))
                        for r in shifts
                        if r.lawyer_id == lawyer_id
                    ),
                    changes=tuple(_stored_change(r) for r in changes if r.lawyer_id == lawyer_id),
                )
            )
        return result

    async def villages(self) -> list[str]:
        """Villages with a registered terminal or an adviser, sorted."""
        async with self.engine.connect() as conn:
            from_kiosks = (await conn.execute(select(schema.kiosks.c.village).distinct())).scalars().all()
            from_advisers = (await conn.execute(select(village_advisers.c.village))).scalars().all()
        return sorted(set(from_kiosks) | set(from_advisers))

    async def set_specialties(self, lawyer_id: int, topics: Iterable[str]) -> None:
        """Replace a lawyer's specialties; ValueError on an unknown topic."""
        wanted = sorted(set(topics))
        known = {t.value for t in Topic}
        if unknown := [t for t in wanted if t not in known]:
            raise ValueError(f"没有这个专长类别：{'、'.join(unknown)}")
        async with self.engine.begin() as conn:
            await conn.execute(delete(lawyer_specialties).where(lawyer_specialties.c.lawyer_id == lawyer_id))
            if wanted:
                await conn.execute(
                    insert(lawyer_specialties), [{"lawyer_id": lawyer_id, "topic": t} for t in wanted]
                )

    async def set_adviser_villages(self, lawyer_id: int, villages: Iterable[str]) -> None:
        """Make the lawyer the adviser of exactly these villages (taking them over from anyone else)."""
        wanted = sorted({v.strip() for v in villages if v.strip()})
        va = village_advisers
        async with self.engine.begin() as conn:
            await conn.execute(delete(va).where(va.c.lawyer_id == lawyer_id))
            if wanted:
                await conn.execute(delete(va).where(va.c.village.in_(wanted)))
                await conn.execute(insert(va), [{"village": v, "lawyer_id": lawyer_id} for v in wanted])

    async def add_shift(self, lawyer_id: int, shift: Shift) -> int:
        """Add a weekly shift; returns its id."""
        values = {
            "lawyer_id": lawyer_id,
            "weekday": shift.weekday,
            "start": _clock(shift.start),
            "end": _clock(shift.end),
        }
        async with self.engine.begin() as conn:
            result = await conn.execute(insert(weekly_shifts).values(**values))
        return _new_id(result.inserted_primary_key)

    async def remove_shift(self, lawyer_id: int, shift_id: int) -> None:
        """Delete one of this lawyer's weekly shifts."""
        ws = weekly_shifts
        async with self.engine.begin() as conn:
            await conn.execute(delete(ws).where(ws.c.id == shift_id, ws.c.lawyer_id == lawyer_id))

    async def add_change(self, change: RosterChange, note: str = "") -> int:
        """Add a dated change (leave or an extra duty window); returns its id."""
        if change.end <= change.start:
            raise ValueError("结束时间要晚于开始时间。")
        values = {
            "lawyer_id": change.lawyer_id,
            "day": change.day.isoformat(),
            "on_duty": change.on_duty,
            "start": _clock(change.start),
            "end": _clock(change.end),
            "note": note.strip()[:200],
        }
        async with self.engine.begin() as conn:
            result = await conn.execute(insert(roster_changes).values(**values))
        return _new_id(result.inserted_primary_key)

    async def remove_change(self, lawyer_id: int, change_id: int) -> None:
        """Delete one of this lawyer's dated changes."""
        rc = roster_changes
        async with self.engine.begin() as conn:
            await conn.execute(delete(rc).where(rc.c.id == change_id, rc.c.lawyer_id == lawyer_id))

    async def roster(self) -> Roster:
        """The whole roster as the pure model routing uses."""
        lawyers = await self.lawyers()
        return Roster(
            shifts={lw.lawyer_id: [s.shift for s in lw.shifts] for lw in lawyers if lw.shifts},
            changes=[c.change for lw in lawyers for c in lw.changes],
        )


def _stored_change(r: Any) -> StoredChange:
    change = RosterChange(
        lawyer_id=r.lawyer_id,
        day=date.fromisoformat(r.day),
        on_duty=bool(r.on_duty),
        start=parse_clock(r.start),
        end=parse_clock(r.end),
    )
    return StoredChange(r.id, change, r.note)


def _new_id(key: Any) -> int:
    if not key:
        raise RuntimeError("the database returned no id for the new row")
    return int(key[0])


ROSTER_STORE = web.AppKey(ROSTER_STORE_KEY_NAME, RosterStore)
