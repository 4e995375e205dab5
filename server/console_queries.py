"""Read-only queries for the console: matters by filter, one matter, and figures per day and per lawyer.

SQL stays portable (plain SELECTs with joins and comparisons, no date functions); days are cut in the
centre's time zone and the figures are computed in Python, so SQLite and PostgreSQL give the same.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from protocol.messages import EndReason
from server import schema
from server.storage import Storage

CENTRE_TZ = ZoneInfo("Asia/Shanghai")
SATISFIED = 3  # the happiest of the kiosk's three faces (1 不满意, 2 一般, 3 满意)
ABANDONED_OUTCOMES = frozenset({EndReason.CANCELLED.value, EndReason.DISCONNECTED.value})


@dataclass(frozen=True)
class CallRow:
    """One call as the console shows it (times are Unix seconds)."""

    call_id: str
    kiosk_id: int
    kiosk_name: str
    village: str
    lawyer_id: int | None
    lawyer_name: str | None
    topic: str
    requested_at: float
    first_ring_at: float | None = None
    answered_at: float | None = None
    ended_at: float | None = None
    outcome: str | None = None
    ended_by: str | None = None
    rang: tuple[int, ...] = ()  # lawyers the call rang without being answered by them
    rating: int | None = None
    notes: str | None = None  # the lawyer's wrap-up notes (decrypted): personal data
    tracking_number: str | None = None
    priority: str = "normal"  # routing.Priority name

    @property
    def answered(self) -> bool:
        """Did a lawyer pick it up?"""
        return self.answered_at is not None

    @property
    def abandoned(self) -> bool:
        """The villager gave up (cancelled or dropped) before anyone answered."""
        return self.answered_at is None and self.outcome in ABANDONED_OUTCOMES

    @property
    def wait_s(self) -> float | None:
        """Seconds from the tap to a lawyer answering (answered calls only)."""
        return None if self.answered_at is None else self.answered_at - self.requested_at

    @property
    def talk_s(self) -> float | None:
        """Seconds from answer to hang-up (finished answered calls only)."""
        if self.answered_at is None or self.ended_at is None:
            return None
        return self.ended_at - self.answered_at


@dataclass(frozen=True)
class Figures:
    """Service figures over a set of calls; None where there is nothing to compute from."""

    calls: int
    answered: int
    abandoned: int
    answer_rate: float | None
    abandon_rate: float | None
    wait_median_s: float | None
    wait_p90_s: float | None
    talk_mean_s: float | None
    rated: int = 0
    satisfied_rate: float | None = None  # share of ratings that were 满意
    rating_mean: float | None = None


@dataclass(frozen=True)
class MatterFilter:
    """What the matters search asks for; None means any."""

    start: date | None = None  # first day, inclusive (centre time)
    end: date | None = None  # last day, inclusive
    kiosk_id: int | None = None
    lawyer_id: int | None = None
    topic: str | None = None
    outcome: str | None = None  # an EndReason value, or "ongoing"


@dataclass(frozen=True)
class LawyerFigures:
    """Figures of one lawyer: calls that rang them, how many they answered, and those calls' figures."""

    lawyer_id: int
    name: str
    rang: int
    answered: int
    answer_rate: float | None
    figures: Figures


@dataclass(frozen=True)
class MatterDetail:
    """One matter with everything recorded about it."""

    row: CallRow
    declined: list[dict[str, Any]] = field(default_factory=list)  # {"lawyer_id", "name", "reason"}
    stats: dict[str, Any] = field(default_factory=dict)


# ---- figures: pure functions -----------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-quantile (0..1) by linear interpolation between closest ranks; None for no values.

    The same definition as numpy's default and `statistics.quantiles(method="inclusive")`:
    the median of [10, 20, 30, 40] is 25 and its 90th percentile is 37.
    """
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def compute_figures(rows: Iterable[CallRow]) -> Figures:
    """Calls, 接通率 (answered/requested), wait median and p90, abandonment, talk time, satisfaction."""
    rows = list(rows)
    answered = [r for r in rows if r.answered]
    waits = [w for r in answered if (w := r.wait_s) is not None]
    talks = [t for r in answered if (t := r.talk_s) is not None]
    abandoned = sum(1 for r in rows if r.abandoned)
    ratings = [r.rating for r in rows if r.rating is not None]
    return Figures(
        calls=len(rows),
        answered=len(answered),
        abandoned=abandoned,
        answer_rate=_share(len(answered), len(rows)),
        abandon_rate=_share(abandoned, len(rows)),
        wait_median_s=percentile(waits, 0.5),
        wait_p90_s=percentile(waits, 0.9),
        talk_mean_s=sum(talks) / len(talks) if talks else None,
        rated=len(ratings),
        satisfied_rate=_share(sum(1 for v in ratings if v >= SATISFIED), len(ratings)),
        rating_mean=sum(ratings) / len(ratings) if ratings else None,
    )


def day_of(timestamp: float, tz: ZoneInfo = CENTRE_TZ) -> date:
    """The centre's calendar day of a moment."""
    return datetime.fromtimestamp(timestamp, tz).date()


