"""The roster as the console shows and edits it, over the pool's roster storage; edits reach routing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import time

from aiohttp import web
from sqlalchemy import select

from server import schema
from server.roster import RosterChange, Shift
from server.storage import Storage
from server.storage_roster import StoredChange, StoredShift


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


def parse_clock(text: str) -> time:
    """'08:30' -> time(8, 30); ValueError with a plain message otherwise."""
    try:
        hours, minutes = text.strip().split(":")[:2]
        return time(int(hours), int(minutes))
    except ValueError:
        raise ValueError(f"时间格式不对：{text}（应为 08:30 这样）") from None


async def _nothing() -> None:
    return None


class ConsoleRoster:
    """Reads and edits of the roster for the console pages.

    Every edit goes through the pool's own storage (server.storage_roster) and then calls
    `after_change` (the hub's reload_roster), so routing uses the new roster for the next call.
    """

    def __init__(self, storage: Storage, after_change: Callable[[], Awaitable[None]] = _nothing) -> None:
        self.storage = storage
        self.after_change = after_change

    async def lawyers(self) -> list[LawyerRoster]:
        """Every lawyer account with their roster, by name."""
        return await self._lawyers(None)

    async def lawyer(self, lawyer_id: int) -> LawyerRoster | None:
        """One lawyer's roster, if the lawyer exists."""
        found = await self._lawyers(lawyer_id)
        return found[0] if found else None

    async def _lawyers(self, only: int | None) -> list[LawyerRoster]:
        lw = schema.lawyers
        query = select(lw.c.id, lw.c.username, lw.c.display_name, lw.c.law_firm)
        query = query.order_by(lw.c.display_name, lw.c.id)
        if only is not None:
            query = query.where(lw.c.id == only)
        async with self.storage.engine.connect() as conn:
            people = (await conn.execute(query)).all()
        specialties = await self.storage.specialties()
        advisers = await self.storage.advisers()
        shifts = await self.storage.shifts()
        changes = await self.storage.roster_changes()
        return [
            LawyerRoster(
                lawyer_id=lawyer_id,
                username=username,
                display_name=display_name,
                law_firm=law_firm,
                specialties=specialties.get(lawyer_id, frozenset()),
                adviser_of=tuple(sorted(v for v, adviser in advisers.items() if adviser == lawyer_id)),
                shifts=tuple(
                    sorted(
                        (s for s in shifts if s.lawyer_id == lawyer_id),
                        key=lambda s: (s.shift.weekday, s.shift.start),
                    )
                ),
                changes=tuple(c for c in changes if c.change.lawyer_id == lawyer_id),
            )
            for lawyer_id, username, display_name, law_firm in people
        ]

    async def villages(self) -> list[str]:
        """Villages with a registered terminal or an adviser, sorted."""
        async with self.storage.engine.connect() as conn:
            from_kiosks = (await conn.execute(select(schema.kiosks.c.village).distinct())).scalars().all()
        return sorted(set(from_kiosks) | set(await self.storage.advisers()))

    async def set_specialties(self, lawyer_id: int, topics: Iterable[str]) -> None:
        """Replace a lawyer's specialties; ValueError on an unknown topic."""
        await self.storage.set_specialties(lawyer_id, frozenset(topics))
        await self.after_change()

    async def set_adviser_villages(self, lawyer_id: int, villages: Iterable[str]) -> None:
        """Make the lawyer the adviser of exactly these villages (taking them over from anyone else)."""
        wanted = {v.strip() for v in villages if v.strip()}
        current = {v for v, adviser in (await self.storage.advisers()).items() if adviser == lawyer_id}
        for village in sorted(current - wanted):
            await self.storage.set_adviser(village, None)
        for village in sorted(wanted - current):
            await self.storage.set_adviser(village, lawyer_id)
        await self.after_change()

    async def add_shift(self, lawyer_id: int, shift: Shift) -> int:
        """Add a weekly shift; returns its id."""
        shift_id = await self.storage.add_shift(lawyer_id, shift)
        await self.after_change()
        return shift_id

    async def remove_shift(self, lawyer_id: int, shift_id: int) -> None:
        """Delete one of this lawyer's weekly shifts (another lawyer's id does nothing)."""
        if any(s.shift_id == shift_id for s in await self.storage.shifts(lawyer_id)):
            await self.storage.delete_shift(shift_id)
            await self.after_change()

    async def add_change(self, change: RosterChange) -> int:
        """Add a dated change (leave or an extra duty window); returns its id."""
        if change.end <= change.start:
            raise ValueError("结束时间要晚于开始时间。")
        change_id = await self.storage.add_roster_change(change)
        await self.after_change()
        return change_id

    async def remove_change(self, lawyer_id: int, change_id: int) -> None:
        """Delete one of this lawyer's dated changes (another lawyer's id does nothing)."""
        mine = [c for c in await self.storage.roster_changes() if c.change.lawyer_id == lawyer_id]
        if any(c.change_id == change_id for c in mine):
            await self.storage.delete_roster_change(change_id)
            await self.after_change()

    async def service_hours(self) -> list[Shift]:
        """The centre's service hours (7x24 when none are set)."""
        return await self.storage.service_hours()

    async def add_service_hours(self, window: Shift) -> None:
        """Open the centre in one more weekly window (the first window replaces 7x24)."""
        stored = await self.stored_service_hours()
        await self.storage.set_service_hours([*stored, window])
        await self.after_change()

    async def remove_service_hours(self, index: int) -> None:
        """Close one of the centre's windows (by its place in `service_hours`); none left means 7x24."""
        stored = await self.stored_service_hours()
        if 0 <= index < len(stored):
            del stored[index]
            await self.storage.set_service_hours(stored)
            await self.after_change()

    async def stored_service_hours(self) -> list[Shift]:
        """The windows actually stored (empty when the centre runs 7x24 by default)."""
        async with self.storage.engine.connect() as conn:
            count = len((await conn.execute(select(schema.service_hours.c.id))).all())
        return await self.storage.service_hours() if count else []


CONSOLE_ROSTER = web.AppKey("console_roster", ConsoleRoster)
