"""Console pages: live view, roster editing, matters with CSV export, and figures."""

from __future__ import annotations

import functools
import json
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from aiohttp import web
from yarl import URL

from server.cluster.node import ClusterHub
from server.cluster.queues import centre_pools, owned_pools
from server.console.export import matters_csv
from server.console.labels import (
    ENDED_BY_LABELS,
    MODE_LABELS,
    OUTCOME_LABELS,
    PRIORITY_NAME_LABELS,
    TOPIC_LABELS,
    WEEKDAY_LABELS,
)
from server.console.live import live_snapshot
from server.console.render import CONSOLE_TZ, render
from server.console.roster_store import CONSOLE_ROSTER, parse_clock
from server.console_auth import Permission, current_session, message_page, requires
from server.console_quality import call_quality
from server.console_queries import (
    MatterFilter,
    compute_figures,
    figures_by_day,
    figures_by_lawyer,
    find_call,
    find_calls,
    kiosk_choices,
    lawyer_names,
)
from server.keys import HUB, STORAGE
from server.recording_routes import RECORDINGS
from server.roster import RosterChange, Shift

QUALITY_ROWS = (  # (label, SideQuality field, digits, unit) on a matter's page
    ("接收码率", "recv_kbps", 0, " kbit/s"),
    ("发送码率", "send_kbps", 0, " kbit/s"),
    ("平均丢包", "loss_avg", 1, ""),
    ("最大丢包", "loss_max", 1, ""),
    ("抖动", "jitter_ms", 0, " 毫秒"),
    ("往返时延", "rtt_ms", 0, " 毫秒"),
)
MATTERS_SHOWN = 500  # rows on the matters page; the CSV has them all
DEFAULT_DAYS = 7

_dumps = functools.partial(json.dumps, ensure_ascii=False)


def _tz(request: web.Request) -> ZoneInfo:
    return request.app[CONSOLE_TZ]


def _today(request: web.Request) -> date:
    return datetime.now(_tz(request)).date()


def _date(text: str | None, default: date) -> date:
    try:
        return date.fromisoformat(text) if text else default
    except ValueError:
        return default


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def _filter(request: web.Request) -> MatterFilter:
    query = request.query
    today = _today(request)
    start = _date(query.get("from"), today - timedelta(days=DEFAULT_DAYS - 1))
    end = _date(query.get("to"), today)
    return MatterFilter(
        start=min(start, end),
        end=max(start, end),
        kiosk_id=_int(query.get("kiosk")),
        lawyer_id=_int(query.get("lawyer")),
        topic=query.get("topic") or None,
        outcome=query.get("outcome") or None,
    )


# ---- live --------------------------------------------------------------------------------------------


@requires(Permission.VIEW)
async def home(request: web.Request) -> web.StreamResponse:
    """GET /console: to the live view."""
    raise web.HTTPSeeOther("/console/live")


@requires(Permission.VIEW)
async def live_page(request: web.Request) -> web.StreamResponse:
    """GET /console/live: the page; its script fills it from live.json every few seconds."""
    return render(request, "live.html", "live", {})


@requires(Permission.VIEW, json=True)
async def live_json(request: web.Request) -> web.StreamResponse:
    """GET /console/live.json: lawyers, queue, terminals and today's figures now."""
    hub = request.app[HUB]
    pools = None
    if isinstance(hub, ClusterHub):  # every centre's queue, wherever it is owned
        try:
            pools = await centre_pools(hub)
        except Exception:  # Redis away: the queues this node owns at least
            pools = owned_pools(hub)
    snapshot = await live_snapshot(hub, time.time(), _tz(request), pools)
    return web.json_response(snapshot, dumps=_dumps, headers={"Cache-Control": "no-store"})


# ---- roster ------------------------------------------------------------------------------------------


@requires(Permission.VIEW)
async def roster_page(request: web.Request) -> web.StreamResponse:
    """GET /console/roster: every lawyer with specialties, villages, shifts and dated changes."""
    roster = request.app[CONSOLE_ROSTER]
    context = {
        "lawyers": await roster.lawyers(),
        "hours": await roster.service_hours(),
        "hours_set": bool(await roster.stored_service_hours()),
        "may_edit": current_session(request).user.may(Permission.EDIT_ROSTER),
        "weekdays": WEEKDAY_LABELS,
        "today": _today(request),
    }
    return render(request, "roster.html", "roster", context)


