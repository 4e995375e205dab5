"""Console test helpers: a real server with an HTTP client that keeps cookies, and signing in."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from config.settings import ServerSettings
from server.app import create_app
from server.console_auth import STAFF_ACCOUNTS, StaffAccounts, StaffRole

PASSWORD = "correct-horse-1"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token a page's forms carry."""
    found = _CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


@dataclass
class Console:
    """A running server (real app on 127.0.0.1) and a browser-like client with its own cookie jar."""

    client: TestClient
    app: web.Application

    @property
    def accounts(self) -> StaffAccounts:
        """The server's staff accounts."""
        return self.app[STAFF_ACCOUNTS]

    async def add_user(self, username: str, role: StaffRole, password: str = PASSWORD) -> int:
        """Create a console account directly."""
        return await self.accounts.add_user(username, username.upper(), role, password)

    async def login(self, username: str, password: str = PASSWORD) -> tuple[int, str]:
        """Fill in and send the login form like a browser; returns (status, page text)."""
        page = await self.client.get("/console/login")
        token = csrf_of(await page.text())
        response = await self.client.post(
            "/console/login",
            data={"csrf": token, "username": username, "password": password, "next": "/console/live"},
        )
        return response.status, await response.text()

    async def csrf(self, path: str) -> str:
        """The CSRF token of a signed-in page."""
        page = await self.client.get(path)
        assert page.status == 200, await page.text()
        return csrf_of(await page.text())


@asynccontextmanager
async def console_client(settings: ServerSettings) -> AsyncIterator[Console]:
    """The whole pool server app with the console mounted, and a client for it."""
    app = create_app(settings)
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    try:
        yield Console(client, app)
    finally:
        await client.close()
