"""The pool server's application factory: settings, storage and hub as typed app keys, routes."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from config.settings import ServerSettings
from server.cluster.startup import cluster_mode
from server.cluster.status import cluster_view
from server.console import setup_console
from server.content_routes import mount_content_routes
from server.crypto import DataCipher
from server.datakey import data_cipher
from server.drain import add_drain_hook, setup_drain
from server.hub import Hub
from server.keys import HUB, KIOSK_TOKENS, LAST_SEEN, SETTINGS, STORAGE, SUBMISSIONS, TERMINALS
from server.kiosk_tokens import KioskTokens
from server.last_seen import LastSeen
from server.metrics import metrics, readyz
from server.recording_routes import mount_recording_routes
from server.storage import Storage
from server.submissions import MAX_BODY_BYTES, SubmissionStore, submission_routes
from server.submissions_views import desk_submission_routes
from server.terminal_health import mount_terminal_health
from server.terminals import TerminalRegistry, terminal_routes
from server.views import fleet, healthz, kiosk_id_of, login, websocket

log = logging.getLogger(__name__)


class PathOnlyAccessLogger(AbstractAccessLogger):
    """Access log without query strings: browsers put their token in `/ws?token=`."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        """One line per request: method, path, status, milliseconds."""
        self.logger.info("%s %s %d %.0f ms", request.method, request.path, response.status, time * 1000)


def create_app(settings: ServerSettings) -> web.Application:
    """A ready-to-run aiohttp application for these settings."""
    app = web.Application(client_max_size=MAX_BODY_BYTES)  # forms carry document photos
    app[SETTINGS] = settings
    app.cleanup_ctx.append(_storage_ctx)
    app.cleanup_ctx.append(_hub_ctx)
    app.on_shutdown.append(_close_sockets)
    setup_drain(app)  # SIGTERM: readyz 503, upgrades refused, clients told to reconnect (issue 11)
    app.add_routes(
        [
            web.get("/healthz", healthz),
            web.post("/api/login", login),
            web.get("/ws", websocket),
        ]
    )
    app.add_routes(submission_routes(lambda request: request.app[SUBMISSIONS], kiosk_id_of))
    app.add_routes(
        terminal_routes(lambda request: request.app[TERMINALS], kiosk_id_of, Path(settings.updates_dir))
    )
    app.add_routes(
        [web.get("/api/terminals", fleet), web.get("/readyz", readyz), web.get("/metrics", metrics)]
    )
    app.add_routes([web.get("/api/cluster", cluster_view)])  # 404 unless in cluster mode
    setup_console(app)
    app.add_routes(desk_submission_routes())  # lawyers: list, open, change status (issue 5, desk)
    mount_terminal_health(app, kiosk_id_of)
    mount_content_routes(app)  # statute packs for terminals, missed-search uploads (issue 4)
    mount_recording_routes(app)  # consented call recordings (issue 7)
    return app


def open_storage(settings: ServerSettings) -> Storage:
    """The storage the settings name, with the cipher for personal data (key generated if none)."""
    engine = settings.database_url.split("+", 1)[0].split(":", 1)[0]
    if engine != settings.storage.value:
        raise ValueError(
            f"storage = {settings.storage.value!r} but database_url is a {engine} URL; "
            "for PostgreSQL set database_url = postgresql+asyncpg://user@host/dbname"
        )
    cipher = DataCipher.from_settings(settings.data_key, Path(settings.data_dir))
    return Storage.open(settings.database_url, cipher)


async def _storage_ctx(app: web.Application) -> AsyncIterator[None]:
    storage = open_storage(app[SETTINGS])
    await storage.migrate()
    app[STORAGE] = storage
    app[KIOSK_TOKENS] = KioskTokens(storage)
    submissions = SubmissionStore(storage.engine, data_cipher(app[SETTINGS]))
    await submissions.create_tables()
    app[SUBMISSIONS] = submissions
    terminals = TerminalRegistry(storage)
    await terminals.create_tables()
    app[TERMINALS] = terminals
    last_seen = LastSeen(storage)
    last_seen.start()
    app[LAST_SEEN] = last_seen
    yield
    await last_seen.stop()
    await storage.close()


async def _hub_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    if cluster_mode(settings):  # several nodes, one service (server/cluster)
        from redis.asyncio import Redis

        from server.cluster.node import ClusterHub

        redis = Redis.from_url(settings.redis_url)
        cluster_hub = ClusterHub(settings, app[STORAGE], redis)
        await cluster_hub.start()
        app[HUB] = cluster_hub

        async def hand_over(_app: web.Application) -> None:
            await cluster_hub.hand_over()

        add_drain_hook(app, hand_over)  # SIGTERM: centres pass on at once, before clients are sent away
        yield
        await cluster_hub.stop()
        await redis.aclose()
        return
    hub = Hub(settings, app[STORAGE])
    await hub.start()
    app[HUB] = hub
    yield
    await hub.stop()


async def _close_sockets(app: web.Application) -> None:
    await app[HUB].close_all()
