"""Duty roster: weekly shifts per lawyer with dated exceptions, and the centre's service hours."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


@dataclass(frozen=True)
class Shift:
    """A weekly time window; end <= start means it runs past midnight into the next day."""

    weekday: int  # 0 = Monday
    start: time
    end: time

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0..6, got {self.weekday}")

    def covers(self, when: datetime) -> bool:
        """True when the moment falls inside this window."""
        t = when.time()
        if self.start < self.end:
            return when.weekday() == self.weekday and self.start <= t < self.end
        # overnight (or a whole day when start == end): today from start, tomorrow until end
        if when.weekday() == self.weekday and t >= self.start:
            return True
        return when.weekday() == (self.weekday + 1) % 7 and t < self.end

    def label(self) -> str:
        """How the console shows it: 周一 08:30-17:30."""
        return f"{WEEKDAYS_ZH[self.weekday]} {self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True)
class RosterChange:
    """A dated change to one lawyer's roster: off duty (leave) or an extra duty window."""

    lawyer_id: int
    day: date
    on_duty: bool
    start: time = time(0, 0)
    end: time = time(23, 59, 59)

    def covers(self, when: datetime) -> bool:
        """True when the moment falls inside this exception."""
        return when.date() == self.day and self.start <= when.time() <= self.end


ALL_DAY = [Shift(d, time(0, 0), time(0, 0)) for d in range(7)]  # 7x24 service


@dataclass
class Roster:
    """A centre's roster and service hours."""

    shifts: dict[int, list[Shift]] = field(default_factory=dict)
    changes: list[RosterChange] = field(default_factory=list)
    service_hours: list[Shift] = field(default_factory=lambda: list(ALL_DAY))

    def scheduled(self, lawyer_id: int, when: datetime) -> bool:
        """Is this lawyer rostered on duty at that moment (exceptions win over the weekly pattern)?"""
        for exc in self.changes:
            if exc.lawyer_id == lawyer_id and exc.covers(when):
                return exc.on_duty
        return any(shift.covers(when) for shift in self.shifts.get(lawyer_id, []))

    def rostered(self, when: datetime, lawyer_ids: Iterable[int] | None = None) -> set[int]:
        """Lawyers rostered at that moment."""
        ids = set(self.shifts) | {e.lawyer_id for e in self.changes}
        if lawyer_ids is not None:
            ids &= set(lawyer_ids)
        return {lid for lid in ids if self.scheduled(lid, when)}

    def centre_open(self, when: datetime) -> bool:
        """Is the centre taking video calls at that moment?"""
        return any(shift.covers(when) for shift in self.service_hours)

    def next_opening(self, when: datetime) -> datetime | None:
        """The next moment the centre opens (minute resolution, within a week), or None if never."""
        if self.centre_open(when):
            return when
        probe = when.replace(second=0, microsecond=0)
        for _ in range(7 * 24 * 60):
            probe += timedelta(minutes=1)
            if self.centre_open(probe):
                return probe
        return None
