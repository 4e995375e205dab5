"""A real pool server on 127.0.0.1 for tests, and a small signaling client speaking the wire protocol."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from config.settings import ServerSettings, TurnSettings
from protocol.messages import (
    CallbackList,
    CallEnded,
    DutyState,
    Message,
    QueueUpdate,
    SetDuty,
    Welcome,
    decode,
    encode,
)
from server.app import PathOnlyAccessLogger, create_app
from server.auth import register_kiosk, register_lawyer
from server.hub import Hub
from server.keys import HUB, STORAGE
from server.storage import Storage

TURN_SECRET = "test-turn-secret"
RECEIVE_GUARD_S = 10.0  # a hang guard only: every wait ends on a message long before this


def server_settings(tmp_path: Path, **overrides: Any) -> ServerSettings:
    """Server settings on a fresh SQLite file, with TURN configured so credentials are minted."""
    turn = TurnSettings(
        urls=["turn:127.0.0.1:3478?transport=udp"],
        secret=TURN_SECRET,
        ttl_s=600,
        stun_urls=["stun:127.0.0.1:3478"],
    )
    base: dict[str, Any] = {
        "database_url": f"sqlite+aiosqlite:///{tmp_path / 'db' / 'pool.sqlite3'}",
        "turn": turn,
        "data_dir": str(tmp_path / "data"),
        "wrap_up_s": 0.0,  # these tests chain calls: the lawyer is available again at once
    }
    return ServerSettings(**{**base, **overrides})


class SignalClient:
    """One WebSocket client (a kiosk or a lawyer desk) talking the protocol to the server."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, welcome: Welcome) -> None:
        self.ws = ws
        self.welcome = welcome
        self.duty_states: list[DutyState] = []  # the state reports skipped by `expect`
        self.queue_updates: list[QueueUpdate] = []  # likewise the kiosk's queue reports
        self.callback_lists: list[CallbackList] = []  # and the desk's callback lists
        self.calls_ended: list[CallEnded] = []  # and the confirmations of its own hang-ups

    async def send(self, message: Message) -> None:
        """Send one protocol message."""
        await self.ws.send_str(encode(message))

    async def send_raw(self, text: str) -> None:
        """Send any text frame, well-formed or not."""
        await self.ws.send_str(text)

    async def receive(self) -> Message:
        """The next protocol message from the server."""
        frame = await asyncio.wait_for(self.ws.receive(), RECEIVE_GUARD_S)
        if frame.type is not aiohttp.WSMsgType.TEXT:
            raise AssertionError(f"expected a text frame, got {frame.type!r} {frame.data!r}")
        return decode(frame.data)

    async def expect[M: Message](self, kind: type[M]) -> M:
        """The next message, which must be of this kind; reports (DutyState, QueueUpdate, CallbackList,
        CallEnded) are skipped and kept unless asked for."""
        message = await self.receive()
        reports = DutyState | QueueUpdate | CallbackList | CallEnded
        while isinstance(message, reports) and not isinstance(message, kind):
            match message:
                case DutyState():
                    self.duty_states.append(message)
                case QueueUpdate():
                    self.queue_updates.append(message)
                case CallbackList():
                    self.callback_lists.append(message)
                case CallEnded():
                    self.calls_ended.append(message)
            message = await self.receive()
        if not isinstance(message, kind):
            raise AssertionError(f"expected {kind.__name__}, got {message!r}")
        return message

    async def close(self) -> None:
        """Close the socket."""
        await self.ws.close()


@dataclass
class RunningServer:
    """A started server and an HTTP session to reach it."""

    url: str
    runner: web.AppRunner
    http: aiohttp.ClientSession
    stopped: bool = False

    @property
    def app(self) -> web.Application:
        """The running application."""
        return self.runner.app

    async def stop(self) -> None:
        """Shut the server down the way SIGTERM does (on_shutdown, then cleanup)."""
        if not self.stopped:
            self.stopped = True
            await self.runner.cleanup()

    @property
    def storage(self) -> Storage:
        """The server's own storage."""
        return self.app[STORAGE]

    @property
    def hub(self) -> Hub:
        """The server's hub (pool, connections)."""
        return self.app[HUB]

    async def add_lawyer(self, username: str, name: str, firm: str, password: str = "pw-123456") -> int:
        """Create a lawyer account."""
        return await register_lawyer(self.storage, username, name, firm, password)

    async def add_kiosk(self, name: str, village: str) -> str:
        """Register a terminal; returns its token."""
        return (await register_kiosk(self.storage, name, village))[1]

    async def login(self, username: str, password: str = "pw-123456") -> str:
        """Log a lawyer in over HTTP; returns the session token."""
        async with self.http.post(
            f"{self.url}/api/login", json={"username": username, "password": password}
        ) as r:
            assert r.status == 200, await r.text()
            return str((await r.json())["token"])

    async def connect(self, token: str) -> SignalClient:
        """Open /ws with a bearer token and read the Welcome."""
        ws = await self.http.ws_connect(f"{self.url}/ws", headers={"Authorization": f"Bearer {token}"})
        client = SignalClient(ws, Welcome("", "", "", "", 0.0))
        client.welcome = await client.expect(Welcome)
        return client

    async def kiosk(self, name: str = "一号终端", village: str = "东村") -> SignalClient:
        """A registered, connected terminal."""
        return await self.connect(await self.add_kiosk(name, village))

    async def lawyer_on_duty(self, username: str, name: str, firm: str) -> SignalClient:
        """A logged-in lawyer desk that went on duty (its DutyState messages consumed)."""
        await self.add_lawyer(username, name, firm)
        desk = await self.connect(await self.login(username))
        await desk.expect(DutyState)  # off duty, right after Welcome
        await desk.send(SetDuty(on_duty=True))
        await desk.expect(DutyState)
        return desk


async def fresh_postgres_database(port: int, user: str, name: str) -> str:
    """Create an empty database on a test PostgreSQL (tools/pgserver.py); returns its asyncpg URL."""
    import asyncpg

    admin = await asyncpg.connect(host="127.0.0.1", port=port, user=user, database="postgres")
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return f"postgresql+asyncpg://{user}@127.0.0.1:{port}/{name}"


@asynccontextmanager
async def running_server(settings: ServerSettings) -> AsyncIterator[RunningServer]:
    """Run the real application on a free port of 127.0.0.1 until the block ends."""
    runner = web.AppRunner(create_app(settings), access_log_class=PathOnlyAccessLogger)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    server = RunningServer(f"http://{host}:{port}", runner, aiohttp.ClientSession())
    try:
        yield server
    finally:
        await server.stop()
        await server.http.close()
