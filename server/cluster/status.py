"""GET /api/cluster: nodes, who owns which centre, clients per node, Redis and PostgreSQL health."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy import text

from server.cluster.node import ClusterHub
from server.cluster.queues import centre_pools
from server.keys import HUB, STORAGE
from server.pool_model import CallState
from server.storage import Storage


async def cluster_status(hub: ClusterHub) -> dict[str, Any]:
    """What an operator needs to see of the cluster from this node (no personal data)."""
    status: dict[str, Any] = {"node": hub.node_id}
    try:
        reports = await hub.membership.node_reports()
        holders = [await hub.redis.get(f"lease:{c}") for c in hub.directory.centres()]
        pools = await centre_pools(hub)
    except Exception as exc:  # Redis down: say so, the rest stays empty
        return status | {"redis": type(exc).__name__, "nodes": {}, "centres": {}}
    centres: dict[str, Any] = {}
    for centre, holder in zip(hub.directory.centres(), holders, strict=True):
        node, _, token = (holder.decode() if isinstance(holder, bytes) else holder or "").rpartition("|")
        queue = pools[centre].waiting_calls()
        ringing = sum(1 for call in queue if call.state is CallState.RINGING)
        centres[centre] = {
            "owner": node or None,
            "token": int(token) if token else None,
            "waiting": len(queue) - ringing,  # not yet offered to a lawyer
            "ringing": ringing,
        }
    return status | {"redis": "ok", "nodes": reports, "centres": centres}


async def database_health(storage: Storage) -> str:
    """ "ok", or the kind of error the database gave."""
    try:
        async with storage.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as exc:  # any database failure: say which kind
        return type(exc).__name__
    return "ok"


async def cluster_view(request: web.Request) -> web.Response:
    """GET /api/cluster (bind the node to a private address, like /metrics)."""
    hub = request.app[HUB]
    if not isinstance(hub, ClusterHub):
        return web.json_response({"error": "这台服务器没有运行集群模式。"}, status=404)
    status = await cluster_status(hub)
    status["database"] = await database_health(request.app[STORAGE])
    return web.json_response(status)
