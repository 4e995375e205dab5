"""Console page of the cluster: nodes, who owns each centre's queue, Redis and PostgreSQL health."""

from __future__ import annotations

import time

from aiohttp import web

from server.cluster.node import ClusterHub
from server.cluster.status import cluster_status, database_health
from server.console.render import render
from server.console_auth import Permission, requires
from server.keys import HUB, STORAGE

HEALTHY = "ok"


def _health(value: str) -> dict[str, object]:
    """A health word for the page: 正常, or the kind of error."""
    return {"ok": value == HEALTHY, "text": "正常" if value == HEALTHY else f"无法连接（{value}）"}


@requires(Permission.VIEW)
async def cluster_page(request: web.Request) -> web.StreamResponse:
    """GET /console/cluster: every node and centre queue of the province (a single node says so)."""
    hub = request.app[HUB]
    if not isinstance(hub, ClusterHub):
        return render(request, "cluster.html", "cluster", {"single": True})
    status = await cluster_status(hub)
    now = time.time()
    nodes = [
        {
            "id": node_id,
            "address": report.get("address") or "—",
            "at": report.get("at"),
            "age_s": max(0, round(now - float(report["at"]))) if report.get("at") else None,
            "clients": report.get("clients", 0),
            "owns": "、".join(report.get("owns", [])) or "—",
            "draining": bool(report.get("draining")),
            "here": node_id == hub.node_id,
        }
        for node_id, report in sorted(status["nodes"].items())
    ]
    centres = [{"name": name} | info for name, info in sorted(status["centres"].items())]
    context = {
        "single": False,
        "node": hub.node_id,
        "nodes": nodes,
        "centres": centres,
        "clients": sum(int(n["clients"]) for n in nodes),
        "redis": _health(status["redis"]),
        "database": _health(await database_health(request.app[STORAGE])),
    }
    return render(request, "cluster.html", "cluster", context)


def cluster_routes() -> list[web.RouteDef]:
    """The page, mounted by setup_console."""
    return [web.get("/console/cluster", cluster_page)]
