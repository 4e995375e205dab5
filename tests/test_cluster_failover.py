"""Three real server processes on a real PostgreSQL and Redis: SIGKILL the node owning the queue
while calls ring and wait; every call is then answered exactly once, and a kiosk whose node died
reconnects to another node and keeps its place."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from redis.asyncio import Redis

from protocol.messages import (
    Accept,
    CallAccepted,
    CallQueued,
    CallRequest,
    DutyState,
    Hangup,
    ResumeCall,
    Ring,
    SetDuty,
)
from server.storage import Storage
from tests.cluster_nodes import LEASE_TTL_S, Node, cluster_engines, connect, node_cluster, owner_of

pytest.importorskip("asyncpg")


@pytest.fixture(scope="module")
def engines():
    yield from cluster_engines()


@pytest.fixture
async def cluster(engines, tmp_path) -> AsyncIterator[tuple[dict[str, Node], str, Redis, dict[str, str]]]:
    """Three nodes sharing a fresh database; yields (nodes, database URL, redis, kiosk tokens)."""
    async with node_cluster(engines, tmp_path) as running:
        yield running


async def test_killing_the_queue_owner_loses_no_call_and_answers_each_once(cluster):
    nodes, database_url, redis, tokens = cluster
    owner_name = await owner_of(redis, "main")
    owner = nodes[owner_name]
    survivors = [node for name, node in nodes.items() if name != owner_name]
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{survivors[1].url}/api/login", json={"username": "wang", "password": "pw-123456"}
        ) as response:
            desk_token = (await response.json())["token"]
        desk = await connect(http, survivors[1], desk_token)
        await desk.expect(DutyState)
        await desk.send(SetDuty(on_duty=True))
        await desk.expect(DutyState)

        kiosks = {k: await connect(http, survivors[0], tokens[k]) for k in ("k1", "k2", "k3")}
        kiosks["k4"] = await connect(http, owner, tokens["k4"])  # this one's node is about to die
        call_of: dict[str, str] = {}
        for name, kiosk in kiosks.items():
            await kiosk.send(CallRequest(request_id=f"r-{name}", topic="general"))
            call_of[name] = (await kiosk.expect(CallQueued)).call_id
        first_ring = await desk.expect(Ring)  # the first call rings, three wait
        assert first_ring.call_id == call_of["k1"]

        owner.proc.send_signal(signal.SIGKILL)
        owner.proc.wait()
        assert await owner_of(redis, "main", not_node=owner_name) in {n.name for n in survivors}

        # The kiosk whose node died comes back through a live node and takes its place again.
        back = await connect(http, survivors[0], tokens["k4"])
        await back.send(ResumeCall(call_of["k4"]))
        assert (await back.expect(CallQueued)).call_id == call_of["k4"]
        kiosks["k4"] = back

        answered: list[str] = []
        ring = first_ring
        for _ in range(4):
            await desk.send(Accept(ring.call_id))
            await desk.expect(CallAccepted)
            answered.append(ring.call_id)
            kiosk = next(kiosks[k] for k, c in call_of.items() if c == ring.call_id)
            assert (await kiosk.expect(CallAccepted)).call_id == ring.call_id
            await desk.send(Hangup(ring.call_id, "completed"))
            await kiosk.expect(Hangup)
            if len(answered) < 4:
                ring = await desk.expect(Ring)
        assert sorted(answered) == sorted(call_of.values())  # each call answered, none twice

        storage = Storage.open(database_url)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            records = [await storage.get_call(c) for c in call_of.values()]
            if all(r is not None and r.outcome == "completed" for r in records):
                break
            await asyncio.sleep(0.2)
        await storage.close()
        assert all(r is not None and r.outcome == "completed" and r.answered_at for r in records)
        for client in [desk, *kiosks.values()]:
            await client.close()


async def test_a_brief_redis_restart_loses_no_call(cluster, engines):
    nodes, _, _, tokens = cluster
    _, redis_server = engines
    n1, n2 = nodes["n1"], nodes["n2"]
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{n2.url}/api/login", json={"username": "wang", "password": "pw-123456"}
        ) as response:
            desk = await connect(http, n2, (await response.json())["token"])
        await desk.expect(DutyState)
        await desk.send(SetDuty(on_duty=True))
        await desk.expect(DutyState)
        k1, k2 = await connect(http, n1, tokens["k1"]), await connect(http, n1, tokens["k2"])
        await k1.send(CallRequest(request_id="r1", topic="general"))
        first = (await k1.expect(CallQueued)).call_id
        assert (await desk.expect(Ring)).call_id == first

        redis_server.restart(down_s=2 * LEASE_TTL_S)  # longer than leases and presence live
        await k2.send(CallRequest(request_id="r2", topic="general"))  # asked while Redis restarts
        second = (await k2.expect(CallQueued)).call_id

        for call_id, kiosk in ((first, k1), (second, k2)):
            if call_id == second:
                assert (await desk.expect(Ring)).call_id == second
            await desk.send(Accept(call_id))
            await desk.expect(CallAccepted)
            assert (await kiosk.expect(CallAccepted)).call_id == call_id
            await desk.send(Hangup(call_id, "completed"))
            await kiosk.expect(Hangup)
        for client in (desk, k1, k2):
            await client.close()


async def test_a_connected_call_goes_on_through_the_owners_death_and_is_recorded(cluster):
    nodes, database_url, redis, tokens = cluster
    owner_name = await owner_of(redis, "main")
    survivors = [node for name, node in nodes.items() if name != owner_name]
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{survivors[0].url}/api/login", json={"username": "wang", "password": "pw-123456"}
        ) as response:
            desk = await connect(http, survivors[0], (await response.json())["token"])
        await desk.expect(DutyState)
        await desk.send(SetDuty(on_duty=True))
        await desk.expect(DutyState)
        kiosk = await connect(http, survivors[1], tokens["k1"])
        await kiosk.send(CallRequest(request_id="r1", topic="general"))
        call_id = (await kiosk.expect(CallQueued)).call_id
        await desk.expect(Ring)
        await desk.send(Accept(call_id))
        await desk.expect(CallAccepted)
        await kiosk.expect(CallAccepted)

        nodes[owner_name].proc.send_signal(signal.SIGKILL)  # media is peer to peer: the call goes on
        nodes[owner_name].proc.wait()
        await owner_of(redis, "main", not_node=owner_name)
        await kiosk.send(Hangup(call_id, "completed"))
        assert (await desk.expect(Hangup)).call_id == call_id

        storage = Storage.open(database_url)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            record = await storage.get_call(call_id)
            if record is not None and record.outcome == "completed":
                break
            await asyncio.sleep(0.2)
        await storage.close()
        assert record is not None and record.outcome == "completed" and record.ended_by == "kiosk"
        await desk.close()
        await kiosk.close()


async def test_a_node_frozen_past_its_heartbeat_sends_its_clients_elsewhere_and_they_keep_their_place(
    cluster,
):
    nodes, _, redis, tokens = cluster
    owner_name = await owner_of(redis, "main")
    frozen, desk_node = [node for name, node in nodes.items() if name != owner_name]
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{desk_node.url}/api/login", json={"username": "wang", "password": "pw-123456"}
        ) as response:
            desk = await connect(http, desk_node, (await response.json())["token"])
        await desk.expect(DutyState)
        await desk.send(SetDuty(on_duty=True))
        await desk.expect(DutyState)
        k1 = await connect(http, desk_node, tokens["k1"])
        await k1.send(CallRequest(request_id="r1", topic="general"))
        busy = (await k1.expect(CallQueued)).call_id
        await desk.expect(Ring)
        await desk.send(Accept(busy))
        await desk.expect(CallAccepted)
        k2 = await connect(http, frozen, tokens["k2"])  # waits behind the call in progress
        await k2.send(CallRequest(request_id="r2", topic="general"))
        waiting = (await k2.expect(CallQueued)).call_id

        frozen.proc.send_signal(signal.SIGSTOP)  # alive, but too busy to beat: counted as dead
        await asyncio.sleep(4 * LEASE_TTL_S)
        frozen.proc.send_signal(signal.SIGCONT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # the frozen node closes the socket the owner gave up on
            frame = await asyncio.wait_for(k2.ws.receive(), deadline - time.monotonic())
            if frame.type is not aiohttp.WSMsgType.TEXT:
                break
        assert k2.ws.closed

        back = await connect(http, desk_node, tokens["k2"])
        await back.send(ResumeCall(waiting))
        assert (await back.expect(CallQueued)).call_id == waiting
        await desk.send(Hangup(busy, "completed"))
        assert (await desk.expect(Ring)).call_id == waiting  # its place was kept
        for client in (desk, k1, back):
            await client.close()


@pytest.fixture
async def long_lease_cluster(
    engines, tmp_path
) -> AsyncIterator[tuple[dict[str, Node], str, Redis, dict[str, str]]]:
    """Two nodes whose leases last a minute: a takeover within seconds can only come from crash
    detection, never from lease expiry."""
    async with node_cluster(
        engines, tmp_path, names=("n1", "n2"), kiosks=("k1", "k2"), extra={"lease_ttl_s": "60"}
    ) as running:
        yield running


async def test_a_crashed_owner_is_found_by_its_closed_link_long_before_its_lease_ends(long_lease_cluster):
    nodes, _, redis, tokens = long_lease_cluster
    owner_name = await owner_of(redis, "main")
    (survivor,) = [node for name, node in nodes.items() if name != owner_name]
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{survivor.url}/api/login", json={"username": "wang", "password": "pw-123456"}
        ) as response:
            desk = await connect(http, survivor, (await response.json())["token"])
        await desk.expect(DutyState)
        await desk.send(SetDuty(on_duty=True))
        await desk.expect(DutyState)
        k1 = await connect(http, survivor, tokens["k1"])
        await k1.send(CallRequest(request_id="r1", topic="general"))
        busy = (await k1.expect(CallQueued)).call_id
        await desk.expect(Ring)
        await desk.send(Accept(busy))
        await desk.expect(CallAccepted)
        k2 = await connect(http, survivor, tokens["k2"])
        await k2.send(CallRequest(request_id="r2", topic="general"))
        waiting = (await k2.expect(CallQueued)).call_id

        nodes[owner_name].proc.send_signal(signal.SIGKILL)
        nodes[owner_name].proc.wait()
        # The lease would hold for a minute; the survivor owns the centre within seconds.
        assert await owner_of(redis, "main", not_node=owner_name, timeout_s=15) == survivor.name
        assert await redis.get(f"node:{owner_name}") is None
        assert await redis.exists(f"dead:{owner_name}")

        await desk.send(Hangup(busy, "completed"))
        assert (await desk.expect(Ring)).call_id == waiting  # the waiting call kept its place
        for client in (desk, k1, k2):
            await client.close()


async def test_a_live_node_wrongly_found_dead_gives_its_centres_up_and_comes_back(cluster):
    nodes, _, redis, _ = cluster
    owner_name = await owner_of(redis, "main")
    killed = 0
    for client in await redis.client_list(_type="normal"):
        if client.get("name") == f"pool-node:{owner_name}":
            await redis.client_kill_filter(_id=client["id"])
            killed += 1
    assert killed == 1
    # Cut off for a moment (its link closed), the owner is declared dead and the other node takes over;
    # the owner's next renewal is refused, and it goes on as an ordinary live node.
    other = await owner_of(redis, "main", not_node=owner_name, timeout_s=15)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if await redis.get(f"node:{owner_name}") and not await redis.exists(f"dead:{owner_name}"):
            break
        await asyncio.sleep(0.1)
    assert await redis.get(f"node:{owner_name}") is not None
    assert not await redis.exists(f"dead:{owner_name}")
    assert nodes[owner_name].proc.poll() is None
    assert await owner_of(redis, "main") == other  # no flapping back
