"""The centre's admin web console, served by the pool server under /console (server-rendered pages)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from zoneinfo import ZoneInfo

from aiohttp import web

from server.console import views, views_auth, views_cluster, views_fleet, views_quality
from server.console.render import CONSOLE_TZ, setup_templates
from server.console.roster_store import CONSOLE_ROSTER, ConsoleRoster
from server.console_auth import STAFF_ACCOUNTS, StaffAccounts
from server.keys import HUB, SETTINGS, STORAGE

STATIC_DIR = Path(__file__).parent / "static"


def setup_console(app: web.Application) -> None:
    """Mount the console on the server's app: routes, templates, static files, its tables at start-up."""
    tz = ZoneInfo(app[SETTINGS].timezone)
    app[CONSOLE_TZ] = tz
    setup_templates(app, tz)
    app.add_routes(
        views_auth.routes()
        + views.routes()
        + views_fleet.fleet_routes()
        + views_quality.quality_routes()
        + views_cluster.cluster_routes()
    )
    app.router.add_static("/console/static", STATIC_DIR, name="console_static")
    app.cleanup_ctx.append(_console_ctx)


async def _console_ctx(app: web.Application) -> AsyncIterator[None]:
    """After storage and hub are up (the migrations made the account tables); roster edits reload the pool."""
    app[STAFF_ACCOUNTS] = StaffAccounts(app[STORAGE].engine)
    app[CONSOLE_ROSTER] = ConsoleRoster(app[STORAGE], app[HUB].reload_roster)
    yield
