"""Console page of call quality: link figures per day and per terminal, bad links first."""

from __future__ import annotations

from aiohttp import web

from server.console.render import CONSOLE_TZ, render
from server.console.views import _filter
from server.console_auth import Permission, requires
from server.console_quality import (
    BAD_LOSS,
    BAD_RTT_MS,
    REPEATEDLY_BAD,
    measured,
    quality_by_day,
    quality_by_terminal,
    quality_figures,
)
from server.console_queries import MatterFilter, find_calls_with_stats
from server.keys import STORAGE


@requires(Permission.VIEW)
async def quality_page(request: web.Request) -> web.StreamResponse:
    """GET /console/quality: loss, delay, step-downs and reconnections per day and per terminal."""
    f = _filter(request)
    tz = request.app[CONSOLE_TZ]
    rows = await find_calls_with_stats(request.app[STORAGE], MatterFilter(start=f.start, end=f.end), tz)
    calls = measured(rows)
    context = {
        "f": f,
        "total": quality_figures(q for _, q in calls),
        "by_day": quality_by_day(calls, tz),
        "by_terminal": quality_by_terminal(calls),
        "answered": sum(1 for row, _ in rows if row.answered),
        "bad_loss": BAD_LOSS,
        "bad_rtt_ms": BAD_RTT_MS,
        "repeatedly_bad": REPEATEDLY_BAD,
    }
    return render(request, "quality.html", "quality", context)


def quality_routes() -> list[web.RouteDef]:
    """The quality page's route."""
    return [web.get("/console/quality", quality_page)]
