"""Rendering console pages: the Jinja environment, the page frame's context, formatting filters."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp_jinja2
import jinja2
from aiohttp import web

from server.cluster.startup import cluster_mode
from server.console.labels import outcome_label, topic_label
from server.console_auth import CSRF_FIELD, Permission, current_session
from server.console_queries import CENTRE_TZ
from server.keys import SETTINGS

SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

CONSOLE_TZ = web.AppKey("console_tz", ZoneInfo)  # the centre's time zone (settings.timezone)

NAV = (
    ("live", "/console/live", "实时情况", Permission.VIEW),
    ("roster", "/console/roster", "值班排班", Permission.VIEW),
    ("matters", "/console/matters", "事项记录", Permission.VIEW),
    ("callbacks", "/console/callbacks", "回电登记", Permission.VIEW),
    ("applications", "/console/applications", "村民申请", Permission.VIEW),
    ("terminals", "/console/terminals", "终端状态", Permission.VIEW),
    ("figures", "/console/figures", "服务统计", Permission.VIEW),
    ("quality", "/console/quality", "通话质量", Permission.VIEW),
    ("accounts", "/console/accounts", "账号管理", Permission.MANAGE_ACCOUNTS),
)
CLUSTER_NAV = ("cluster", "/console/cluster", "集群状态", Permission.VIEW)  # only in cluster mode


def when(ts: float | None, tz: ZoneInfo = CENTRE_TZ) -> str:
    """A moment as 2026-11-24 09:30:05 in centre time, or a dash."""
    return "—" if ts is None else datetime.fromtimestamp(ts, tz).strftime("%Y-%m-%d %H:%M:%S")


def duration(seconds: float | None) -> str:
    """Seconds as 1分05秒 (or 45秒), or a dash."""
    if seconds is None:
        return "—"
    total = round(seconds)
    if total < 60:
        return f"{total}秒"
    return f"{total // 60}分{total % 60:02d}秒"


def masked_phone(phone: str) -> str:
    """A phone number for someone not allowed to see it: 138****5678."""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"


def percent(share: float | None) -> str:
    """0.8333 as 83.3%, or a dash."""
    return "—" if share is None else f"{share * 100:.1f}%"


def number(value: float | None, digits: int = 0, unit: str = "") -> str:
    """A figure rounded for reading, with its unit, or a dash."""
    return "—" if value is None else f"{value:.{digits}f}{unit}"


def setup_templates(app: web.Application, tz: ZoneInfo) -> None:
    """Jinja2 with autoescaping over this package's templates, plus the console's filters (centre time)."""
    env = aiohttp_jinja2.setup(
        app,
        loader=jinja2.PackageLoader("server.console", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(
        masked=masked_phone,
        when=functools.partial(when, tz=tz),
        duration=duration,
        percent=percent,
        number=number,
        topic=topic_label,
        outcome=outcome_label,
    )


def _nav(request: web.Request) -> tuple[tuple[str, str, str, Permission], ...]:
    """The console's pages; the cluster page only where there is a cluster."""
    return (*NAV, CLUSTER_NAV) if cluster_mode(request.app[SETTINGS]) else NAV


def render(request: web.Request, template: str, page: str, context: dict[str, Any]) -> web.Response:
    """A console page inside the frame (navigation for the user's role, CSRF token for its forms)."""
    session = current_session(request)
    frame = {
        "user": session.user,
        "csrf_field": CSRF_FIELD,
        "csrf": session.csrf_token,
        "nav": [(key, href, label) for key, href, label, perm in _nav(request) if session.user.may(perm)],
        "page": page,
        "message": request.query.get("msg", ""),
        "error": request.query.get("error", ""),
        "Permission": Permission,
        "centre_name": request.app[SETTINGS].centre_name,
        "tz_name": str(request.app[CONSOLE_TZ]),
    }
    response = aiohttp_jinja2.render_template(template, request, {**frame, **context})
    response.headers.update(SECURITY_HEADERS)
    return response
