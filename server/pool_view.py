"""A read-only picture of the pool for the admin console's live view (no personal data in it)."""

from __future__ import annotations

from dataclasses import dataclass

from server.pool import Pool
from server.pool_model import CallState, LawyerState


@dataclass(frozen=True)
class LawyerView:
    """One connected lawyer as the console shows them."""

    lawyer_id: int
    display_name: str
    state: str  # pool_model.LawyerState value
    on_duty: bool
    call_id: str | None
    idle_s: float | None  # seconds since they became free, when available


@dataclass(frozen=True)
class WaitingView:
    """One call not yet answered."""

    call_id: str
    tracking_number: str
    position: int
    topic: str
    village: str
    kiosk_name: str
    priority: str
    state: str  # waiting | ringing
    waited_s: float
    ringing: tuple[int, ...]
    caller_away: bool  # the kiosk dropped; its place is held


@dataclass(frozen=True)
class PoolView:
    """Lawyers, the queue and terminals online, at one moment."""

    lawyers: list[LawyerView]
    waiting: list[WaitingView]
    in_call: int
    kiosks_online: int
    centre_open: bool


def live_view(pool: Pool, now: float) -> PoolView:
    """What the console's live page shows now."""
    lawyers = [
        LawyerView(
            lw.lawyer_id,
            lw.display_name,
            lw.state.value,
            lw.on_duty,
            lw.call_id,
            now - lw.idle_since if lw.state is LawyerState.AVAILABLE else None,
        )
        for lw in sorted(pool.lawyers.values(), key=lambda lw: lw.lawyer_id)
    ]
    waiting = [
        WaitingView(
            call.call_id,
            call.tracking_number,
            position,
            call.topic,
            call.village,
            pool.kiosks[call.kiosk_id].name,
            call.priority.name.lower(),
            call.state.value,
            now - call.requested_at,
            tuple(sorted(call.ringing)),
            call.held_until is not None,
        )
        for position, call in enumerate(pool.waiting_calls(), start=1)
    ]
    in_call = sum(1 for call in pool.calls.values() if call.state is CallState.CONNECTED)
    online = sum(1 for kiosk in pool.kiosks.values() if kiosk.online)
    return PoolView(lawyers, waiting, in_call, online, pool.centre_open(now))
