"""The pool server's application factory: settings, storage and hub as typed app keys, routes."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from config.settings import ServerSettings
from server.console import setup_console
from server.crypto import DataCipher
from server.hub import Hub
from server.keys import HUB, SETTINGS, STORAGE
from server.storage import Storage
from server.views import healthz, login, websocket

log = logging.getLogger(__name__)


class PathOnlyAccessLogger(AbstractAccessLogger):
    """Access log without query strings: browsers put their token in `/ws?token=`."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        """One line per request: method, path, status, milliseconds."""
        self.logger.info("%s %s %d %.0f ms", request.method, request.path, response.status, time * 1000)


def create_app(settings: ServerSettings) -> web.Application:
    """A ready-to-run aiohttp application for these settings."""
    app = web.Application(client_max_size=64 * 1024)
    app[SETTINGS] = settings
    app.cleanup_ctx.append(_storage_ctx)
    app.cleanup_ctx.append(_hub_ctx)
    app.on_shutdown.append(_close_sockets)
    app.add_routes(
        [
            web.get("/healthz", healthz),
            web.post("/api/login", login),
            web.get("/ws", websocket),
        ]
    )
    setup_console(app)
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
    yield
    await storage.close()


async def _hub_ctx(app: web.Application) -> AsyncIterator[None]:
    hub = Hub(app[SETTINGS], app[STORAGE])
    await hub.start()
    app[HUB] = hub
    yield
    await hub.stop()


async def _close_sockets(app: web.Application) -> None:
    await app[HUB].close_all()
