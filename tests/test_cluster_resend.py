"""Nothing a node takes down with it is lost: three real server processes on PostgreSQL and Redis, the
real kiosk and desk flows, a node frozen (SIGSTOP) so a message sent to it is swallowed, then killed.

A call request whose answer died is sent again and stays one call; a kiosk whose node dies while the
lawyer answers resumes and connects; a Hangup that died with a node is sent again after the reconnect,
so the call is recorded as hung up (not ended by the rejoin grace) and the lawyer gets the next call.
"""

from __future__ import annotations

import asyncio
import json
import signal
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiortc import MediaStreamTrack
from redis.asyncio import Redis
from sqlalchemy import text

from media.answerer import DeskAnswerer
from media.caller import KioskCaller
from media.factories import DeviceLostCallback, MediaFactories, synthetic_media
from media.flowbase import CALL_ENDED_BY_PEER
from media.flows import CALLER_TRANSITIONS, DESK_TRANSITIONS, CallerState, CallInfo, DeskState
from media.synthetic import SyntheticVideoTrack
from protocol.messages import CallQueued, CallRequest
from server.auth import token_hash
from server.storage import Storage
from tests.cluster_nodes import Node, cluster_engines, connect, node_cluster, owner_of
from tests.media_fixtures import StateLog, use_loopback_host_candidates

pytest.importorskip("asyncpg")
PASSWORD = "pw-123456"
# Leases long enough that a node frozen for a few seconds keeps its centre; a rejoin grace so long that a
# call ended within a test was ended by a Hangup, never by the grace running out.
SETTINGS = {"lease_ttl_s": "60", "call_rejoin_grace_s": "300"}
STALL_GIVE_UP_S = 300.0  # the flows never end a call for stalled media during a test
WAIT_S = 40.0  # a hang guard only: reconnecting through a dead node takes a few seconds


@pytest.fixture(scope="module")
def engines():
    yield from cluster_engines()


class Cluster:
    """Three running nodes, which of them owns the centre's queue, and the database."""

    def __init__(self, nodes: dict[str, Node], owner: str, database_url: str, redis: Redis) -> None:
        self.nodes = nodes
        self.owner = nodes[owner]
        self.others = [node for name, node in nodes.items() if name != owner]
        self.database_url = database_url
        self.redis = redis
        self.tokens: dict[str, str] = {}

    def freeze(self, node: Node) -> None:
        """Stop the process: it keeps its sockets open but reads and sends nothing."""
        node.proc.send_signal(signal.SIGSTOP)

    def kill(self, node: Node) -> None:
        """SIGKILL (a frozen node too): its sockets close at once."""
        node.proc.send_signal(signal.SIGKILL)
        node.proc.wait()


@pytest.fixture
def loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    use_loopback_host_candidates(monkeypatch)


@pytest.fixture
async def cluster(engines, tmp_path: Path, loopback: None) -> AsyncIterator[Cluster]:
    async with node_cluster(engines, tmp_path, kiosks=("k1", "k2"), extra=SETTINGS) as running:
        nodes, database_url, redis, tokens = running
        try:
            found = Cluster(nodes, await owner_of(redis, "main"), database_url, redis)
            found.tokens = tokens
            yield found
        finally:
            for node in nodes.values():
                if node.proc.poll() is None:
                    node.proc.send_signal(signal.SIGCONT)  # a frozen node stops like any other


def kiosk_on(cluster: Cluster, kiosk: str, *nodes: Node) -> KioskCaller:
    """The kiosk flow, trying the nodes in this order."""
    media = synthetic_media(320, 240, 15, 440)
    return KioskCaller([n.url for n in nodes], cluster.tokens[kiosk], media, stall_give_up_s=STALL_GIVE_UP_S)


async def desk_on(*nodes: Node, media: MediaFactories | None = None) -> DeskAnswerer:
    """The desk flow, logged in and on duty on the first node."""
    desk = DeskAnswerer(
        [n.url for n in nodes], media or synthetic_media(320, 240, 15, 660), stall_give_up_s=STALL_GIVE_UP_S
    )
    await desk.login("wang", PASSWORD)
    await desk.set_duty(True)
    assert desk.state == DeskState.AVAILABLE
    return desk


async def poll(done: Callable[[], bool], what: str) -> None:
    """Wait until `done()` (a hang guard only)."""
    for _ in range(int(WAIT_S / 0.05)):
        if done():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never happened: {what}")


async def seen(log: StateLog, condition: Callable[[CallInfo], bool], what: str) -> None:
    await poll(lambda: any(condition(info) for info in log.infos), what)


async def settle(log: StateLog, state: object, what: str) -> CallInfo:
    """Wait until the flow is in `state`; returns its latest info."""
    await poll(lambda: log.states[-1] == state, what)
    return log.infos[-1]


