"""The pool's queue state written through to a store (memory, Redis): random owner takeovers
rebuild it exactly, no call is lost or offered twice, priorities hold, a stale owner is refused."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import Awaitable
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import invariant, rule
from redis.asyncio import Redis

from server.cluster.lease import Lease, StaleOwnerError
from server.cluster.queue_store import MemoryQueueStore, QueueStore, RedisQueueStore
from server.cluster.snapshot import META, Journal, pool_fields, restore_pool
from server.pool import Pool
from server.pool_model import Action
from server.roster import Roster
from server.routing import RoutingRules
from tests.test_pool_properties import PoolMachine, RingAllMachine, TieredMachine
from tools.redisserver import RedisServer, RedisUnavailableError


class _Redis:
    """The module's redis-server, shared by the state machines (they cannot take fixtures)."""

    url: ClassVar[str] = ""


@pytest.fixture(scope="module", autouse=True)
def redis_server():
    try:
        server = RedisServer()
    except RedisUnavailableError as exc:
        pytest.skip(str(exc))
    server.start()
    _Redis.url = server.url
    yield server
    server.stop()


class StoredMixin(PoolMachine):
    """The pool machine, with every step written through and owners taking over at random."""

    use_redis = True

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.centre = f"centre-{uuid.uuid4().hex[:8]}"
        self.redis: Redis | None = None
        self.store: QueueStore
        self.nodes = (f"node-{n}" for n in itertools.count(1))
        if self.use_redis:
            self.redis = Redis.from_url(_Redis.url)
            self.store = RedisQueueStore(self.redis)
        else:
            self.store = MemoryQueueStore()
        self.token = self._new_owner()
        self.journal = Journal()
        self.ids = itertools.count(1)
        self.pool._new_call_id = self._call_id
        self._write()

    def _call_id(self) -> str:
        return f"c{next(self.ids)}"

    def _run(self, work: Awaitable[Any]) -> Any:
        return self.loop.run_until_complete(work)

    def _new_owner(self) -> int:
        if isinstance(self.store, MemoryQueueStore):
            return self.store.grant(self.centre)
        assert self.redis is not None
        self._run(self.redis.delete(f"lease:{self.centre}"))  # the old owner's lease ran out
        lease = Lease(self.redis, self.centre, next(self.nodes))
        assert self._run(lease.acquire())
        return lease.token

    def _write(self) -> None:
        changed, removed = self.journal.changes(self.pool)
        self._run(self.store.write(self.centre, self.token, changed, removed))
        self.journal.confirm()

    def _take(self, actions: list[Action]) -> None:
        super()._take(actions)
        self._write()

    @rule()
    def owner_takeover(self) -> None:
        """The owner stops; another node takes the lease and rebuilds the pool from the store."""
        old_token, old_fields = self.token, pool_fields(self.pool)
        self.token = self._new_owner()
        fields = self._run(self.store.load(self.centre))
        fresh = Pool(
            ring_timeout_s=self.pool.ring_timeout_s,
            max_wait_s=self.pool.max_wait_s,
            hotline=self.pool.hotline,
            routing=RoutingRules(strategy=self.strategy),
            missed_calls_break=self.pool.missed_calls_break,
            wrap_up_s=self.pool.wrap_up_s,
            hold_place_s=self.pool.hold_place_s,
            new_call_id=self._call_id,
        )
        restore_pool(fresh, fields)
        assert pool_fields(fresh) == old_fields, "the new owner's queue differs from the old owner's"
        with pytest.raises(StaleOwnerError):  # the old owner wakes up and tries to write
            self._run(self.store.write(self.centre, old_token, {META: "{}"}, ["call:c1"]))
        assert self._run(self.store.load(self.centre)) == fields, "a refused write changed the store"
        self.pool = fresh
        self.journal = Journal(fields)
        self._take(self.pool.set_roster(Roster(), self.specialties, self.advisers, self.now))

    @invariant()
    def store_matches_pool(self) -> None:
        """Invariant: what is stored is exactly the owner's pool."""
        assert self._run(self.store.load(self.centre)) == pool_fields(self.pool)

    def teardown(self) -> None:
        if self.redis is not None:
            self._run(self.redis.aclose())
        self.loop.close()


class StoredLongestIdle(StoredMixin):
    """Longest idle first, Redis store."""


class StoredRingAll(StoredMixin, RingAllMachine):
    """Ring all, Redis store."""


class StoredTiers(StoredMixin, TieredMachine):
    """Advisers and specialists, Redis store."""


class MemoryLongestIdle(StoredMixin):
    """Longest idle first, the single node's memory store."""

    use_redis = False


PROFILE = settings(
    max_examples=40, stateful_step_count=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
TestRedisStoreLongestIdle = StoredLongestIdle.TestCase
TestRedisStoreLongestIdle.settings = PROFILE
TestRedisStoreRingAll = StoredRingAll.TestCase
TestRedisStoreRingAll.settings = PROFILE
TestRedisStoreTiers = StoredTiers.TestCase
TestRedisStoreTiers.settings = PROFILE
TestMemoryStore = MemoryLongestIdle.TestCase
TestMemoryStore.settings = PROFILE


async def test_a_paused_owner_cannot_overwrite_the_new_owners_queue(redis_server):
    redis = Redis.from_url(redis_server.url)
    store = RedisQueueStore(redis)
    old = Lease(redis, "centre-x", "node-a", ttl_ms=100)
    await old.acquire()
    await store.write("centre-x", old.token, {"call:c1": '{"state": "waiting"}'}, [])
    await asyncio.sleep(0.15)  # node-a froze past its lease
    new = Lease(redis, "centre-x", "node-b")
    assert await new.acquire()
    await store.write("centre-x", new.token, {"call:c1": '{"state": "ringing"}'}, [])
    with pytest.raises(StaleOwnerError):
        await store.write("centre-x", old.token, {}, ["call:c1"])
    assert await store.load("centre-x") == {"call:c1": '{"state": "ringing"}'}
    await redis.aclose()


async def test_the_queue_state_and_what_clients_must_hear_of_it_are_written_together(redis_server):
    """A node killed between writing a call's end and sending the Hangup left a kiosk waiting forever
    (the next owner had no call left to end): now both go in one step, and a stale owner sends nothing."""
    redis = Redis.from_url(redis_server.url)
    await redis.delete("fence:centre-y", "queue:centre-y", "to-node:n1", "to-node:n2")
    store = RedisQueueStore(redis)
    old = Lease(redis, "centre-y", "node-a", ttl_ms=100)
    await old.acquire()
    hangup = '{"conn": "k1", "text": "hangup"}'
    await store.write("centre-y", old.token, {"call:c1": "{}"}, [])
    await store.write("centre-y", old.token, {}, ["call:c1"], [("to-node:n1", hangup), ("to-node:n2", "x")])
    assert await store.load("centre-y") == {}
    sent: Any = await redis.xrange("to-node:n1")
    assert [entry[b"b"].decode() for _, entry in sent] == [hangup]
    assert 0 < await redis.pttl("to-node:n1") <= 3_600_000  # a dead node's stream goes away
    await asyncio.sleep(0.15)
    new = Lease(redis, "centre-y", "node-b")
    assert await new.acquire()
    with pytest.raises(StaleOwnerError):
        await store.write("centre-y", old.token, {"call:c2": "{}"}, [], [("to-node:n1", "stale")])
    assert await redis.xlen("to-node:n1") == 1  # the stale owner's message never went out
    assert await store.load("centre-y") == {}
    await redis.aclose()
