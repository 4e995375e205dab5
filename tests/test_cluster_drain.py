"""Graceful drain in cluster mode, with real server processes on a real PostgreSQL and Redis: SIGTERM
hands the node's centres over at once (leases here live a minute, so only a hand-over passes a centre
on within the test's wait), its clients reconnect elsewhere and keep their place, and a rolling
restart of every node loses no call."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from redis.asyncio import Redis

from protocol.messages import (
    Accept,
    CallAccepted,
    CallbackList,
    CallEnded,
    CallQueued,
    CallRequest,
    DutyState,
    Error,
    Hangup,
    QueueUpdate,
    Reconnect,
    Rejoin,
    Rejoined,
    ResumeCall,
    Ring,
    RingCancelled,
    SetDuty,
)
from server.storage import Storage
from tests.cluster_nodes import Node, cluster_engines, connect, node_cluster, owner_of
from tests.server_helpers import SignalClient

pytest.importorskip("asyncpg")
# A lease left to expire would pass on after a minute, not seconds; an unanswered ring waits as long.
LONG_LEASE = {"lease_ttl_s": "60", "ring_timeout_s": "300"}
HANDOVER_WAIT_S = 15.0
KIOSKS = ("k1", "k2", "k3", "k4", "k5")


@pytest.fixture(scope="module")
def engines():
    yield from cluster_engines()


@pytest.fixture
async def cluster(engines, tmp_path) -> AsyncIterator[tuple[dict[str, Node], str, Redis, dict[str, str]]]:
    """Three nodes with long leases; yields (nodes, database URL, redis, kiosk tokens)."""
    async with node_cluster(
        engines, tmp_path, kiosks=KIOSKS, lawyers=("wang", "li"), extra=LONG_LEASE
    ) as running:
        yield running


async def desk_on(
    http: aiohttp.ClientSession, node: Node, *, on_duty: bool, user: str = "wang"
) -> SignalClient:
    async with http.post(f"{node.url}/api/login", json={"username": user, "password": "pw-123456"}) as reply:
        desk = await connect(http, node, (await reply.json())["token"])
    await desk.expect(DutyState)
    if on_duty:
        await desk.send(SetDuty(on_duty=True))
        await desk.expect(DutyState)
    return desk


async def sent_away(client: SignalClient) -> int:
    """Read on to the Reconnect message and the close; returns the close code."""
    while not isinstance(await client.receive(), Reconnect):
        pass
    while (frame := await asyncio.wait_for(client.ws.receive(), 15)).type is aiohttp.WSMsgType.TEXT:
        pass
    assert frame.type is aiohttp.WSMsgType.CLOSE
    return int(frame.data)


async def come_back(
    http: aiohttp.ClientSession, node: Node, token: str, call_id: str
) -> tuple[SignalClient, int]:
    """A kiosk sent away reconnects to `node` and resumes its call; returns it and its queue position."""
    kiosk = await connect(http, node, token)
    await kiosk.send(ResumeCall(call_id))
    queued = await kiosk.expect(CallQueued)
    assert queued.call_id == call_id
    return kiosk, queued.position


async def answer_all(
    desk: SignalClient, kiosks: dict[str, SignalClient], call_of: dict[str, str]
) -> list[str]:
    """The desk answers every call offered and hangs up; returns the call ids in answer order.

    Offers withdrawn meanwhile (a caller whose node drained is away until it is back) are passed over."""
    answered: list[str] = []
    while len(answered) < len(call_of):
        message = await desk.receive()
        if isinstance(message, Ring):
            await desk.send(Accept(message.call_id))
        elif isinstance(message, CallAccepted):
            answered.append(message.call_id)
            kiosk = next(kiosks[k] for k, c in call_of.items() if c == message.call_id)
            assert (await kiosk.expect(CallAccepted)).call_id == message.call_id
            await desk.send(Hangup(message.call_id, "completed"))
            await kiosk.expect(Hangup)
        else:
            reports = RingCancelled | Error | DutyState | QueueUpdate | CallbackList | CallEnded
            assert isinstance(message, reports), message
    return answered


async def records_completed(database_url: str, call_ids: list[str]) -> bool:
    storage = Storage.open(database_url)
    try:
        for _ in range(50):
            records = [await storage.get_call(c) for c in call_ids]
            if all(r is not None and r.outcome == "completed" and r.answered_at for r in records):
                return True
            await asyncio.sleep(0.2)
        return False
    finally:
        await storage.close()


async def test_sigterm_hands_the_queue_over_and_every_call_is_answered_once(cluster):
    nodes, database_url, redis, tokens = cluster
    owner_name = await owner_of(redis, "main")
    owner = nodes[owner_name]
    survivors = [node for name, node in nodes.items() if name != owner_name]
    fence_before = int(await redis.get("fence:main"))
    async with aiohttp.ClientSession() as http:
        desk = await desk_on(http, survivors[1], on_duty=True)
        kiosks = {k: await connect(http, owner, tokens[k]) for k in KIOSKS[:3]}  # on the node to drain
        kiosks["k4"] = await connect(http, survivors[0], tokens["k4"])
        call_of: dict[str, str] = {}
        position: dict[str, int] = {}
        for name, kiosk in kiosks.items():
            await kiosk.send(CallRequest(request_id=f"r-{name}", topic="general"))
            queued = await kiosk.expect(CallQueued)
            call_of[name], position[name] = queued.call_id, queued.position
        first_ring = await desk.expect(Ring)  # k1's call rings, three wait
        assert first_ring.call_id == call_of["k1"]

        owner.proc.send_signal(signal.SIGTERM)
        assert await sent_away(kiosks["k1"]) == 1012  # "reconnect elsewhere"
        holder = await redis.get("lease:main")  # released before any client was sent away
        assert holder is None or not holder.decode().startswith(f"{owner_name}|")
        for name in ("k2", "k3"):
            assert await sent_away(kiosks[name]) == 1012
        new_owner = await owner_of(redis, "main", not_node=owner_name, timeout_s=HANDOVER_WAIT_S)
        assert new_owner in {node.name for node in survivors}
        assert int(await redis.get("fence:main")) > fence_before  # the new owner's writes carry a newer token
        assert await asyncio.to_thread(owner.proc.wait, 30) == 0

        for name in ("k3", "k1", "k2"):  # back through live nodes, in any order, each to its own place
            kiosks[name], place = await come_back(http, survivors[0], tokens[name], call_of[name])
            assert place == position[name]

        answered = await answer_all(desk, kiosks, call_of)
        assert sorted(answered) == sorted(call_of.values())  # each call answered, none twice
        assert await records_completed(database_url, answered)
        for client in [desk, *kiosks.values()]:
            await client.close()


async def rejoin(client: SignalClient, call_id: str) -> None:
    """A side of a connected call whose node drained re-attaches to the call through another node."""
    await client.send(Rejoin(call_id))
    back = await client.expect(Rejoined)
    assert back.call_id == call_id and back.ok


async def test_a_rolling_restart_of_every_node_loses_no_call(cluster, engines, tmp_path: Path):
    nodes, database_url, redis, tokens = cluster
    _, redis_server = engines
    names = list(nodes)
    async with aiohttp.ClientSession() as http:
        desks = {"wang": await desk_on(http, nodes["n1"], on_duty=True, user="wang")}
        desks["li"] = await desk_on(http, nodes["n3"], on_duty=True, user="li")
        desk_home = {"wang": nodes["n1"], "li": nodes["n3"]}
        home = {k: nodes[names[n % 3]] for n, k in enumerate(KIOSKS)}  # kiosks spread over all nodes
        kiosks = {k: await connect(http, home[k], tokens[k]) for k in KIOSKS}
        call_of: dict[str, str] = {}
        position: dict[str, int] = {}
        in_call: dict[str, str] = {}  # kiosk -> lawyer: two calls connected, three waiting behind them
        for k in KIOSKS:
            await kiosks[k].send(CallRequest(request_id=f"r-{k}", topic="general"))
            queued = await kiosks[k].expect(CallQueued)
            call_of[k], position[k] = queued.call_id, queued.position
            if len(in_call) < len(desks):
                user = next(u for u in desks if u not in in_call.values())
                assert (await desks[user].expect(Ring)).call_id == queued.call_id
                await desks[user].send(Accept(queued.call_id))
                await desks[user].expect(CallAccepted)
                await kiosks[k].expect(CallAccepted)
                in_call[k] = user
        waiting = [k for k in KIOSKS if k not in in_call]
        position = {k: n for n, k in enumerate(waiting, start=1)}

        for round_no, name in enumerate(names, start=1):
            old = nodes[name]
            fence_before = int(await redis.get("fence:main"))
            owned = (await owner_of(redis, "main")) == name
            old.proc.send_signal(signal.SIGTERM)
            moved = [k for k in KIOSKS if home[k] is old]
            desks_moved = [u for u in desks if desk_home[u] is old]
            for client in [kiosks[k] for k in moved] + [desks[u] for u in desks_moved]:
                assert await sent_away(client) == 1012
            assert await asyncio.to_thread(old.proc.wait, 30) == 0
            if owned:  # handed over, not left to expire
                await owner_of(redis, "main", not_node=name, timeout_s=HANDOVER_WAIT_S)
                assert int(await redis.get("fence:main")) > fence_before
            other = next(node for n, node in nodes.items() if n != name)
            for user in desks_moved:  # the lawyer's call went on peer to peer; the desk re-attaches
                desks[user] = await desk_on(http, other, on_duty=False, user=user)
                await rejoin(desks[user], call_of[next(k for k, u in in_call.items() if u == user)])
                desk_home[user] = other
            for k in moved:
                if k in in_call:
                    kiosks[k] = await connect(http, other, tokens[k])
                    await rejoin(kiosks[k], call_of[k])
                else:
                    kiosks[k], place = await come_back(http, other, tokens[k], call_of[k])
                    assert place == position[k]
                home[k] = other
            work = tmp_path / f"round{round_no}"
            work.mkdir()
            nodes[name] = Node(name, database_url, redis_server.url, work, LONG_LEASE)
            await nodes[name].ready(http)

        await desks["li"].send(SetDuty(on_duty=False))  # wang answers the waiting calls
        for k, user in in_call.items():  # both calls connected through the restarts end normally
            await desks[user].send(Hangup(call_of[k], "completed"))
            assert (await kiosks[k].expect(Hangup)).call_id == call_of[k]
        answered = await answer_all(desks["wang"], kiosks, {k: call_of[k] for k in waiting})
        assert answered == [call_of[k] for k in waiting]  # every waiting call, once each, in order
        assert await records_completed(database_url, list(call_of.values()))
        for client in [*desks.values(), *kiosks.values()]:
            await client.close()
