"""The pool server's application factory: settings, storage and hub as typed app keys, routes."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from config.settings import ServerSettings
from server.auth import token_hash
from server.content_routes import mount_content_routes
from server.datakey import data_cipher
from server.hub import Hub
from server.keys import HUB, SETTINGS, STORAGE, SUBMISSIONS
from server.storage import Storage
from server.submissions import MAX_BODY_BYTES, SubmissionStore, submission_routes
from server.views import bearer_token, healthz, login, websocket

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
    app.add_routes(
        [
            web.get("/healthz", healthz),
            web.post("/api/login", login),
            web.get("/ws", websocket),
        ]
    )
    app.add_routes(submission_routes(lambda request: request.app[SUBMISSIONS], _kiosk_of(app)))
    mount_content_routes(app)  # statute packs for terminals, missed-search uploads (issue 4)
    return app


def _kiosk_of(app: web.Application) -> Callable[[web.Request], Awaitable[str | None]]:
    """The terminal a request's bearer token belongs to (its id as text), or None."""

    async def authenticate(request: web.Request) -> str | None:
        token = bearer_token(request)
        if not token:
            return None
        kiosk = await app[STORAGE].kiosk_by_token_hash(token_hash(token))
        return None if kiosk is None else str(kiosk.kiosk_id)

    return authenticate


async def _storage_ctx(app: web.Application) -> AsyncIterator[None]:
    storage = Storage.open(app[SETTINGS].database_url)
    await storage.create_schema()
    app[STORAGE] = storage
    submissions = SubmissionStore(storage.engine, data_cipher(app[SETTINGS]))
    await submissions.create_tables()
    app[SUBMISSIONS] = submissions
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