def figures_by_day(rows: Iterable[CallRow], tz: ZoneInfo = CENTRE_TZ) -> list[tuple[date, Figures]]:
    """Figures for each day that had calls, oldest first (days by the time the call was requested)."""
    days: dict[date, list[CallRow]] = {}
    for row in rows:
        days.setdefault(day_of(row.requested_at, tz), []).append(row)
    return [(day, compute_figures(days[day])) for day in sorted(days)]


def figures_by_lawyer(rows: Iterable[CallRow], names: dict[int, str]) -> list[LawyerFigures]:
    """Per lawyer: calls that rang them, calls they answered (接通率 = answered/rang), and those figures."""
    rang: dict[int, int] = {}
    answered: dict[int, list[CallRow]] = {}
    for row in rows:
        ringing = set(row.rang)
        if row.lawyer_id is not None and row.answered:
            ringing.add(row.lawyer_id)
            answered.setdefault(row.lawyer_id, []).append(row)
        for lawyer_id in ringing:
            rang[lawyer_id] = rang.get(lawyer_id, 0) + 1
    result = []
    for lawyer_id in sorted(rang, key=lambda lid: (names.get(lid, ""), lid)):
        mine = answered.get(lawyer_id, [])
        result.append(
            LawyerFigures(
                lawyer_id=lawyer_id,
                name=names.get(lawyer_id, f"律师 {lawyer_id}"),
                rang=rang[lawyer_id],
                answered=len(mine),
                answer_rate=_share(len(mine), rang[lawyer_id]),
                figures=compute_figures(mine),
            )
        )
    return result


def day_bounds(start: date, end: date, tz: ZoneInfo = CENTRE_TZ) -> tuple[float, float]:
    """Unix seconds of the first day's 00:00 and of the day after the last day's 00:00, centre time."""
    first = datetime.combine(start, datetime.min.time(), tz)
    after = datetime.combine(end + timedelta(days=1), datetime.min.time(), tz)
    return first.timestamp(), after.timestamp()


# ---- queries ----------------------------------------------------------------------------------------


def _calls_query() -> Any:
    c, k, lw = schema.calls, schema.kiosks, schema.lawyers
    columns = [
        c.c.id,
        c.c.kiosk_id,
        k.c.name.label("kiosk_name"),
        k.c.village.label("kiosk_village"),
        c.c.village,
        c.c.lawyer_id,
        lw.c.display_name.label("lawyer_name"),
        c.c.topic,
        c.c.requested_at,
        c.c.first_ring_at,
        c.c.answered_at,
        c.c.ended_at,
        c.c.outcome,
        c.c.ended_by,
        c.c.declined_by,
        c.c.stats,
        c.c.rating,
        c.c.notes,
        c.c.tracking_number,
        c.c.priority,
    ]
    joined = c.outerjoin(k, k.c.id == c.c.kiosk_id).outerjoin(lw, lw.c.id == c.c.lawyer_id)
    return select(*columns).select_from(joined)


def _declined(row: Any) -> list[dict[str, Any]]:
    try:
        entries = json.loads(row.declined_by or "[]")
    except ValueError:
        return []
    return [e for e in entries if isinstance(e, dict) and isinstance(e.get("lawyer_id"), int)]


def _row(row: Any, decrypt: Callable[[str], str]) -> CallRow:
    m = row._mapping
    return CallRow(
        call_id=m["id"],
        kiosk_id=m["kiosk_id"],
        kiosk_name=m["kiosk_name"] or f"终端 {m['kiosk_id']}",
        village=m["village"] or m["kiosk_village"] or "",
        lawyer_id=m["lawyer_id"],
        lawyer_name=m["lawyer_name"],
        topic=m["topic"],
        requested_at=m["requested_at"],
        first_ring_at=m["first_ring_at"],
        answered_at=m["answered_at"],
        ended_at=m["ended_at"],
        outcome=m["outcome"],
        ended_by=m["ended_by"],
        rang=tuple(e["lawyer_id"] for e in _declined(row)),
        rating=m["rating"],
        notes=None if m["notes"] is None else decrypt(m["notes"]),
        tracking_number=m["tracking_number"],
        priority=m["priority"] or "normal",
    )