async def connected(kiosk: KioskCaller, desk: DeskAnswerer, desk_log: StateLog) -> asyncio.Task[None]:
    """The kiosk calls and the desk answers; returns the kiosk's call task (done once IN_CALL)."""
    calling = asyncio.ensure_future(kiosk.call("general"))
    await settle(desk_log, DeskState.RINGING, "the desk rings")
    await desk.accept()
    return calling


async def stored_call(cluster: Cluster, call_id: str) -> dict[str, Any]:
    """The call as the queue owner wrote it through to Redis ({} once it is no longer live)."""
    raw = await cluster.redis.hget("queue:main", f"call:{call_id}")
    return json.loads(raw) if raw else {}


async def record(cluster: Cluster, call_id: str, done: Callable[[Any], bool]) -> Any:
    """The call's record once `done(record)` holds."""
    storage = Storage.open(cluster.database_url)
    try:
        for _ in range(int(WAIT_S / 0.1)):
            found = await storage.get_call(call_id)
            if found is not None and done(found):
                return found
            await asyncio.sleep(0.1)
    finally:
        await storage.close()
    raise AssertionError(f"call {call_id} was never recorded so")


async def calls_of(cluster: Cluster, kiosk: str) -> int:
    """How many calls the records hold for this kiosk."""
    storage = Storage.open(cluster.database_url)
    try:
        account = await storage.kiosk_by_token_hash(token_hash(cluster.tokens[kiosk]))
        assert account is not None
        async with storage.engine.connect() as db:
            query = text("SELECT count(*) FROM calls WHERE kiosk_id = :kiosk")
            return int((await db.execute(query, {"kiosk": account.kiosk_id})).scalar_one())
    finally:
        await storage.close()


async def inbox_holds(cluster: Cluster, kind: str) -> bool:
    """Some client event in the centre's inbox (a Redis stream) is a message of this type."""
    entries: Any = await cluster.redis.xrange("inbox:main")
    events = [json.loads(data[b"e"]) for _, data in entries]
    return any(json.loads(event.get("text", "{}")).get("type") == kind for event in events)


async def test_a_request_whose_answer_died_with_the_kiosks_node_is_sent_again_and_stays_one_call(
    cluster: Cluster,
) -> None:
    kiosk_node, desk_node = cluster.others
    desk = await desk_on(desk_node)
    desk_log = StateLog(desk, DESK_TRANSITIONS)
    kiosk = kiosk_on(cluster, "k1", kiosk_node, desk_node)
    kiosk_log = StateLog(kiosk, CALLER_TRANSITIONS)
    try:
        await kiosk.connect()
        cluster.freeze(cluster.owner)  # the queue owner takes the request only after the kiosk's node died
        calling = asyncio.ensure_future(kiosk.call("general"))
        await poll(lambda: kiosk.state == CallerState.REQUESTING, "the kiosk asks")
        for _ in range(int(WAIT_S / 0.05)):  # the kiosk's node passed the request on: it is in the inbox
            if await inbox_holds(cluster, "call_request"):
                break
            await asyncio.sleep(0.05)
        cluster.kill(kiosk_node)  # ... and dies before the owner's answer could come back through it
        await seen(kiosk_log, lambda info: info.reconnecting, "正在重新连接… while asking")
        assert kiosk.state == CallerState.REQUESTING  # the villager did not have to tap again
        cluster.owner.proc.send_signal(signal.SIGCONT)

        info = await settle(kiosk_log, CallerState.WAITING, "the kiosk is in the queue")
        assert not info.reconnecting and info.call_id
        await poll(
            lambda: desk.state == DeskState.RINGING and desk.info.call_id == info.call_id, "its call rings"
        )
        await record(cluster, info.call_id, lambda r: r.first_ring_at is not None)  # written in order
        assert await calls_of(cluster, "k1") == 1  # the request that reached the owner twice is one call
        assert CallerState.FAILED not in kiosk_log.states
        assert not kiosk_log.illegal and not desk_log.illegal
        await kiosk.cancel()  # the villager gives up after all: the call is withdrawn
        async with asyncio.timeout(WAIT_S):
            await calling
    finally:
        await kiosk.close()
        await desk.close()


