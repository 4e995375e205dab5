"""Roster storage: lawyers' specialties, village advisers, weekly shifts, dated changes, service hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import delete, insert, select

from protocol.messages import Topic
from server import schema
from server.roster import ALL_DAY, Roster, RosterChange, Shift
from server.storage_base import StoreBase

TOPICS = frozenset(Topic.__members__.values())


@dataclass(frozen=True)
class RosterData:
    """Everything the pool needs to route: the roster, specialties and village advisers."""

    roster: Roster
    specialties: dict[int, frozenset[str]]
    advisers: dict[str, int]  # village -> lawyer id


@dataclass(frozen=True)
class StoredShift:
    """A weekly shift with its row id (for deleting it)."""

    shift_id: int
    lawyer_id: int
    shift: Shift


@dataclass(frozen=True)
class StoredChange:
    """A dated roster change with its row id."""

    change_id: int
    change: RosterChange


def _hms(value: time) -> str:
    return value.strftime("%H:%M:%S")


def _time(text: str) -> time:
    return time.fromisoformat(text)


class RosterStore(StoreBase):
    """Roster reads and edits (the CLI and the admin console use these)."""

    async def set_specialties(self, lawyer_id: int, topics: set[str] | frozenset[str]) -> None:
        """Replace a lawyer's specialties; ValueError on a topic that does not exist."""
        unknown = set(topics) - TOPICS
        if unknown:
            raise ValueError(f"没有这些咨询类别：{'、'.join(sorted(unknown))}")
        t = schema.lawyer_specialties
        async with self.writing() as conn:
            await conn.execute(delete(t).where(t.c.lawyer_id == lawyer_id))
            if topics:
                await conn.execute(insert(t), [{"lawyer_id": lawyer_id, "topic": x} for x in sorted(topics)])

    async def specialties(self) -> dict[int, frozenset[str]]:
        """lawyer id -> their specialties."""
        t = schema.lawyer_specialties
        async with self.engine.connect() as conn:
            rows = (await conn.execute(select(t.c.lawyer_id, t.c.topic))).all()
        found: dict[int, set[str]] = {}
        for lawyer_id, topic in rows:
            found.setdefault(lawyer_id, set()).add(topic)
        return {lawyer_id: frozenset(topics) for lawyer_id, topics in found.items()}

    async def set_adviser(self, village: str, lawyer_id: int | None) -> None:
        """Make a lawyer the village's legal adviser (None: the village has none)."""
        if not village.strip():
            raise ValueError("村名不能为空")
        t = schema.village_advisers
        async with self.writing() as conn:
            await conn.execute(delete(t).where(t.c.village == village))
            if lawyer_id is not None:
                await conn.execute(insert(t).values(village=village, lawyer_id=lawyer_id))

    async def advisers(self) -> dict[str, int]:
        """village -> its adviser's lawyer id."""
        t = schema.village_advisers
        async with self.engine.connect() as conn:
            rows = (await conn.execute(select(t.c.village, t.c.lawyer_id))).all()
        return {village: lawyer_id for village, lawyer_id in rows}

    async def add_shift(self, lawyer_id: int, shift: Shift) -> int:
        """Add a weekly shift; returns its id."""
        values = {"lawyer_id": lawyer_id, "weekday": shift.weekday}
        async with self.writing() as conn:
            result = await conn.execute(
                insert(schema.shifts).values(**values, start=_hms(shift.start), end=_hms(shift.end))
            )
        key = result.inserted_primary_key
        return int(key[0]) if key else 0

    async def delete_shift(self, shift_id: int) -> bool:
        """Remove a weekly shift; False when there was none."""
        async with self.writing() as conn:
            result = await conn.execute(delete(schema.shifts).where(schema.shifts.c.id == shift_id))
        return bool(result.rowcount)

    async def shifts(self, lawyer_id: int | None = None) -> list[StoredShift]:
        """Weekly shifts (of one lawyer, or all), by lawyer, day and start."""
        t = schema.shifts
        query = select(t).order_by(t.c.lawyer_id, t.c.weekday, t.c.start)
        if lawyer_id is not None:
            query = query.where(t.c.lawyer_id == lawyer_id)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [
            StoredShift(
                r.id, r.lawyer_id, Shift(r.weekday, time.fromisoformat(r.start), time.fromisoformat(r.end))
            )
            for r in rows
        ]

    async def add_roster_change(self, change: RosterChange) -> int:
        """Add a dated change (leave, or an extra duty window); returns its id."""
        values = {
            "lawyer_id": change.lawyer_id,
            "day": change.day.isoformat(),
            "on_duty": change.on_duty,
            "start": _hms(change.start),
            "end": _hms(change.end),
        }
        async with self.writing() as conn:
            result = await conn.execute(insert(schema.roster_changes).values(**values))
        key = result.inserted_primary_key
        return int(key[0]) if key else 0

    async def delete_roster_change(self, change_id: int) -> bool:
        """Remove a dated change; False when there was none."""
        t = schema.roster_changes
        async with self.writing() as conn:
            result = await conn.execute(delete(t).where(t.c.id == change_id))
        return bool(result.rowcount)

    async def roster_changes(self, since: date | None = None) -> list[StoredChange]:
        """Dated changes (from a day on, or all), by day."""
        t = schema.roster_changes
        query = select(t).order_by(t.c.day, t.c.lawyer_id)
        if since is not None:
            query = query.where(t.c.day >= since.isoformat())
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [
            StoredChange(
                r.id,
                RosterChange(
                    r.lawyer_id,
                    date.fromisoformat(r.day),
                    bool(r.on_duty),
                    time.fromisoformat(r.start),
                    time.fromisoformat(r.end),
                ),
            )
            for r in rows
        ]

    async def set_service_hours(self, hours: list[Shift]) -> None:
        """Replace the centre's service hours (an empty list means 7x24)."""
        rows = [{"weekday": h.weekday, "start": _hms(h.start), "end": _hms(h.end)} for h in hours]
        async with self.writing() as conn:
            await conn.execute(delete(schema.service_hours))
            if rows:
                await conn.execute(insert(schema.service_hours), rows)

    async def service_hours(self) -> list[Shift]:
        """The centre's service hours; 7x24 when none are set."""
        t = schema.service_hours
        async with self.engine.connect() as conn:
            rows = (await conn.execute(select(t).order_by(t.c.weekday, t.c.start))).all()
        if not rows:
            return list(ALL_DAY)
        return [Shift(r.weekday, time.fromisoformat(r.start), time.fromisoformat(r.end)) for r in rows]

    async def load_roster(self) -> RosterData:
        """The whole roster as the pool takes it."""
        shifts: dict[int, list[Shift]] = {}
        for stored in await self.shifts():
            shifts.setdefault(stored.lawyer_id, []).append(stored.shift)
        changes = [stored.change for stored in await self.roster_changes()]
        roster = Roster(shifts=shifts, changes=changes, service_hours=await self.service_hours())
        return RosterData(roster, await self.specialties(), await self.advisers())
