"""Graceful drain of a real server process: SIGTERM with calls waiting, then a restart keeps their places."""

from __future__ import annotations

import asyncio
import json
import signal
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from protocol.messages import (
    Accept,
    CallAccepted,
    CallQueued,
    CallRequest,
    Hangup,
    Reconnect,
    ResumeCall,
    Ring,
    SetDuty,
    Welcome,
)
from server.drain import DRAIN, DrainState, add_drain_hook, drain
from server.queue_snapshot import SNAPSHOT_FILE
from tests.server_helpers import SignalClient, running_server, server_settings
from tools.appdriver import ServerProcess

PASSWORD = "pw-123456"
KIOSKS = ("一号终端", "二号终端", "三号终端", "四号终端")


async def _connect(http: aiohttp.ClientSession, url: str, token: str) -> SignalClient:
    ws = await http.ws_connect(f"{url}/ws", headers={"Authorization": f"Bearer {token}"})
    client = SignalClient(ws, Welcome("", "", "", "", 0.0))
    client.welcome = await client.expect(Welcome)
    return client


async def _login(http: aiohttp.ClientSession, url: str) -> str:
    async with http.post(f"{url}/api/login", json={"username": "wang", "password": PASSWORD}) as reply:
        assert reply.status == 200
        return str((await reply.json())["token"])


async def _on_duty(desk: SignalClient) -> None:
    await desk.send(SetDuty(on_duty=True))


async def _told_to_reconnect(client: SignalClient) -> int:
    """Read past other messages to the Reconnect message, then to the close; returns the close code."""
    while not isinstance(await client.receive(), Reconnect):
        pass
    while (frame := await asyncio.wait_for(client.ws.receive(), 15)).type is aiohttp.WSMsgType.TEXT:
        pass
    assert frame.type is aiohttp.WSMsgType.CLOSE
    return int(frame.data)


@pytest.fixture
def node(tmp_path: Path) -> Iterator[ServerProcess]:
    settings = [f"data_dir={tmp_path / 'data'}", "drain_timeout_s=60", "restart_grace_s=120"]
    server = ServerProcess(tmp_path, settings)
    server.add_lawyer("wang", "王律师", "平安律所", PASSWORD)
    for number, name in enumerate(KIOSKS):
        server.add_kiosk(name, "东村", f"kiosk-token-{number}")
    yield server
    server.stop()


async def test_sigterm_drains_and_a_restarted_server_gives_waiting_kiosks_their_places_back(
    node: ServerProcess, tmp_path: Path
) -> None:
    await asyncio.to_thread(node.start)
    async with aiohttp.ClientSession() as http:
        token = await _login(http, node.url)
        desk = await _connect(http, node.url, token)
        await _on_duty(desk)
        kiosks = [await _connect(http, node.url, f"kiosk-token-{n}") for n in range(len(KIOSKS))]
        await kiosks[0].send(CallRequest(request_id="r0", topic="general"))
        in_call = (await kiosks[0].expect(CallQueued)).call_id
        await desk.send(Accept(call_id=(await desk.expect(Ring)).call_id))
        await kiosks[0].expect(CallAccepted)
        waiting: list[str] = []
        for n, kiosk in enumerate(kiosks[1:], start=1):
            await kiosk.send(CallRequest(request_id=f"r{n}", topic="general"))
            queued = await kiosk.expect(CallQueued)
            assert queued.position == n
            waiting.append(queued.call_id)

        assert node.proc is not None
        node.proc.send_signal(signal.SIGTERM)
        for kiosk in kiosks[1:]:  # waiting kiosks are sent away at once: "reconnect elsewhere", 1012
            assert await _told_to_reconnect(kiosk) == 1012
        async with http.get(f"{node.url}/readyz") as ready:  # the call in progress keeps the node draining
            assert ready.status == 503 and (await ready.json())["status"] == "draining"
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(f"{node.url}/ws", headers={"Authorization": "Bearer kiosk-token-1"})
        assert refused.value.status == 503
        assert refused.value.headers is not None and int(refused.value.headers["Retry-After"]) > 0
        await desk.send(Hangup(call_id=in_call, reason="completed"))
        assert await _told_to_reconnect(desk) == 1012
        assert await _told_to_reconnect(kiosks[0]) == 1012
        assert await asyncio.to_thread(node.proc.wait, 30) == 0
        snapshot = (tmp_path / "data" / SNAPSHOT_FILE).read_text()
        assert "东村" not in snapshot and waiting[0] not in snapshot  # saved encrypted
        assert json.loads(snapshot)["version"] == 1

        await asyncio.to_thread(node.start)
        desk = await _connect(http, node.url, token)
        await _on_duty(desk)
        positions = {}
        for n in (3, 2, 1):  # they come back in any order, and each gets its own place back
            kiosk = await _connect(http, node.url, f"kiosk-token-{n}")
            await kiosk.send(ResumeCall(call_id=waiting[n - 1]))
            positions[n] = (await kiosk.expect(CallQueued)).position
            kiosks[n] = kiosk
        assert positions == {1: 1, 2: 2, 3: 3}
        assert (await desk.expect(Ring)).call_id == waiting[0]  # the first in line rings first
        assert not (tmp_path / "data" / SNAPSHOT_FILE).exists()  # restored once
        for client in (desk, *kiosks[1:]):
            await client.close()


async def test_drain_hooks_run_while_the_node_already_refuses_newcomers(tmp_path: Path) -> None:
    settings = server_settings(tmp_path, drain_timeout_s=1.0)
    async with running_server(settings) as server:
        seen: list[tuple[int, int]] = []

        async def hand_leases_over(app: object) -> None:  # what the cluster code will do here
            async with (
                server.http.get(f"{server.url}/readyz") as ready,
                server.http.get(f"{server.url}/ws") as upgrade,
            ):
                seen.append((ready.status, upgrade.status))

        async def broken(app: object) -> None:
            raise RuntimeError("a hook bug")

        async def stuck(app: object) -> None:
            await asyncio.Event().wait()  # never ends by itself: the drain timeout cuts it off

        for hook in (broken, hand_leases_over, stuck):
            add_drain_hook(server.app, hook)
        kiosk = await server.kiosk()
        await asyncio.wait_for(drain(server.app), 10)
        assert seen == [(503, 503)]
        assert server.app[DRAIN].state is DrainState.DRAINING
        await kiosk.expect(Reconnect)
        assert not server.hub.connections
