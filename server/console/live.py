"""The live view's data: lawyers' states, the waiting queue and terminals online, read from the hub."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from server.console.labels import PRIORITY_LABELS, state_label, topic_label
from server.console_queries import CENTRE_TZ, MatterFilter, compute_figures, find_calls, lawyer_names
from server.hub import Hub

NOT_CONNECTED = "not_connected"
NOT_CONNECTED_LABEL = "未上线"


def _rostered(hub: Hub, lawyer_id: int, when: datetime) -> str:
    """What the roster says about this lawyer now, in words."""
    roster = hub.pool.roster
    if lawyer_id not in roster.shifts and all(c.lawyer_id != lawyer_id for c in roster.changes):
        return "未排班"
    return "应在班" if roster.scheduled(lawyer_id, when) else "不在班"


def _lawyers(hub: Hub, names: dict[int, str], when: datetime) -> list[dict[str, Any]]:
    """Every lawyer account: connected ones with their pool state, the rest as not connected."""
    pool = hub.pool
    result = []
    for lawyer_id, name in names.items():
        lawyer = pool.lawyers.get(lawyer_id)
        state = str(lawyer.state.value) if lawyer is not None else NOT_CONNECTED
        result.append(
            {
                "id": lawyer_id,
                "name": name,
                "firm": lawyer.law_firm if lawyer is not None else "",
                "state": state,
                "state_label": state_label(state) if lawyer is not None else NOT_CONNECTED_LABEL,
                "rostered": _rostered(hub, lawyer_id, when),
            }
        )
    order = ["ringing", "in_call", "wrap_up", "available", "break", "offline", NOT_CONNECTED]
    result.sort(key=lambda r: (order.index(r["state"]) if r["state"] in order else 5, r["name"]))
    return result


def _queue(hub: Hub, now: float) -> list[dict[str, Any]]:
    """Calls not yet answered, in the order the pool serves them."""
    pool = hub.pool
    waiting = []
    for position, call in enumerate(pool.waiting_calls(), start=1):
        kiosk = pool.kiosks.get(call.kiosk_id)
        ringing = [pool.lawyers[lid].display_name for lid in sorted(call.ringing) if lid in pool.lawyers]
        waiting.append(
            {
                "position": position,
                "topic": call.topic,
                "topic_label": topic_label(call.topic),
                "village": call.village or (kiosk.village if kiosk else ""),
                "kiosk": kiosk.name if kiosk else "",
                "waiting_s": max(0, round(now - call.requested_at)),
                "priority": int(call.priority),
                "priority_label": PRIORITY_LABELS.get(call.priority, call.priority.name),
                "ringing": "、".join(ringing),
                "away": call.held_until is not None,  # the villager's terminal dropped; place held
            }
        )
    return waiting


def _kiosks(hub: Hub) -> list[dict[str, Any]]:
    """Terminals connected now, by village."""
    rows = [
        {"name": k.name, "village": k.village, "busy": k.call_id is not None}
        for k in list(hub.pool.kiosks.values())
    ]
    return sorted(rows, key=lambda r: (r["village"], r["name"]))


async def live_snapshot(hub: Hub, now: float, tz: ZoneInfo = CENTRE_TZ) -> dict[str, Any]:
    """What the live page shows, as JSON-ready data."""
    engine = hub.storage.engine
    today = datetime.fromtimestamp(now, tz).date()
    today_rows = await find_calls(hub.storage, MatterFilter(start=today, end=today), tz=tz)
    figures = compute_figures(today_rows)
    settled = compute_figures(
        r for r in today_rows if r.answered or r.outcome is not None
    )  # rate: not waiting
    callbacks_open = len(await hub.storage.open_callbacks())
    return {
        "now": now,
        "clock": datetime.fromtimestamp(now, tz).strftime("%H:%M:%S"),
        "centre_open": hub.pool.centre_open(now),
        "lawyers": _lawyers(hub, await lawyer_names(engine), datetime.fromtimestamp(now, tz)),
        "queue": _queue(hub, now),
        "kiosks": _kiosks(hub),
        "today": {
            "calls": figures.calls,
            "answered": figures.answered,
            "abandoned": figures.abandoned,
            "answer_rate": settled.answer_rate,
            "wait_median_s": figures.wait_median_s,
            "callbacks_open": callbacks_open,
        },
    }
