"""Operations endpoints: readiness and Prometheus-format metrics of one pool server node."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Mapping

from aiohttp import web
from sqlalchemy import text

from server.cluster.node import ClusterHub
from server.cluster.queues import owned_pools
from server.keys import HUB, STORAGE
from server.pool import Pool
from server.pool_model import CallState, LawyerState

STARTED = time.time()


def metrics_text(pools: Mapping[str, Pool], connections: int, now: float) -> str:
    """The node's live figures in the Prometheus text exposition format (the queues it serves summed)."""
    lawyers = Counter(lawyer.state for pool in pools.values() for lawyer in pool.lawyers.values())
    calls = Counter(call.state for pool in pools.values() for call in pool.calls.values())
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
        "# HELP legal_kiosk_terminals_connected Terminals known to the queues this node serves (owns).",
        "# TYPE legal_kiosk_terminals_connected gauge",
        f"legal_kiosk_terminals_connected {sum(len(pool.kiosks) for pool in pools.values())}",
        "# HELP legal_kiosk_lawyers Lawyers of the queues this node serves, by state.",
        "# TYPE legal_kiosk_lawyers gauge",
    ]
    lines += [f'legal_kiosk_lawyers{{state="{s.value}"}} {lawyers.get(s, 0)}' for s in LawyerState]
    lines += ["# HELP legal_kiosk_calls Calls not yet ended, by state.", "# TYPE legal_kiosk_calls gauge"]
    lines += [
        f'legal_kiosk_calls{{state="{s.value}"}} {calls.get(s, 0)}' for s in CallState if s.value != "ended"
    ]
    return "\n".join(lines) + "\n"


def centre_text(pools: Mapping[str, Pool]) -> str:
    """Per centre queue this node owns: calls waiting and ringing, lawyers by state."""
    lines = [
        "# HELP legal_kiosk_centre_waiting Calls waiting (not yet ringing) in a centre's queue.",
        "# TYPE legal_kiosk_centre_waiting gauge",
    ]
    ringing: dict[str, int] = {}
    for centre, pool in sorted(pools.items()):
        queue = pool.waiting_calls()
        ringing[centre] = sum(1 for call in queue if call.state is CallState.RINGING)
        lines.append(
            f'legal_kiosk_centre_waiting{{centre="{_label(centre)}"}} {len(queue) - ringing[centre]}'
        )
    lines += [
        "# HELP legal_kiosk_centre_ringing Calls ringing at a lawyer in a centre's queue.",
        "# TYPE legal_kiosk_centre_ringing gauge",
    ]
    lines += [f'legal_kiosk_centre_ringing{{centre="{_label(c)}"}} {n}' for c, n in sorted(ringing.items())]
    lines += [
        "# HELP legal_kiosk_centre_lawyers Lawyers of a centre connected, by state.",
        "# TYPE legal_kiosk_centre_lawyers gauge",
    ]
    for centre, pool in sorted(pools.items()):
        states = Counter(lawyer.state for lawyer in pool.lawyers.values())
        lines += [
            f'legal_kiosk_centre_lawyers{{centre="{_label(centre)}",state="{s.value}"}} {states.get(s, 0)}'
            for s in LawyerState
        ]
    return "\n".join(lines) + "\n"


def cluster_text(leases: int, clients: int, redis_up: bool) -> str:
    """This node's part of the cluster: leases held, clients on its sockets, whether Redis answers."""
    return (
        "\n".join(
            [
                "# HELP legal_kiosk_cluster_leases_held Centre queues this node owns (leases held).",
                "# TYPE legal_kiosk_cluster_leases_held gauge",
                f"legal_kiosk_cluster_leases_held {leases}",
                "# HELP legal_kiosk_cluster_clients_connected Clients whose WebSocket is on this node.",
                "# TYPE legal_kiosk_cluster_clients_connected gauge",
                f"legal_kiosk_cluster_clients_connected {clients}",
                "# HELP legal_kiosk_cluster_redis_up 1 when Redis answered this scrape's ping.",
                "# TYPE legal_kiosk_cluster_redis_up gauge",
                f"legal_kiosk_cluster_redis_up {int(redis_up)}",
            ]
        )
        + "\n"
    )


def _label(value: str) -> str:
    """A Prometheus label value, escaped."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


async def _redis_up(hub: ClusterHub) -> bool:
    try:
        return bool(await hub.redis.ping())
    except Exception:  # any failure to answer means down for this scrape
        return False


async def metrics(request: web.Request) -> web.Response:
    """GET /metrics for Prometheus (bind the server to a private address or scrape through the proxy)."""
    hub = request.app[HUB]
    now = time.time()
    if isinstance(hub, ClusterHub):  # the queues this node owns, not its own unused pool
        pools = owned_pools(hub)
        body = metrics_text(pools, len(hub.connections), now) + centre_text(pools)
        body += cluster_text(len(hub.owners), len(hub.connections), await _redis_up(hub))
    else:
        body = metrics_text({"": hub.pool}, len(hub.connections), now)
    return web.Response(text=body, content_type="text/plain", charset="utf-8")


async def readyz(request: web.Request) -> web.Response:
    """GET /readyz: 200 when this node can take clients (its database answers), else 503."""
    try:
        async with request.app[STORAGE].engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as exc:  # any database failure means not ready; say which kind
        return web.json_response({"status": "not_ready", "database": type(exc).__name__}, status=503)
    return web.json_response({"status": "ready", "database": "ok"})
