"""Roster subcommands of `python -m server`: specialties, village advisers, shifts, changes, hours."""

from __future__ import annotations

import argparse
import sys
from datetime import date, time
from typing import Any

from protocol.messages import Topic
from server.roster import RosterChange, Shift
from server.storage import Storage

ROSTER_COMMANDS = (
    "set-specialties",
    "set-adviser",
    "add-shift",
    "remove-shift",
    "add-change",
    "remove-change",
    "set-hours",
    "show-roster",
)


def add_roster_commands(commands: Any) -> list[argparse.ArgumentParser]:
    """Add the roster subcommands to the server's parser; returns them."""
    topics = ", ".join(t.value for t in Topic)
    specialties = commands.add_parser("set-specialties", help="replace a lawyer's specialties")
    specialties.add_argument("--lawyer", required=True, help="username")
    specialties.add_argument("--topics", required=True, help=f"comma-separated, of: {topics}; '' for none")
    adviser = commands.add_parser("set-adviser", help="make a lawyer a village's legal adviser")
    adviser.add_argument("--village", required=True)
    adviser.add_argument("--lawyer", help="username; leave out to clear the village's adviser")
    shift = commands.add_parser("add-shift", help="add a weekly duty shift")
    shift.add_argument("--lawyer", required=True, help="username")
    shift.add_argument("--day", required=True, type=int, choices=range(7), help="0 = Monday .. 6 = Sunday")
    shift.add_argument("--from", dest="start", required=True, type=time.fromisoformat, help="HH:MM")
    shift.add_argument("--to", dest="end", required=True, type=time.fromisoformat, help="HH:MM")
    remove_shift = commands.add_parser("remove-shift", help="remove a weekly shift by its id")
    remove_shift.add_argument("--id", dest="row_id", required=True, type=int)
    change = commands.add_parser("add-change", help="a dated change: leave (--off) or extra duty (--on)")
    change.add_argument("--lawyer", required=True, help="username")
    change.add_argument("--date", required=True, type=date.fromisoformat, help="YYYY-MM-DD")
    change.add_argument("--on", dest="on_duty", action="store_true", help="extra duty (default: leave)")
    change.add_argument("--from", dest="start", type=time.fromisoformat, default=time(0, 0))
    change.add_argument("--to", dest="end", type=time.fromisoformat, default=time(23, 59, 59))
    remove_change = commands.add_parser("remove-change", help="remove a dated change by its id")
    remove_change.add_argument("--id", dest="row_id", required=True, type=int)
    hours = commands.add_parser("set-hours", help="the centre's service hours (none given: 7x24)")
    hours.add_argument(
        "--hours",
        action="append",
        default=[],
        help="DAYS HH:MM-HH:MM, e.g. '0-4 08:30-17:30' or '5 09:00-12:00'",
    )
    show = commands.add_parser("show-roster", help="print the roster")
    return [specialties, adviser, shift, remove_shift, change, remove_change, hours, show]


def parse_hours(text: str) -> list[Shift]:
    """'0-4 08:30-17:30' -> a shift for each weekday 0..4; ValueError with a plain message."""
    try:
        days, window = text.split()
        first, _, last = days.partition("-")
        start, end = (time.fromisoformat(part) for part in window.split("-"))
        return [Shift(day, start, end) for day in range(int(first), int(last or first) + 1)]
    except ValueError:
        raise ValueError(f"服务时间格式不对：{text!r}，应为 '0-4 08:30-17:30'") from None


async def _lawyer_id(storage: Storage, username: str) -> int:
    account = await storage.lawyer_by_username(username)
    if account is None:
        raise ValueError(f"没有用户名为 {username} 的律师")
    return account.lawyer_id


async def run_roster_command(storage: Storage, args: argparse.Namespace) -> int:
    """Carry out one roster subcommand; ValueError for bad input (the caller prints it)."""
    match args.command:
        case "set-specialties":
            topics = {t.strip() for t in args.topics.split(",") if t.strip()}
            await storage.set_specialties(await _lawyer_id(storage, args.lawyer), topics)
        case "set-adviser":
            lawyer_id = await _lawyer_id(storage, args.lawyer) if args.lawyer else None
            await storage.set_adviser(args.village, lawyer_id)
        case "add-shift":
            shift = Shift(args.day, args.start, args.end)
            print(f"shift {await storage.add_shift(await _lawyer_id(storage, args.lawyer), shift)} added")
        case "remove-shift":
            if not await storage.delete_shift(args.row_id):
                raise ValueError(f"没有编号为 {args.row_id} 的班次")
        case "add-change":
            lawyer_id = await _lawyer_id(storage, args.lawyer)
            change = RosterChange(lawyer_id, args.date, args.on_duty, args.start, args.end)
            print(f"change {await storage.add_roster_change(change)} added")
        case "remove-change":
            if not await storage.delete_roster_change(args.row_id):
                raise ValueError(f"没有编号为 {args.row_id} 的调整")
        case "set-hours":
            await storage.set_service_hours([s for text in args.hours for s in parse_hours(text)])
        case "show-roster":
            await _show(storage)
    return 0


async def _show(storage: Storage) -> None:
    out = sys.stdout
    out.write("服务时间: " + ", ".join(s.label() for s in await storage.service_hours()) + "\n")
    for lawyer_id, topics in sorted((await storage.specialties()).items()):
        out.write(f"律师 {lawyer_id} 专长: {', '.join(sorted(topics))}\n")
    for village, lawyer_id in sorted((await storage.advisers()).items()):
        out.write(f"{village} 法律顾问: 律师 {lawyer_id}\n")
    for stored in await storage.shifts():
        out.write(f"班次 {stored.shift_id}: 律师 {stored.lawyer_id} {stored.shift.label()}\n")
    for stored_change in await storage.roster_changes():
        c = stored_change.change
        kind = "加班" if c.on_duty else "请假"
        out.write(
            f"调整 {stored_change.change_id}: 律师 {c.lawyer_id} {c.day} {kind} "
            f"{c.start:%H:%M}-{c.end:%H:%M}\n"
        )
