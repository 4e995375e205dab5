"""Which lawyers a waiting call may ring now: tiers, strategies and call priority (pure functions)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import IntEnum

from config.settings import Strategy
from protocol.messages import Topic


class Tier(IntEnum):
    """Who a call is offered to, narrowest first; wider tiers open as the call waits."""

    ADVISER = 0  # the village's own legal adviser (一村一法律顾问)
    SPECIALIST = 1  # lawyers with the call's specialty
    POOL = 2  # every lawyer on duty


class Priority(IntEnum):
    """Higher goes first; within a priority, first come first served."""

    NORMAL = 0
    WAGE_CLAIM = 1  # 农民工欠薪: the green channel
    URGENT = 2  # flagged by community staff


@dataclass(frozen=True)
class RoutingRules:
    """How long a call waits for a narrower tier before the next one opens, and the strategy."""

    adviser_wait_s: float = 15.0
    specialist_wait_s: float = 30.0
    strategy: Strategy = Strategy.LONGEST_IDLE


@dataclass(frozen=True)
class Candidate:
    """An available lawyer as routing sees them.

    Attributes:
        lawyer_id: the lawyer.
        idle_since: when they became available (monotonic seconds); smaller = idle longer.
        last_offered: a counter of the last time they were offered a call (round robin).
        specialties: Topic values they take.
        adviser_of: villages they are the legal adviser of.
    """

    lawyer_id: int
    idle_since: float
    last_offered: int = 0
    specialties: frozenset[str] = field(default_factory=frozenset)
    adviser_of: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class WaitingCall:
    """A call as routing sees it."""

    call_id: str
    topic: str
    village: str
    requested_at: float
    priority: Priority = Priority.NORMAL


def call_priority(topic: str, migrant_worker: bool, urgent: bool) -> Priority:
    """The priority class of a call from what the kiosk told us."""
    if urgent:
        return Priority.URGENT
    if migrant_worker and topic == Topic.LABOUR_WAGES.value:
        return Priority.WAGE_CLAIM
    return Priority.NORMAL


def queue_order(calls: Iterable[WaitingCall]) -> list[WaitingCall]:
    """Calls in the order they are served: priority first, then who asked first."""
    return sorted(calls, key=lambda c: (-c.priority, c.requested_at, c.call_id))


def tier_of(candidate: Candidate, call: WaitingCall) -> Tier:
    """The narrowest tier a lawyer belongs to for this call."""
    if call.village and call.village in candidate.adviser_of:
        return Tier.ADVISER
    if call.topic != Topic.GENERAL.value and call.topic in candidate.specialties:
        return Tier.SPECIALIST
    return Tier.POOL


def open_tier(call: WaitingCall, on_duty: Sequence[Candidate], now: float, rules: RoutingRules) -> Tier:
    """The widest tier open to the call now.

    A tier with nobody on duty is skipped at once; otherwise the call waits for it its configured
    time (busy or not answering) before the next tier opens too.
    """
    waited = now - call.requested_at
    tiers_present = {tier_of(c, call) for c in on_duty}
    deadline = 0.0
    for tier, wait in ((Tier.ADVISER, rules.adviser_wait_s), (Tier.SPECIALIST, rules.specialist_wait_s)):
        if tier in tiers_present:
            deadline += wait
            if waited < deadline:
                return tier
    return Tier.POOL


def choose_lawyers(
    call: WaitingCall,
    available: Sequence[Candidate],
    on_duty: Sequence[Candidate],
    now: float,
    rules: RoutingRules,
    *,
    already_tried: frozenset[int] = frozenset(),
) -> list[int]:
    """Lawyers to ring for this call now: one (longest idle / round robin) or all (ring all)."""
    widest = open_tier(call, on_duty, now, rules)
    eligible = [c for c in available if c.lawyer_id not in already_tried and tier_of(c, call) <= widest]
    if not eligible:
        return []
    if rules.strategy is Strategy.RING_ALL:
        return [c.lawyer_id for c in sorted(eligible, key=lambda c: (tier_of(c, call), c.lawyer_id))]
    if rules.strategy is Strategy.ROUND_ROBIN:
        best = min(eligible, key=lambda c: (tier_of(c, call), c.last_offered, c.lawyer_id))
    else:
        best = min(eligible, key=lambda c: (tier_of(c, call), c.idle_since, c.lawyer_id))
    return [best.lawyer_id]


def estimated_wait_s(
    position: int, lawyers_on_duty: int, mean_handle_s: float, mean_answer_s: float
) -> float:
    """An honest estimate of the wait for the call at `position` (1 = next): Erlang-free, simple.

    With n lawyers each finishing a call every mean_handle_s, a call at position p waits about
    ceil(p / n) handle times, less the part of the current calls already done (half on average).
    """
    if lawyers_on_duty <= 0:
        return float("inf")
    rounds = -(-position // lawyers_on_duty)  # ceil
    return max(mean_answer_s, (rounds - 0.5) * mean_handle_s + mean_answer_s)
