"""Roster: weekly shifts, overnight duty, leave and extra duty, service hours."""

from __future__ import annotations

from datetime import date, datetime, time

from server.roster import Roster, RosterChange, Shift

MONDAY_9 = datetime(2026, 11, 23, 9, 0)  # 2026-11-23 is a Monday


def test_weekly_shift_covers_its_window_only():
    roster = Roster(shifts={1: [Shift(0, time(8, 30), time(17, 30))]})
    assert roster.scheduled(1, MONDAY_9)
    assert not roster.scheduled(1, MONDAY_9.replace(hour=18))
    assert not roster.scheduled(1, MONDAY_9.replace(day=24))  # Tuesday


def test_overnight_shift_runs_into_the_next_morning():
    roster = Roster(shifts={2: [Shift(0, time(20, 0), time(8, 0))]})
    assert roster.scheduled(2, MONDAY_9.replace(hour=23))
    assert roster.scheduled(2, datetime(2026, 11, 24, 7, 59))
    assert not roster.scheduled(2, datetime(2026, 11, 24, 8, 0))


def test_leave_and_extra_duty_override_the_pattern():
    roster = Roster(
        shifts={1: [Shift(0, time(8, 30), time(17, 30))]},
        changes=[
            RosterChange(1, date(2026, 11, 23), on_duty=False),
            RosterChange(3, date(2026, 11, 23), on_duty=True, start=time(9), end=time(12)),
        ],
    )
    assert roster.rostered(MONDAY_9) == {3}


def test_service_hours_and_next_opening():
    roster = Roster(service_hours=[Shift(d, time(8, 30), time(17, 30)) for d in range(5)])
    assert roster.centre_open(MONDAY_9)
    saturday = datetime(2026, 11, 28, 10, 0)
    assert not roster.centre_open(saturday)
    assert roster.next_opening(saturday) == datetime(2026, 11, 30, 8, 30)
    assert Roster().centre_open(saturday)  # the default is 7x24