@requires(Permission.EDIT_ROSTER)
async def service_hours_edit(request: web.Request) -> web.StreamResponse:
    """POST /console/roster/hours/{add|delete}: open or close one weekly window of the centre."""
    roster = request.app[CONSOLE_ROSTER]
    form = await request.post()
    try:
        if request.match_info["what"] == "add":
            weekday = _int(str(form.get("weekday", "")))
            if weekday is None or not 0 <= weekday <= 6:
                raise ValueError("请选择星期几。")
            start, end = parse_clock(str(form.get("start", ""))), parse_clock(str(form.get("end", "")))
            await roster.add_service_hours(Shift(weekday, start, end))
        else:
            await roster.remove_service_hours(_int(str(form.get("index", ""))) or 0)
    except ValueError as exc:
        raise web.HTTPSeeOther(str(URL("/console/roster").with_query(error=str(exc)))) from None
    raise web.HTTPSeeOther(str(URL("/console/roster").with_query(msg="已保存。")))


@requires(Permission.VIEW)
async def roster_lawyer_page(request: web.Request) -> web.StreamResponse:
    """GET /console/roster/{id}: one lawyer's roster with the forms to change it."""
    store = request.app[CONSOLE_ROSTER]
    lawyer = await store.lawyer(int(request.match_info["lawyer_id"]))
    if lawyer is None:
        raise message_page(web.HTTPNotFound, "找不到", "没有这位律师。")
    villages = await store.villages()
    may_edit = current_session(request).user.may(Permission.EDIT_ROSTER)
    context = {
        "lawyer": lawyer,
        "topics": TOPIC_LABELS,
        "villages": villages,
        "weekdays": WEEKDAY_LABELS,
        "may_edit": may_edit,
        "today": _today(request),
    }
    return render(request, "roster_lawyer.html", "roster", context)


def _back_to_lawyer(lawyer_id: int, error: str = "") -> web.HTTPSeeOther:
    query = {"error": error} if error else {"msg": "已保存。"}
    return web.HTTPSeeOther(str(URL(f"/console/roster/{lawyer_id}").with_query(query)))


@requires(Permission.EDIT_ROSTER)
async def roster_edit(request: web.Request) -> web.StreamResponse:
    """POST /console/roster/{id}/{what}: save specialties, villages, a shift or a dated change."""
    store = request.app[CONSOLE_ROSTER]
    lawyer_id = int(request.match_info["lawyer_id"])
    if await store.lawyer(lawyer_id) is None:
        raise message_page(web.HTTPNotFound, "找不到", "没有这位律师。")
    form = await request.post()
    what = request.match_info["what"]
    try:
        if what == "specialties":
            await store.set_specialties(lawyer_id, [str(v) for v in form.getall("topic", [])])
        elif what == "villages":
            chosen = [str(v) for v in form.getall("village", [])]
            extra = str(form.get("new_village", "")).strip()
            await store.set_adviser_villages(lawyer_id, [*chosen, *([extra] if extra else [])])
        elif what == "shift":
            weekday = _int(str(form.get("weekday", "")))
            if weekday is None or not 0 <= weekday <= 6:
                raise ValueError("请选择星期几。")
            start, end = parse_clock(str(form.get("start", ""))), parse_clock(str(form.get("end", "")))
            await store.add_shift(lawyer_id, Shift(weekday, start, end))
        elif what == "shift-delete":
            await store.remove_shift(lawyer_id, _int(str(form.get("id", ""))) or 0)
        elif what == "change":
            try:
                day = date.fromisoformat(str(form.get("day", "")))
            except ValueError:
                raise ValueError("请填写日期。") from None
            change = RosterChange(
                lawyer_id=lawyer_id,
                day=day,
                on_duty=form.get("kind") == "on",
                start=parse_clock(str(form.get("start", "") or "00:00")),
                end=parse_clock(str(form.get("end", "") or "23:59")),
            )
            await store.add_change(change)
        elif what == "change-delete":
            await store.remove_change(lawyer_id, _int(str(form.get("id", ""))) or 0)
        else:
            raise message_page(web.HTTPNotFound, "找不到", "没有这个操作。")
    except ValueError as exc:
        raise _back_to_lawyer(lawyer_id, str(exc)) from None
    raise _back_to_lawyer(lawyer_id)


# ---- matters -----------------------------------------------------------------------------------------


async def _choices(request: web.Request) -> dict[str, object]:
    engine = request.app[STORAGE].engine
    outcomes = {**OUTCOME_LABELS, "ongoing": "进行中"}
    return {
        "kiosks": await kiosk_choices(engine),
        "lawyers": sorted((await lawyer_names(engine)).items(), key=lambda item: item[1]),
        "topics": TOPIC_LABELS,
        "outcomes": outcomes,
    }


