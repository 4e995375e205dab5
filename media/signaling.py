"""Signaling client: lawyer login over HTTP and the pool server's WebSocket, speaking protocol.messages."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp

from media.servers import ServerList
from protocol.messages import Message, ProtocolError, decode, encode

log = logging.getLogger(__name__)

WS_PATH = "/ws"
LOGIN_PATH = "/api/login"

UNREACHABLE = "连不上服务器，请检查网络后再试。"
REFUSED = "登录没有通过，请检查用户名和密码。"
KIOSK_REFUSED = "服务器不认这台终端，请联系管理员重新登记。"
CONNECTION_LOST = "与服务器的连接断开了，请稍后再试。"
SERVER_PROBLEM = "服务器出了问题，请稍后再试。"


class SignalingError(Exception):
    """Talking to the pool server failed. Attributes: user_message (plain Chinese), detail (English)."""

    def __init__(self, user_message: str, detail: str = "") -> None:
        super().__init__(f"{user_message} ({detail})" if detail else user_message)
        self.user_message = user_message
        self.detail = detail


class AuthRefused(SignalingError):  # noqa: N818 - reads as the outcome the caller handles
    """The server refused the password or token (HTTP 401/403)."""


class ServerUnreachable(SignalingError):  # noqa: N818 - reads as the outcome the caller handles
    """The server could not be reached, or did not answer in time."""


@dataclass(frozen=True)
class LoginResult:
    """What a successful lawyer login returns."""

    token: str
    display_name: str
    law_firm: str


def _http_url(server_url: str, path: str) -> str:
    return server_url.rstrip("/") + path


def _ws_url(server_url: str, path: str) -> str:
    base = server_url.rstrip("/")
    if base.startswith("https://"):
        base = "wss://" + base.removeprefix("https://")
    elif base.startswith("http://"):
        base = "ws://" + base.removeprefix("http://")
    return base + path


async def login(server_url: str, username: str, password: str, timeout_s: float = 10.0) -> LoginResult:
    """POST /api/login; returns the session token and who logged in. Raises AuthRefused/ServerUnreachable."""
    timeout = aiohttp.ClientTimeout(total=timeout_s)
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.post(
                _http_url(server_url, LOGIN_PATH), json={"username": username, "password": password}
            ) as response,
        ):
            if response.status in (401, 403):
                raise AuthRefused(REFUSED, f"login answered HTTP {response.status}")
            if response.status != 200:
                raise SignalingError(SERVER_PROBLEM, f"login answered HTTP {response.status}")
            body = await response.json()
    except (aiohttp.ClientConnectionError, TimeoutError) as exc:
        raise ServerUnreachable(UNREACHABLE, f"login: {type(exc).__name__}: {exc}") from None
    except (aiohttp.ContentTypeError, ValueError) as exc:
        raise SignalingError(SERVER_PROBLEM, f"login answer is not JSON: {exc}") from None
    try:
        return LoginResult(
            token=str(body["token"]),
            display_name=str(body.get("display_name", "")),
            law_firm=str(body.get("law_firm", "")),
        )
    except (KeyError, TypeError) as exc:
        raise SignalingError(SERVER_PROBLEM, f"login answer lacks {exc}") from None


class SignalingClient:
    """One authenticated WebSocket to the pool server; send messages, iterate over decoded ones.

    Attributes:
        connected: True between a successful connect() and the socket closing.
        close_detail: why the socket closed (English, for logs), once it has.
    """

    def __init__(self, timeout_s: float = 10.0) -> None:
        self._timeout_s = timeout_s
        self._session: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self.close_detail = ""

    @property
    def connected(self) -> bool:
        """True while the WebSocket is open."""
        return self._ws is not None and not self._ws.closed

    async def connect(self, server_url: str, token: str, path: str = WS_PATH) -> None:
        """Open the WebSocket with `Authorization: Bearer <token>`. Raises AuthRefused/ServerUnreachable."""
        await self.close()
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None))
        try:
            opening = self._session.ws_connect(
                _ws_url(server_url, path),
                headers={"Authorization": f"Bearer {token}"},
                heartbeat=15.0,
                timeout=aiohttp.ClientWSTimeout(ws_close=self._timeout_s),
                max_msg_size=1 << 20,
            )
            # A hung node (frozen, or its machine gone) must not hold the handshake: the next is tried.
            self._ws = await asyncio.wait_for(opening, self._timeout_s)
        except aiohttp.WSServerHandshakeError as exc:
            await self.close()
            if exc.status in (401, 403):
                raise AuthRefused(KIOSK_REFUSED, f"WebSocket refused with HTTP {exc.status}") from None
            raise SignalingError(SERVER_PROBLEM, f"WebSocket handshake: HTTP {exc.status}") from None
        except (aiohttp.ClientConnectionError, TimeoutError, OSError) as exc:
            await self.close()
            raise ServerUnreachable(UNREACHABLE, f"WebSocket: {type(exc).__name__}: {exc}") from None
        self.close_detail = ""

    async def connect_first(self, servers: ServerList, token: str, path: str = WS_PATH) -> str:
        """Connect to the first server of the list that takes us (from the current one); returns its url.

        A refused token ends the search at once (every node shares one database); an unreachable or
        draining server (HTTP 503) is skipped. Raises the last server's error when none took us.
        """
        last: SignalingError = ServerUnreachable(UNREACHABLE, "no server tried")
        for url in servers.round():
            try:
                await self.connect(url, token, path)
            except AuthRefused:
                raise
            except SignalingError as exc:
                log.info("server %s not taking us: %s", url, exc.detail)
                last = exc
                continue
            servers.settle(url)
            return url
        raise last

    async def send(self, message: Message) -> None:
        """Send one message. Raises ServerUnreachable when the socket is gone."""
        if self._ws is None or self._ws.closed:
            raise ServerUnreachable(CONNECTION_LOST, f"send {message.TYPE} on a closed socket")
        try:
            await self._ws.send_str(encode(message))
        except (aiohttp.ClientConnectionError, ConnectionResetError) as exc:
            raise ServerUnreachable(CONNECTION_LOST, f"send {message.TYPE}: {exc}") from None

    async def receive(self) -> Message | None:
        """The next decoded message; None once the socket has closed. Undecodable ones are logged, skipped."""
        ws = self._ws
        while ws is not None:
            raw = await ws.receive()
            if raw.type == aiohttp.WSMsgType.TEXT:
                try:
                    return decode(raw.data)
                except ProtocolError as exc:
                    log.warning("ignoring a message from the server: %s", exc.detail)
                    continue
            if raw.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSING, aiohttp.WSMsgType.CLOSED):
                self.close_detail = f"closed by server (code {ws.close_code})"
                break
            if raw.type == aiohttp.WSMsgType.ERROR:
                self.close_detail = f"socket error: {ws.exception()}"
                break
        return None

    async def messages(self) -> AsyncIterator[Message]:
        """Decoded messages until the socket closes."""
        while (message := await self.receive()) is not None:
            yield message

    async def close(self) -> None:
        """Close the WebSocket and its HTTP session."""
        ws, session = self._ws, self._session
        self._ws, self._session = None, None
        if ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ws.close(), self._timeout_s)
        if session is not None:
            await session.close()
