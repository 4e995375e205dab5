"""Call-quality figures for the console: each call's link figures and summaries per day and per terminal.

A call's figures come from the CallStats both sides send at hang-up (stats["kiosk"]["quality"] and
stats["lawyer"]["quality"], see media.bandwidth.QualityLog). A call's link is as good as its worse side:
loss, RTT and jitter are the worse side's averages, the mode the worst either side reached, reconnections
the larger count. Pure functions; the rows come from server.console_queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from protocol.messages import EndReason, LinkMode
from server.console_queries import CENTRE_TZ, CallRow, day_of, percentile

SIDES = ("kiosk", "lawyer")
MODE_ORDER = (LinkMode.FULL.value, LinkMode.LOW.value, LinkMode.AUDIO_ONLY.value, LinkMode.CALLBACK.value)
LINK_ENDED = frozenset({EndReason.DISCONNECTED.value, EndReason.MEDIA_FAILED.value})
BAD_LOSS = 0.05  # a call losing more than 5% of its packets on average had a bad link
BAD_RTT_MS = 400.0  # or one whose round trips took longer than this on average
REPEATEDLY_BAD = 2  # a terminal with this many bad calls in the range needs a better link


@dataclass(frozen=True)
class SideQuality:
    """One side's figures of one call, as it reported them (None where it measured nothing)."""

    recv_kbps: float | None = None
    send_kbps: float | None = None
    loss_avg: float | None = None
    loss_max: float | None = None
    jitter_ms: float | None = None
    rtt_ms: float | None = None
    resolutions: tuple[str, ...] = ()
    mode_changes: int = 0
    worst_mode: str = LinkMode.FULL.value
    reconnections: int = 0
    redial_attempts: int = 0


@dataclass(frozen=True)
class CallQuality:
    """One answered call's link, the worse side counting."""

    sides: dict[str, SideQuality]  # "kiosk"/"lawyer" -> figures, only sides that reported
    loss: float | None
    rtt_ms: float | None
    jitter_ms: float | None
    worst_mode: str
    reconnections: int
    rejoins: int  # signaling drops the call survived
    link_ended: bool  # it ended because the link failed (redial gave up, a side never came back)

    @property
    def stepped_down(self) -> bool:
        """Did it drop to low resolution or worse?"""
        return _rank(self.worst_mode) >= _rank(LinkMode.LOW.value)

    @property
    def audio_only(self) -> bool:
        """Did it drop to audio only (or even to a callback offer)?"""
        return _rank(self.worst_mode) >= _rank(LinkMode.AUDIO_ONLY.value)

    @property
    def bad(self) -> bool:
        """A link the villagers would have noticed: high loss or delay, stepped down, or lost."""
        return (
            (self.loss is not None and self.loss > BAD_LOSS)
            or (self.rtt_ms is not None and self.rtt_ms > BAD_RTT_MS)
            or self.stepped_down
            or self.link_ended
        )


@dataclass(frozen=True)
class QualityFigures:
    """Quality over a set of calls; None where there is nothing to compute from."""

    calls: int  # answered calls with figures from at least one side
    loss_median: float | None
    loss_p90: float | None
    rtt_median_ms: float | None
    rtt_p90_ms: float | None
    stepped_down_share: float | None  # dropped to low or audio only
    audio_only_share: float | None
    reconnections_per_call: float | None
    link_ended: int  # calls that ended because the link failed
    bad_calls: int


@dataclass(frozen=True)
class TerminalQuality:
    """One terminal's calls' quality."""

    kiosk_id: int
    name: str
    village: str
    figures: QualityFigures

    @property
    def needs_better_link(self) -> bool:
        """Bad links again and again: the centre should look at this village's connection."""
        return self.figures.bad_calls >= REPEATEDLY_BAD


def _rank(mode: str) -> int:
    return MODE_ORDER.index(mode) if mode in MODE_ORDER else 0


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _count(value: Any) -> int:
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else 0


