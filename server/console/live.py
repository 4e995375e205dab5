"""The live view's data: lawyers' states, the queue and terminals online, from the pool's live view."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from server.console.labels import PRIORITY_NAME_LABELS, state_label, topic_label
from server.console_queries import CENTRE_TZ, MatterFilter, compute_figures, find_calls, lawyer_names
from server.hub import Hub
from server.pool import Pool
from server.pool_model import LawyerState
from server.pool_view import PoolView, live_view

NOT_CONNECTED = "not_connected"
NOT_CONNECTED_LABEL = "未上线"
PRIORITY_RANK = {"normal": 0, "wage_claim": 1, "urgent": 2}  # CSS class priority-N
STATE_ORDER = [
    LawyerState.RINGING.value,
    LawyerState.IN_CALL.value,
    LawyerState.WRAP_UP.value,
    LawyerState.AVAILABLE.value,
    LawyerState.BREAK.value,
    LawyerState.OFFLINE.value,
    NOT_CONNECTED,
]


def _rostered(hub: Hub, lawyer_id: int, when: datetime) -> str:
    """What the roster says about this lawyer now, in words."""
    roster = hub.pool.roster
    if lawyer_id not in roster.shifts and all(c.lawyer_id != lawyer_id for c in roster.changes):
        return "未排班"
    return "应在班" if roster.scheduled(lawyer_id, when) else "不在班"


def _lawyers(
    hub: Hub, views: list[PoolView], pools: list[Pool], names: dict[int, str], when: datetime
) -> list[dict[str, Any]]:
    """Every lawyer account: connected ones with their pool state, the rest as not connected."""
    connected = {lw.lawyer_id: lw for view in views for lw in view.lawyers}
    firms = {lid: lw.law_firm for pool in pools for lid, lw in pool.lawyers.items()}
    result = []
    for lawyer_id, name in names.items():
        lawyer = connected.get(lawyer_id)
        state = lawyer.state if lawyer is not None else NOT_CONNECTED
        result.append(
            {
                "id": lawyer_id,
                "name": name,
                "firm": firms.get(lawyer_id, ""),
                "state": state,
                "state_label": state_label(state) if lawyer is not None else NOT_CONNECTED_LABEL,
                "rostered": _rostered(hub, lawyer_id, when),
            }
        )
    result.sort(key=lambda r: (STATE_ORDER.index(r["state"]) if r["state"] in STATE_ORDER else 5, r["name"]))
    return result


def _queue(pool: Pool, view: PoolView, centre: str) -> list[dict[str, Any]]:
    """Calls not yet answered, in the order the pool serves them."""
    names = {lid: lw.display_name for lid, lw in pool.lawyers.items()}
    return [
        {
            "centre": centre,
            "position": call.position,
            "topic": call.topic,
            "topic_label": topic_label(call.topic),
            "village": call.village,
            "kiosk": call.kiosk_name,
            "waiting_s": max(0, round(call.waited_s)),
            "priority": PRIORITY_RANK.get(call.priority, 0),
            "priority_label": PRIORITY_NAME_LABELS.get(call.priority, call.priority),
            "ringing": "、".join(names[lid] for lid in call.ringing if lid in names),
            "away": call.caller_away,  # the villager's terminal dropped; place held
        }
        for call in view.waiting
    ]


def _kiosks(pools: list[Pool]) -> list[dict[str, Any]]:
    """Terminals connected now, by village."""
    rows = [
        {"name": k.name, "village": k.village, "busy": k.call_id is not None}
        for pool in pools
        for k in list(pool.kiosks.values())
        if k.online
    ]
    return sorted(rows, key=lambda r: (r["village"], r["name"]))


async def live_snapshot(
    hub: Hub, now: float, tz: ZoneInfo = CENTRE_TZ, pools: Mapping[str, Pool] | None = None
) -> dict[str, Any]:
    """What the live page shows, as JSON-ready data.

    `pools`: centre -> queue, in cluster mode (every centre's, wherever it is owned); by default the
    hub's own pool. Opening hours and who is rostered come from the hub's pool either way."""
    by_centre = dict(pools) if pools is not None else {"": hub.pool}
    views = {centre: live_view(pool, now) for centre, pool in by_centre.items()}
    view = live_view(hub.pool, now)
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
        "centre_open": view.centre_open,
        "lawyers": _lawyers(
            hub,
            list(views.values()),
            list(by_centre.values()),
            await lawyer_names(hub.storage.engine),
            datetime.fromtimestamp(now, tz),
        ),
        "queue": [row for c, pool in sorted(by_centre.items()) for row in _queue(pool, views[c], c)],
        "kiosks": _kiosks(list(by_centre.values())),
        "in_call": sum(v.in_call for v in views.values()),
        "today": {
            "calls": figures.calls,
            "answered": figures.answered,
            "abandoned": figures.abandoned,
            "answer_rate": settled.answer_rate,
            "wait_median_s": figures.wait_median_s,
            "callbacks_open": callbacks_open,
        },
    }
