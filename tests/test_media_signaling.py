"""The signaling client: login results, refusals and unreachable servers, and junk from the server skipped."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from media.signaling import (
    REFUSED,
    UNREACHABLE,
    AuthRefused,
    LoginResult,
    ServerUnreachable,
    SignalingClient,
    login,
)
from protocol.messages import DutyState, Welcome, encode
from tests.media_fixtures import FakePool, free_port


@pytest.fixture
async def pool() -> AsyncIterator[FakePool]:
    server = FakePool()
    await server.start()
    yield server
    await server.stop()


async def test_login_returns_the_token_and_who_logged_in(pool: FakePool) -> None:
    result = await login(pool.url, FakePool.USERNAME, FakePool.PASSWORD)
    assert result == LoginResult(token="lawyer-token", display_name="王律师", law_firm="阳光律师事务所")


async def test_a_wrong_password_and_a_missing_server_raise_plain_messages(pool: FakePool) -> None:
    with pytest.raises(AuthRefused) as refused:
        await login(pool.url, FakePool.USERNAME, "wrong")
    assert refused.value.user_message == REFUSED
    with pytest.raises(ServerUnreachable) as unreachable:
        await login(f"http://127.0.0.1:{free_port()}", "a", "b")
    assert unreachable.value.user_message == UNREACHABLE


async def test_junk_from_the_server_is_skipped_and_the_next_message_arrives() -> None:
    async def handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_str(encode(Welcome("k", "kiosk", "一号终端", "12348", 0.0)))
        await ws.send_str("{not json")
        await ws.send_str('{"v": 1, "type": "no_such_type"}')
        await ws.send_str(encode(DutyState("available", True)))
        await ws.close()
        return ws

    app = web.Application()
    app.router.add_get("/ws", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    client = SignalingClient()
    try:
        await client.connect(f"http://127.0.0.1:{port}", "token")
        received = [message async for message in client.messages()]
        assert [type(m) for m in received] == [Welcome, DutyState]
        assert not client.connected
    finally:
        await client.close()
        await runner.cleanup()