def side_quality(report: Mapping[str, Any]) -> SideQuality:
    """One side's CallStats "quality" summary, tolerant of missing or odd values."""
    resolutions = report.get("resolutions")
    mode = report.get("worst_mode")
    return SideQuality(
        recv_kbps=_number(report.get("recv_kbps_avg")),
        send_kbps=_number(report.get("send_kbps_avg")),
        loss_avg=_number(report.get("loss_avg")),
        loss_max=_number(report.get("loss_max")),
        jitter_ms=_number(report.get("jitter_ms_avg")),
        rtt_ms=_number(report.get("rtt_ms_avg")),
        resolutions=tuple(str(r) for r in resolutions) if isinstance(resolutions, list) else (),
        mode_changes=_count(report.get("mode_changes")),
        worst_mode=mode if isinstance(mode, str) and mode in MODE_ORDER else LinkMode.FULL.value,
        reconnections=_count(report.get("reconnections")),
        redial_attempts=_count(report.get("redial_attempts")),
    )


def _worst(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def call_quality(stats: Mapping[str, Any], outcome: str | None = None) -> CallQuality | None:
    """The call's link figures from its stored stats, or None when neither side reported any."""
    sides: dict[str, SideQuality] = {}
    for side in SIDES:
        report = stats.get(side)
        quality = report.get("quality") if isinstance(report, Mapping) else None
        if isinstance(quality, Mapping):
            sides[side] = side_quality(quality)
    if not sides:
        return None
    figures = list(sides.values())
    return CallQuality(
        sides=sides,
        loss=_worst(s.loss_avg for s in figures),
        rtt_ms=_worst(s.rtt_ms for s in figures),
        jitter_ms=_worst(s.jitter_ms for s in figures),
        worst_mode=max((s.worst_mode for s in figures), key=_rank),
        reconnections=max(s.reconnections for s in figures),
        rejoins=_count(stats.get("rejoins")),
        link_ended=outcome in LINK_ENDED,
    )


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def quality_figures(calls: Iterable[CallQuality]) -> QualityFigures:
    """Medians and 90th percentiles of loss and RTT, shares of stepped-down calls, reconnections."""
    calls = list(calls)
    losses = [c.loss for c in calls if c.loss is not None]
    rtts = [c.rtt_ms for c in calls if c.rtt_ms is not None]
    n = len(calls)
    return QualityFigures(
        calls=n,
        loss_median=percentile(losses, 0.5),
        loss_p90=percentile(losses, 0.9),
        rtt_median_ms=percentile(rtts, 0.5),
        rtt_p90_ms=percentile(rtts, 0.9),
        stepped_down_share=_share(sum(1 for c in calls if c.stepped_down), n),
        audio_only_share=_share(sum(1 for c in calls if c.audio_only), n),
        reconnections_per_call=sum(c.reconnections for c in calls) / n if n else None,
        link_ended=sum(1 for c in calls if c.link_ended),
        bad_calls=sum(1 for c in calls if c.bad),
    )


def measured(rows: Iterable[tuple[CallRow, Mapping[str, Any]]]) -> list[tuple[CallRow, CallQuality]]:
    """The answered calls among (row, stats) that have figures, with them."""
    result = []
    for row, stats in rows:
        quality = call_quality(stats, row.outcome) if row.answered else None
        if quality is not None:
            result.append((row, quality))
    return result


def quality_by_day(
    calls: Iterable[tuple[CallRow, CallQuality]], tz: ZoneInfo = CENTRE_TZ
) -> list[tuple[date, QualityFigures]]:
    """Figures per day (the day the call was requested, centre time), oldest first."""
    days: dict[date, list[CallQuality]] = {}
    for row, quality in calls:
        days.setdefault(day_of(row.requested_at, tz), []).append(quality)
    return [(day, quality_figures(days[day])) for day in sorted(days)]


def quality_by_terminal(calls: Iterable[tuple[CallRow, CallQuality]]) -> list[TerminalQuality]:
    """Figures per terminal, the worst links first: most bad calls, then highest share of them."""
    terminals: dict[int, list[tuple[CallRow, CallQuality]]] = {}
    for row, quality in calls:
        terminals.setdefault(row.kiosk_id, []).append((row, quality))
    result = []
    for kiosk_id, mine in terminals.items():
        first = mine[0][0]
        figures = quality_figures(q for _, q in mine)
        result.append(TerminalQuality(kiosk_id, first.kiosk_name, first.village, figures))
    return sorted(
        result,
        key=lambda t: (-t.figures.bad_calls, -(t.figures.bad_calls / t.figures.calls), t.village, t.name),
    )
