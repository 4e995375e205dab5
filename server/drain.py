"""Graceful drain on SIGTERM: stop accepting, let calls finish a while, tell every client to reconnect."""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from protocol.messages import Reconnect, Role
from server.crypto import DataCipher
from server.hub import CLOSE_TIMEOUT_S, Connection, Hub
from server.keys import HUB, SETTINGS
from server.pool_model import CallState
from server.queue_snapshot import restore_rows, snapshot_rows, take_snapshot, write_snapshot

log = logging.getLogger(__name__)

CLOSE_SERVICE_RESTART = 1012  # WebSocket close code "service restart": come back, here or elsewhere
RETRY_AFTER_S = 2  # what a refused upgrade during a drain is told (HTTP Retry-After, seconds)
POLL_S = 0.1
DRAINING_TEXT = "服务器正在重启，请连接其他服务器或稍后再试。"

DrainHook = Callable[[web.Application], Awaitable[None]]


class DrainState(StrEnum):
    """Whether this node takes new clients."""

    SERVING = "serving"
    DRAINING = "draining"


@dataclass
class Drain:
    """This node's drain state and what must run when it drains (cluster: hand leases over)."""

    state: DrainState = DrainState.SERVING
    hooks: list[DrainHook] = field(default_factory=list)


DRAIN = web.AppKey("drain", Drain)


def setup_drain(app: web.Application) -> None:
    """Refuse upgrades and readiness while draining; restore a queue saved by the last drain at start."""
    app[DRAIN] = Drain()
    app.middlewares.append(_drain_middleware)
    app.on_startup.append(_restore_queue)


def add_drain_hook(app: web.Application, hook: DrainHook) -> None:
    """Run `hook(app)` when this node drains, before clients are told to leave (within the timeout)."""
    app[DRAIN].hooks.append(hook)


@web.middleware
async def _drain_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    if request.app[DRAIN].state is DrainState.DRAINING:
        if request.path == "/readyz":
            return web.json_response({"status": "draining"}, status=503)
        if request.path == "/ws":
            headers = {"Retry-After": str(RETRY_AFTER_S)}
            return web.json_response({"error": DRAINING_TEXT}, status=503, headers=headers)
    return await handler(request)


def _cipher(app: web.Application) -> DataCipher:
    settings = app[SETTINGS]
    return DataCipher.from_settings(settings.data_key, Path(settings.data_dir))


async def _restore_queue(app: web.Application) -> None:
    settings = app[SETTINGS]
    rows = take_snapshot(Path(settings.data_dir), _cipher(app))
    if rows:
        hub = app[HUB]
        count = restore_rows(hub.pool, rows, hub.clock(), settings.restart_grace_s)
        hub.wake()
        grace = settings.restart_grace_s
        log.info("restored %d waiting calls; their kiosks have %.0f s to come back", count, grace)


def in_connected_call(hub: Hub, conn: Connection) -> bool:
    """True while this client's call is connected (its media flows peer to peer)."""
    pool = hub.pool
    party = pool.kiosks.get(conn.party_id) if conn.role is Role.KIOSK else pool.lawyers.get(conn.party_id)
    call = pool.calls.get(party.call_id) if party is not None and party.call_id else None
    return call is not None and call.state is CallState.CONNECTED


def _send_away(conn: Connection) -> None:
    conn.send(Reconnect("draining", float(RETRY_AFTER_S)))
    conn.close_soon(CLOSE_SERVICE_RESTART, "reconnect elsewhere")


async def drain(app: web.Application) -> None:
    """Stop taking clients, run the hooks, save the queue, let calls end (bounded), send everyone away."""
    settings, hub = app[SETTINGS], app[HUB]
    state = app[DRAIN]
    state.state = DrainState.DRAINING
    loop = asyncio.get_running_loop()
    deadline = loop.time() + settings.drain_timeout_s
    for hook in state.hooks:
        try:
            await asyncio.wait_for(hook(app), max(0.1, deadline - loop.time()))
        except Exception:  # one failing hook must not stop the drain
            log.exception("a drain hook failed")
    rows = snapshot_rows(hub.pool)
    write_snapshot(Path(settings.data_dir), _cipher(app), rows, time.time())
    log.info("draining: %d waiting calls saved for the restart", len(rows))
    told: set[Connection] = set()
    while True:
        for conn in list(hub.connections.values()):
            if conn not in told and not in_connected_call(hub, conn):
                told.add(conn)
                _send_away(conn)
        if not hub.connections or loop.time() >= deadline or all(c in told for c in hub.connections.values()):
            break
        await asyncio.sleep(POLL_S)
    for conn in list(hub.connections.values()):
        if conn not in told:
            _send_away(conn)  # calls still connected go on peer to peer and rejoin elsewhere
    closing = [conn.stop() for conn in list(hub.connections.values())]
    await asyncio.wait_for(asyncio.gather(*closing, return_exceptions=True), CLOSE_TIMEOUT_S + 1.0)


async def serve(
    app: web.Application, host: str, port: int, access_log_class: type[AbstractAccessLogger]
) -> None:
    """Run the app until SIGTERM or SIGINT, then drain and shut down cleanly."""
    runner = web.AppRunner(app, access_log_class=access_log_class, handle_signals=False)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        log.info("serving on http://%s:%d", host, port)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        log.info("draining before shutdown (at most %.0f s)", app[SETTINGS].drain_timeout_s)
        await drain(app)
    finally:
        await runner.cleanup()
