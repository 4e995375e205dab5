"""Console pages for applications from the terminals (一事一档) and the terminals' health."""

from __future__ import annotations

import time

from aiohttp import web

from server.console.render import render
from server.console_auth import Permission, current_session, requires
from server.keys import SETTINGS, SUBMISSIONS, TERMINALS
from server.submissions_schema import SubmissionStatus
from server.terminals import FLAG_TEXT, TerminalFlag

FORM_TITLES = {
    "legal_aid": "法律援助申请",
    "mediation": "人民调解申请",
    "notary": "公证预约",
    "adviser": "预约村法律顾问",
    "callback": "回拨请求",
}


@requires(Permission.VIEW)
async def applications_page(request: web.Request) -> web.StreamResponse:
    """GET /console/applications: forms villagers sent from the terminals, with their status."""
    wanted = request.query.get("status", "")
    status = next((s for s in SubmissionStatus if s.value == wanted), None)
    records = await request.app[SUBMISSIONS].list(status=status, limit=500)
    may_see_personal = current_session(request).user.may(Permission.SEE_PERSONAL_DATA)
    rows = [
        {
            "tracking": r.tracking_number,
            "form": FORM_TITLES.get(r.form_id, r.form_id),
            "kiosk": r.kiosk_id,
            "status": r.status.label,
            "priority": r.priority,
            "assisted_by": r.assisted_by or "",
            "received": r.received_at.strftime("%Y-%m-%d %H:%M"),
            "name": str(r.values.get("name", r.values.get("applicant_name", ""))) if may_see_personal else "",
        }
        for r in records
    ]
    context = {
        "rows": rows,
        "statuses": [(s.value, s.label) for s in SubmissionStatus],
        "wanted": wanted,
        "may_see_personal": may_see_personal,
    }
    return render(request, "applications.html", "applications", context)


@requires(Permission.VIEW)
async def terminals_page(request: web.Request) -> web.StreamResponse:
    """GET /console/terminals: every terminal, broken or silent ones first, with what is wrong."""
    silent_s = request.app[SETTINGS].terminal_silent_s
    fleet = await request.app[TERMINALS].fleet(time.time(), silent_s)
    rows = [
        {
            "id": t.kiosk_id,
            "name": t.name,
            "village": t.village,
            "last": "从未"
            if t.last_heartbeat_at is None
            else time.strftime("%Y-%m-%d %H:%M", time.localtime(t.last_heartbeat_at)),
            "version": t.version or "—",
            "pack": t.content_pack_version or "—",
            "problems": [FLAG_TEXT[TerminalFlag(f)] for f in t.flags],
        }
        for t in fleet
    ]
    context = {
        "rows": rows,
        "broken": sum(1 for r in rows if r["problems"]),
        "silent_min": round(silent_s / 60),
    }
    return render(request, "terminals.html", "terminals", context)


def fleet_routes() -> list[web.RouteDef]:
    """The two pages, mounted by setup_console."""
    return [
        web.get("/console/applications", applications_page),
        web.get("/console/terminals", terminals_page),
    ]