async def test_a_kiosk_whose_node_dies_while_the_lawyer_answers_resumes_and_the_call_connects(
    cluster: Cluster,
) -> None:
    kiosk_node, desk_node = cluster.others
    camera_ready = asyncio.Event()  # the lawyer's camera opens only when the test says so
    desk_media = synthetic_media(320, 240, 15, 660)

    async def slow_camera(lost: DeviceLostCallback) -> MediaStreamTrack:
        await camera_ready.wait()
        return SyntheticVideoTrack(320, 240, 15)

    desk = await desk_on(
        desk_node, cluster.owner, media=MediaFactories(slow_camera, desk_media.audio, desk_media.audio_sink)
    )
    desk_log = StateLog(desk, DESK_TRANSITIONS)
    kiosk = kiosk_on(cluster, "k1", kiosk_node, desk_node, cluster.owner)
    kiosk_log = StateLog(kiosk, CALLER_TRANSITIONS)
    try:
        calling = await connected(kiosk, desk, desk_log)
        await poll(lambda: kiosk.state == CallerState.CONNECTING, "the kiosk hears the lawyer answered")
        call_id = kiosk.info.call_id
        cluster.freeze(kiosk_node)
        camera_ready.set()  # the desk answers the offer; the answer goes to the frozen node
        for _ in range(int(WAIT_S / 0.05)):
            if (await stored_call(cluster, call_id)).get("answer_sdp"):
                break
            await asyncio.sleep(0.05)
        cluster.kill(kiosk_node)  # the answer dies with it

        await seen(kiosk_log, lambda info: info.reconnecting, "正在重新连接… while connecting")
        async with asyncio.timeout(WAIT_S):
            await calling
        assert kiosk.state == CallerState.IN_CALL and kiosk.info.call_id == call_id
        await settle(desk_log, DeskState.IN_CALL, "the lawyer sees the villager")
        assert CallerState.FAILED not in kiosk_log.states
        assert not kiosk.info.reconnecting
        assert not kiosk_log.illegal and not desk_log.illegal
    finally:
        await kiosk.close()
        await desk.close()


async def test_a_lawyers_hangup_lost_with_its_node_is_sent_again_and_the_next_villager_is_answered(
    cluster: Cluster,
) -> None:
    kiosk_node, desk_node = cluster.others
    desk = await desk_on(desk_node, cluster.owner)
    desk_log = StateLog(desk, DESK_TRANSITIONS)
    kiosk = kiosk_on(cluster, "k1", kiosk_node, cluster.owner)
    kiosk_log = StateLog(kiosk, CALLER_TRANSITIONS)
    async with aiohttp.ClientSession() as http:
        try:
            calling = await connected(kiosk, desk, desk_log)
            async with asyncio.timeout(WAIT_S):
                await calling
            call_id = kiosk.info.call_id
            await settle(desk_log, DeskState.IN_CALL, "the call connects")
            next_kiosk = await connect(http, cluster.owner, cluster.tokens["k2"])
            await next_kiosk.send(CallRequest(request_id="r2", topic="general"))
            next_call = (await next_kiosk.expect(CallQueued)).call_id  # waits: the lawyer is busy

            cluster.freeze(desk_node)
            cluster.freeze(kiosk_node)
            await desk.hangup()  # 挂断: the Hangup goes into the frozen node's socket
            assert desk.state == DeskState.AVAILABLE
            cluster.kill(desk_node)  # the Hangup dies with it; the desk reconnects and sends it again

            ring = await settle(desk_log, DeskState.RINGING, "the next villager's call rings")
            assert ring.call_id == next_call
            ended = await record(cluster, call_id, lambda r: r.outcome is not None)
            assert (ended.outcome, ended.ended_by) == (
                "completed",
                "lawyer",
            )  # not the grace's "disconnected"

            cluster.kill(kiosk_node)  # the lawyer's Hangup died on its way to the kiosk: it hears at Rejoin
            info = await settle(kiosk_log, CallerState.ENDED, "the villager's call ends")
            assert info.message == CALL_ENDED_BY_PEER
            assert not kiosk_log.illegal and not desk_log.illegal
            await next_kiosk.close()
        finally:
            await kiosk.close()
            await desk.close()


async def test_a_villagers_hangup_lost_with_its_node_is_sent_again_and_frees_the_lawyer(
    cluster: Cluster,
) -> None:
    kiosk_node, desk_node = cluster.others
    desk = await desk_on(desk_node, cluster.owner)
    desk_log = StateLog(desk, DESK_TRANSITIONS)
    kiosk = kiosk_on(cluster, "k1", kiosk_node, cluster.owner)
    kiosk_log = StateLog(kiosk, CALLER_TRANSITIONS)
    async with aiohttp.ClientSession() as http:
        try:
            calling = await connected(kiosk, desk, desk_log)
            async with asyncio.timeout(WAIT_S):
                await calling
            call_id = kiosk.info.call_id
            await settle(desk_log, DeskState.IN_CALL, "the call connects")
            next_kiosk = await connect(http, cluster.owner, cluster.tokens["k2"])
            await next_kiosk.send(CallRequest(request_id="r2", topic="general"))
            next_call = (await next_kiosk.expect(CallQueued)).call_id

            cluster.freeze(kiosk_node)
            await kiosk.hangup()  # 挂断 on the terminal: into the frozen node's socket
            assert kiosk.state == CallerState.ENDED
            cluster.kill(kiosk_node)  # lost; the kiosk reconnects by itself to send it again

            ring = await settle(desk_log, DeskState.RINGING, "the next villager's call rings")
            assert ring.call_id == next_call
            assert any(info.message == CALL_ENDED_BY_PEER for info in desk_log.infos)
            ended = await record(cluster, call_id, lambda r: r.outcome is not None)
            assert (ended.outcome, ended.ended_by) == ("completed", "kiosk")
            assert not kiosk_log.illegal and not desk_log.illegal
            await next_kiosk.close()
        finally:
            await kiosk.close()
            await desk.close()
