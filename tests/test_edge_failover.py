"""Any node, any client: the real kiosk and desk flows move to another server, or back after a drain."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from aiohttp import WSMsgType, web

from media.answerer import DeskAnswerer
from media.caller import KioskCaller
from media.factories import synthetic_media
from media.flowbase import CALL_ENDED_BY_PEER
from media.flows import CALLER_TRANSITIONS, DESK_TRANSITIONS, CallerState, CallInfo, DeskState
from media.servers import ServerList, server_list
from protocol.messages import CallRequest, Welcome, decode, encode
from tests.media_fixtures import StateLog, use_loopback_host_candidates
from tools.appdriver import ServerProcess

PASSWORD = "pw-123456"
TOKEN = "kiosk-token-east"
WAIT_S = 40.0  # a hang guard only: a server process restarts within it


@pytest.fixture
def loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    use_loopback_host_candidates(monkeypatch)


def _node(directory: Path, *settings: str, accounts: bool = True) -> ServerProcess:
    node = ServerProcess(directory, [f"data_dir={directory / 'data'}", *settings])
    directory.mkdir(parents=True, exist_ok=True)
    if accounts:
        node.add_lawyer("wang", "王律师", "平安律所", PASSWORD)
        node.add_kiosk("一号终端", "东村", TOKEN)
    return node


@pytest.fixture
def nodes(tmp_path: Path) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    """Two server processes over one database (a province shares PostgreSQL; here one SQLite file)."""
    shared = f"database_url=sqlite+aiosqlite:///{tmp_path / 'shared.sqlite3'}"
    pair = (_node(tmp_path / "a", shared), _node(tmp_path / "b", shared, accounts=False))
    yield pair
    for node in pair:
        node.stop()


async def _poll(done: Callable[[], bool]) -> None:
    """Wait until `done()` (polling the flow's reports; a hang guard only)."""
    for _ in range(int(WAIT_S / 0.05)):
        if done():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the flow did not get there in time")


async def _seen(log: StateLog, condition: Callable[[CallInfo], bool]) -> None:
    """Wait until some info the flow reported meets the condition."""
    await _poll(lambda: any(condition(info) for info in log.infos))


async def _until(log: StateLog, state: object, condition: Callable[[CallInfo], bool]) -> None:
    """Wait until the flow is in `state` and its latest info meets the condition."""
    await _poll(lambda: log.states[-1] == state and bool(log.infos) and condition(log.infos[-1]))


def _pair(urls: list[str]) -> tuple[KioskCaller, DeskAnswerer]:
    kiosk = KioskCaller(urls, TOKEN, synthetic_media(320, 240, 15, 440))
    desk = DeskAnswerer(urls, synthetic_media(320, 240, 15, 660))
    return kiosk, desk


async def test_the_first_server_killed_the_desk_and_the_kiosk_carry_on_through_the_second(
    nodes: tuple[ServerProcess, ServerProcess], loopback: None
) -> None:
    first, second = nodes
    await asyncio.to_thread(first.start)  # one after the other: the first migrates the shared database
    await asyncio.to_thread(second.start)
    kiosk, desk = _pair([first.url, second.url])
    desk_log, kiosk_log = StateLog(desk, DESK_TRANSITIONS), StateLog(kiosk, CALLER_TRANSITIONS)
    try:
        await desk.login("wang", PASSWORD)
        await desk.set_duty(True)
        await kiosk.connect()
        assert first.proc is not None
        first.proc.send_signal(signal.SIGKILL)
        await _seen(desk_log, lambda info: info.reconnecting)  # 正在重新连接… on the desk
        await _until(desk_log, DeskState.AVAILABLE, lambda info: not info.reconnecting)  # on duty again

        calling = asyncio.ensure_future(kiosk.call("general"))
        ring = await desk_log.reach(DeskState.RINGING)
        assert ring.peer_name == "一号终端"
        await desk.accept()
        async with asyncio.timeout(WAIT_S):
            await calling
        assert kiosk.state == CallerState.IN_CALL
        await desk_log.reach(DeskState.IN_CALL)
        assert not desk_log.illegal and not kiosk_log.illegal
    finally:
        await kiosk.close()
        await desk.close()


async def test_a_waiting_kiosk_shows_reconnecting_through_a_restart_and_its_call_then_connects(
    tmp_path: Path, loopback: None
) -> None:
    node = _node(tmp_path / "a", "drain_timeout_s=5", "restart_grace_s=60")
    kiosk, desk = _pair([node.url])
    desk_log, kiosk_log = StateLog(desk, DESK_TRANSITIONS), StateLog(kiosk, CALLER_TRANSITIONS)
    try:
        await asyncio.to_thread(node.start)
        await desk.login("wang", PASSWORD)
        await desk.set_duty(True)
        calling = asyncio.ensure_future(kiosk.call("general"))
        await desk_log.reach(DeskState.RINGING)  # the kiosk waits while the lawyer's phone rings
        assert kiosk.state == CallerState.WAITING
        call_id = kiosk.info.call_id

        assert node.proc is not None
        node.proc.send_signal(signal.SIGTERM)  # a rolling restart of this node
        await _seen(kiosk_log, lambda info: info.reconnecting)
        assert kiosk.state == CallerState.WAITING  # the villager keeps the waiting screen
        assert await asyncio.to_thread(node.proc.wait, WAIT_S) == 0
        await asyncio.to_thread(node.start)

        await _until(
            kiosk_log, CallerState.WAITING, lambda info: not info.reconnecting and info.position == 1
        )
        assert kiosk.info.call_id == call_id  # the same call, its place taken back
        ring = await desk_log.reach(DeskState.RINGING)
        assert ring.call_id == call_id
        await desk.accept()  # the offer saved with the queue reaches the lawyer: media connects
        async with asyncio.timeout(WAIT_S):
            await calling
        assert kiosk.state == CallerState.IN_CALL
        assert not kiosk_log.illegal and not desk_log.illegal
    finally:
        await kiosk.close()
        await desk.close()
        node.stop()


def test_the_list_rotates_and_backs_off_with_jitter() -> None:
    servers = ServerList(["http://a", "http://b", "http://c"], rng=lambda: 1.0)
    first = servers.round()
    assert first[0] == "http://a" and sorted(first) == ["http://a", "http://b", "http://c"]
    servers.rotate()
    assert servers.round() == first[1:] + first[:1]
    servers.settle("http://a")
    assert servers.current == "http://a"
    assert servers.backoff_s(0) == pytest.approx(3.0)  # the first retry spread widest: 0.25-3 s
    assert ServerList(["x"], rng=lambda: 0.0).backoff_s(0) == pytest.approx(0.25)
    assert servers.backoff_s(1) == pytest.approx(1.0 * 1.25)
    assert ServerList(["x"], rng=lambda: 0.0).backoff_s(99) == pytest.approx(15.0 * 0.75)


def test_the_clients_of_a_dead_server_spread_over_the_others() -> None:
    urls = ["http://a", "http://b", "http://c", "http://d"]
    went_to: dict[str, int] = {}
    for _ in range(600):
        servers = ServerList(urls)
        assert servers.current == "http://a"  # everyone's own server first
        servers.rotate()  # a is dead
        went_to[servers.current] = went_to.get(servers.current, 0) + 1
    assert sorted(went_to) == ["http://b", "http://c", "http://d"]
    assert min(went_to.values()) > 120  # about 200 each; never all on the next in the list
    assert server_list([], "http://old/") == ["http://old"]  # the single old setting still works
    assert server_list(["http://n1/", " "], "http://old") == ["http://n1"]


async def _dying_node() -> tuple[web.AppRunner, str]:
    """A node that greets the kiosk, reads its call request and dies before answering it (its socket
    closes, its port refuses from then on): what a kiosk sees when its node is SIGKILLed right then."""
    sites: list[web.TCPSite] = []

    async def serve(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_str(encode(Welcome("kiosk-1", "kiosk", "一号终端", "12348", time.time())))
        async for frame in ws:
            if frame.type is WSMsgType.TEXT and isinstance(decode(frame.data), CallRequest):
                break
        await sites[0].stop()  # no more connections
        await ws.close()
        return ws

    app = web.Application()
    app.router.add_get("/ws", serve)
    runner = web.AppRunner(app)
    await runner.setup()
    sites.append(web.TCPSite(runner, "127.0.0.1", 0))
    await sites[0].start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}"


async def test_a_call_request_lost_with_its_node_is_asked_again_through_the_next_and_connects(
    tmp_path: Path, loopback: None
) -> None:
    node = _node(tmp_path / "a")
    dying, dying_url = await _dying_node()
    kiosk, desk = _pair([dying_url, node.url])
    desk = DeskAnswerer([node.url], synthetic_media(320, 240, 15, 660))  # the lawyer is elsewhere
    desk_log, kiosk_log = StateLog(desk, DESK_TRANSITIONS), StateLog(kiosk, CALLER_TRANSITIONS)
    try:
        await asyncio.to_thread(node.start)
        await desk.login("wang", PASSWORD)
        await desk.set_duty(True)
        calling = asyncio.ensure_future(kiosk.call("general"))
        await _seen(kiosk_log, lambda info: info.reconnecting)  # 正在重新连接…, no failure shown
        ring = await desk_log.reach(DeskState.RINGING)  # asked again through the live node
        assert ring.peer_name == "一号终端"
        assert CallerState.FAILED not in kiosk_log.states
        await desk.accept()
        async with asyncio.timeout(WAIT_S):
            await calling
        assert kiosk.state == CallerState.IN_CALL and not kiosk.info.reconnecting
        assert not desk_log.illegal and not kiosk_log.illegal
    finally:
        await kiosk.close()
        await desk.close()
        await dying.cleanup()
        node.stop()


async def test_a_lawyer_who_hangs_up_while_the_server_is_down_ends_the_call_once_it_is_back(
    tmp_path: Path, loopback: None
) -> None:
    node = _node(tmp_path / "a", "drain_timeout_s=1", "restart_grace_s=60", "call_rejoin_grace_s=600")
    kiosk, desk = _pair([node.url])
    desk_log, kiosk_log = StateLog(desk, DESK_TRANSITIONS), StateLog(kiosk, CALLER_TRANSITIONS)
    try:
        await asyncio.to_thread(node.start)
        await desk.login("wang", PASSWORD)
        await desk.set_duty(True)
        calling = asyncio.ensure_future(kiosk.call("general"))
        await desk_log.reach(DeskState.RINGING)
        await desk.accept()
        async with asyncio.timeout(WAIT_S):
            await calling
        await desk_log.reach(DeskState.IN_CALL)

        assert node.proc is not None
        node.proc.send_signal(signal.SIGTERM)  # the server restarts; the media goes on peer to peer
        assert await asyncio.to_thread(node.proc.wait, WAIT_S) == 0
        await desk.hangup()  # the lawyer is done while nobody hears the Hangup
        assert desk.state == DeskState.AVAILABLE
        await asyncio.to_thread(node.start)

        # Back, the desk says it again: the villager hears the lawyer ended the call, not, ten minutes
        # later, that the line was lost.
        await _until(kiosk_log, CallerState.ENDED, lambda info: info.message == CALL_ENDED_BY_PEER)
        await _until(desk_log, DeskState.AVAILABLE, lambda info: not info.reconnecting)
        assert not desk_log.illegal and not kiosk_log.illegal
    finally:
        await kiosk.close()
        await desk.close()
        node.stop()