def _decrypter(storage: Storage) -> Callable[[str], str]:
    """Decrypts notes; asks for the storage's key only when there is something to decrypt."""

    def decrypt(token: str) -> str:
        return storage.cipher.decrypt(token)

    return decrypt


async def find_calls(
    storage: Storage, matter_filter: MatterFilter, limit: int | None = None, tz: ZoneInfo = CENTRE_TZ
) -> list[CallRow]:
    """Calls matching the filter, newest first (notes decrypted with the storage's key)."""
    query = _filtered(matter_filter, limit, tz)
    async with storage.engine.connect() as conn:
        rows = (await conn.execute(query)).all()
    return [_row(r, _decrypter(storage)) for r in rows]


async def find_calls_with_stats(
    storage: Storage, matter_filter: MatterFilter, tz: ZoneInfo = CENTRE_TZ
) -> list[tuple[CallRow, dict[str, Any]]]:
    """Calls matching the filter with their media stats, newest first (notes left out, not decrypted)."""
    async with storage.engine.connect() as conn:
        rows = (await conn.execute(_filtered(matter_filter, None, tz))).all()
    return [(_row(r, _no_notes), _stats(r)) for r in rows]


def _no_notes(token: str) -> str:
    return ""


def _stats(row: Any) -> dict[str, Any]:
    try:
        stats = json.loads(row.stats or "{}")
    except ValueError:
        return {}
    return stats if isinstance(stats, dict) else {}


def _filtered(matter_filter: MatterFilter, limit: int | None, tz: ZoneInfo) -> Any:
    """The calls query narrowed by the filter, newest first."""
    c = schema.calls
    query = _calls_query()
    f = matter_filter
    if f.start is not None or f.end is not None:
        low, high = day_bounds(f.start or date(1970, 1, 2), f.end or date(9999, 12, 30), tz)
        query = query.where(c.c.requested_at >= low, c.c.requested_at < high)
    if f.kiosk_id is not None:
        query = query.where(c.c.kiosk_id == f.kiosk_id)
    if f.lawyer_id is not None:
        query = query.where(c.c.lawyer_id == f.lawyer_id)
    if f.topic:
        query = query.where(c.c.topic == f.topic)
    if f.outcome == "ongoing":
        query = query.where(c.c.outcome.is_(None))
    elif f.outcome:
        query = query.where(c.c.outcome == f.outcome)
    query = query.order_by(c.c.requested_at.desc(), c.c.id)
    if limit is not None:
        query = query.limit(limit)
    return query


async def find_call(storage: Storage, call_id: str) -> MatterDetail | None:
    """One matter with who it rang and the media figures, if it exists."""
    async with storage.engine.connect() as conn:
        row = (await conn.execute(_calls_query().where(schema.calls.c.id == call_id))).first()
        if row is None:
            return None
        names = await _lawyer_names(conn)
    declined = [
        {"lawyer_id": e["lawyer_id"], "name": names.get(e["lawyer_id"], "?"), "reason": e.get("reason", "")}
        for e in _declined(row)
    ]
    return MatterDetail(_row(row, _decrypter(storage)), declined, _stats(row))


async def _lawyer_names(conn: Any) -> dict[int, str]:
    lw = schema.lawyers
    return {r.id: r.display_name for r in (await conn.execute(select(lw.c.id, lw.c.display_name))).all()}


async def lawyer_names(engine: AsyncEngine) -> dict[int, str]:
    """Every lawyer's id and display name."""
    async with engine.connect() as conn:
        return await _lawyer_names(conn)


async def kiosk_choices(engine: AsyncEngine) -> list[tuple[int, str, str]]:
    """Every terminal: (id, name, village), by village and name."""
    k = schema.kiosks
    query = select(k.c.id, k.c.name, k.c.village).order_by(k.c.village, k.c.name, k.c.id)
    async with engine.connect() as conn:
        return [(r.id, r.name, r.village) for r in (await conn.execute(query)).all()]