@requires(Permission.VIEW)
async def matters_page(request: web.Request) -> web.StreamResponse:
    """GET /console/matters: search by dates, terminal, lawyer, topic, outcome."""
    matter_filter = _filter(request)
    rows = await find_calls(request.app[STORAGE], matter_filter, limit=MATTERS_SHOWN + 1, tz=_tz(request))
    context = {
        "rows": rows[:MATTERS_SHOWN],
        "more": len(rows) > MATTERS_SHOWN,
        "f": matter_filter,
        "csv_url": str(URL("/console/matters.csv").with_query(request.query)),
        **await _choices(request),
    }
    return render(request, "matters.html", "matters", context)


@requires(Permission.VIEW)
async def matter_page(request: web.Request) -> web.StreamResponse:
    """GET /console/matters/{id}: one matter in full."""
    detail = await find_call(request.app[STORAGE], request.match_info["call_id"])
    if detail is None:
        raise message_page(web.HTTPNotFound, "找不到", "没有这条记录。")
    may_see_personal = current_session(request).user.may(Permission.SEE_PERSONAL_DATA)
    context = {
        "d": detail,
        "r": detail.row,
        "ended_by": ENDED_BY_LABELS,
        "priorities": PRIORITY_NAME_LABELS,
        "may_see_personal": may_see_personal,
        "stats_json": json.dumps(detail.stats, ensure_ascii=False, indent=2, sort_keys=True),
        "q": call_quality(detail.stats, detail.row.outcome) if detail.row.answered else None,
        "modes": MODE_LABELS,
        "side_labels": {"kiosk": "村里终端", "lawyer": "律师工作台"},
        "quality_rows": QUALITY_ROWS,
        "recording": await request.app[RECORDINGS].info(detail.row.call_id),
        "recording_consent": str(detail.stats.get("recording", "")),
        "may_play": current_session(request).user.may(Permission.PLAY_RECORDINGS),
    }
    return render(request, "matter.html", "matters", context)


@requires(Permission.VIEW)
async def matters_export(request: web.Request) -> web.StreamResponse:
    """GET /console/matters.csv: the search's matters as CSV (personal columns only for those allowed)."""
    matter_filter = _filter(request)
    rows = await find_calls(request.app[STORAGE], matter_filter, tz=_tz(request))
    may_see_personal = current_session(request).user.may(Permission.SEE_PERSONAL_DATA)
    name = f"matters-{matter_filter.start}-{matter_filter.end}.csv"
    return web.Response(
        body=matters_csv(rows, may_see_personal, _tz(request)),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


@requires(Permission.VIEW)
async def callbacks_page(request: web.Request) -> web.StreamResponse:
    """GET /console/callbacks: villagers waiting for a call back, open first; phones only if allowed."""
    callbacks = await request.app[STORAGE].list_callbacks(include_done=True, limit=500)
    ordered = sorted(callbacks, key=lambda c: (c.done_at is not None, -c.requested_at))
    context = {
        "callbacks": ordered,
        "open_count": sum(1 for c in callbacks if c.done_at is None),
        "names": await lawyer_names(request.app[STORAGE].engine),
        "may_see_personal": current_session(request).user.may(Permission.SEE_PERSONAL_DATA),
    }
    return render(request, "callbacks.html", "callbacks", context)


# ---- figures -----------------------------------------------------------------------------------------


@requires(Permission.VIEW)
async def figures_page(request: web.Request) -> web.StreamResponse:
    """GET /console/figures: per day and per lawyer over a date range."""
    f = _filter(request)
    engine = request.app[STORAGE].engine
    rows = await find_calls(request.app[STORAGE], MatterFilter(start=f.start, end=f.end), tz=_tz(request))
    context = {
        "f": f,
        "total": compute_figures(rows),
        "by_day": figures_by_day(rows, _tz(request)),
        "by_lawyer": figures_by_lawyer(rows, await lawyer_names(engine)),
    }
    return render(request, "figures.html", "figures", context)


def routes() -> list[web.RouteDef]:
    """The console's page routes."""
    return [
        web.get("/console", home),
        web.get("/console/", home),
        web.get("/console/live", live_page),
        web.get("/console/live.json", live_json),
        web.get("/console/roster", roster_page),
        web.get("/console/roster/{lawyer_id:\\d+}", roster_lawyer_page),
        web.post("/console/roster/{lawyer_id:\\d+}/{what}", roster_edit),
        web.post("/console/roster/hours/{what:add|delete}", service_hours_edit),
        web.get("/console/matters", matters_page),
        web.get("/console/matters.csv", matters_export),
        web.get("/console/matters/{call_id}", matter_page),
        web.get("/console/callbacks", callbacks_page),
        web.get("/console/figures", figures_page),
    ]
