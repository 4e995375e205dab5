"""Queue ownership in cluster mode: one owner at a time, and a stale owner's writes are refused."""

from __future__ import annotations

import asyncio
import time

import pytest

from server.cluster.lease import Lease, LeaseState, StaleOwnerError
from server.cluster.ownership import Ownership


async def test_only_one_node_holds_a_centre_queue(redis):
    a, b = Lease(redis, "centre-1", "node-a"), Lease(redis, "centre-1", "node-b")
    assert await a.acquire()
    assert not await b.acquire()
    assert await a.acquire()  # re-acquiring our own lease keeps the same token
    assert a.token == 1


async def test_expired_lease_passes_to_another_node_with_a_newer_token(redis):
    a = Lease(redis, "centre-1", "node-a", ttl_ms=100)
    b = Lease(redis, "centre-1", "node-b", ttl_ms=100)
    assert await a.acquire()
    await asyncio.sleep(0.15)  # node-a paused past its lease
    assert await b.acquire()
    assert b.token > a.token
    assert not await a.renew()
    assert a.state is LeaseState.LOST


async def test_stale_owner_write_is_refused_by_fencing(redis):
    a = Lease(redis, "centre-1", "node-a", ttl_ms=100)
    b = Lease(redis, "centre-1", "node-b", ttl_ms=5000)
    await a.acquire()
    await a.fenced_hset("queue:centre-1", "call-1", "waiting")
    await asyncio.sleep(0.15)
    await b.acquire()
    with pytest.raises(StaleOwnerError):
        await a.fenced_hset("queue:centre-1", "call-1", "ringing:lawyer-9")
    await b.fenced_hset("queue:centre-1", "call-1", "ringing:lawyer-2")
    assert await redis.hget("queue:centre-1", "call-1") == b"ringing:lawyer-2"


async def test_released_lease_is_taken_at_once(redis):
    a, b = Lease(redis, "centre-2", "node-a"), Lease(redis, "centre-2", "node-b")
    await a.acquire()
    await a.release()
    assert await b.acquire()


async def test_a_node_too_busy_to_wait_its_turn_keeps_every_lease(redis):
    """30 centres on one node whose event loop is saturated (every turn held 40 ms by other work):
    renewing them all in one round trip keeps each lease (one after another, they expired)."""
    ttl_ms = 1500
    busy = Ownership(redis, "busy", ttl_ms)
    centres = [f"c{n:02d}" for n in range(30)]
    gained, _ = await busy.tick(centres, ["busy"])
    assert sorted(gained) == centres
    hogging = True

    async def hog() -> None:
        while hogging:
            time.sleep(0.04)  # noqa: ASYNC251 (the point: other work holding the loop)
            await asyncio.sleep(0)

    hog_task = asyncio.create_task(hog())
    try:
        for _ in range(4):  # as the node's tick loop: a tick every ttl/3
            await asyncio.sleep(ttl_ms / 3000)
            gained, lost = await busy.tick(centres, ["busy"])
            assert (gained, lost) == ([], [])  # a lease that had expired would fail its renewal
    finally:
        hogging = False
        await hog_task
    holders = await redis.mget([f"lease:{c}" for c in centres])
    assert holders == [b"busy|1"] * len(centres)  # still ours, never taken over meanwhile
