"""Operations endpoints: readiness and Prometheus-format metrics of one pool server node."""

from __future__ import annotations

import time
from collections import Counter

from aiohttp import web
from sqlalchemy import text

from server.keys import HUB, STORAGE
from server.pool import Pool
from server.pool_model import CallState, LawyerState

STARTED = time.time()


def metrics_text(pool: Pool, connections: int, now: float) -> str:
    """The node's live figures in the Prometheus text exposition format."""
    lawyers = Counter(lawyer.state for lawyer in pool.lawyers.values())
    calls = Counter(call.state for call in pool.calls.values())
    lines = [
        "# HELP legal_kiosk_up 1 while this pool server node runs.",
        "# TYPE legal_kiosk_up gauge",
        "legal_kiosk_up 1",
        "# HELP legal_kiosk_uptime_seconds Seconds since this node started.",
        "# TYPE legal_kiosk_uptime_seconds gauge",
        f"legal_kiosk_uptime_seconds {now - STARTED:.0f}",
        "# HELP legal_kiosk_connections Open WebSocket connections (terminals, desks).",
        "# TYPE legal_kiosk_connections gauge",
        f"legal_kiosk_connections {connections}",
        "# HELP legal_kiosk_terminals_connected Terminals with an open connection.",
        "# TYPE legal_kiosk_terminals_connected gauge",
        f"legal_kiosk_terminals_connected {len(pool.kiosks)}",
        "# HELP legal_kiosk_lawyers Lawyers connected, by state.",
        "# TYPE legal_kiosk_lawyers gauge",
    ]
    lines += [f'legal_kiosk_lawyers{{state="{s.value}"}} {lawyers.get(s, 0)}' for s in LawyerState]
    lines += ["# HELP legal_kiosk_calls Calls not yet ended, by state.", "# TYPE legal_kiosk_calls gauge"]
    lines += [
        f'legal_kiosk_calls{{state="{s.value}"}} {calls.get(s, 0)}' for s in CallState if s.value != "ended"
    ]
    return "\n".join(lines) + "\n"


async def metrics(request: web.Request) -> web.Response:
    """GET /metrics for Prometheus (bind the server to a private address or scrape through the proxy)."""
    hub = request.app[HUB]
    body = metrics_text(hub.pool, len(hub.connections), time.time())
    return web.Response(text=body, content_type="text/plain", charset="utf-8")


async def readyz(request: web.Request) -> web.Response:
    """GET /readyz: 200 when this node can take clients (its database answers), else 503."""
    try:
        async with request.app[STORAGE].engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as exc:  # any database failure means not ready; say which kind
        return web.json_response({"status": "not_ready", "database": type(exc).__name__}, status=503)
    return web.json_response({"status": "ready", "database": "ok"})
