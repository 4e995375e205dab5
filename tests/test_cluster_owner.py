"""A centre owner that lost its lease while paused: its writes are refused, nothing it decided
reaches a client, and the new owner applies the same client request from the shared inbox."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from redis.asyncio import Redis

from protocol.messages import (
    Accept,
    CallAccepted,
    CallQueued,
    CallRequest,
    Hangup,
    NoLawyerAvailable,
    SetDuty,
    Welcome,
    decode,
    encode,
)
from server.app import open_storage
from server.auth import register_kiosk, register_lawyer
from server.cluster.lease import Lease
from server.cluster.membership import Membership, Presence
from server.cluster.owner import CentreOwner, inbox_key, node_channel
from server.cluster.queue_store import RedisQueueStore
from tests.server_helpers import server_settings


class NodeInbox:
    """What centre owners send to the client node, read like the node does."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self.cursor = "0-0"

    async def next(self, timeout_s: float):
        """The next message for the client node, decoded, or None."""
        stream: Any = {node_channel("client-node"): self.cursor}
        found: Any = await self.redis.xread(stream, count=1, block=int(timeout_s * 1000))
        if not found:
            return None
        entry_id, data = found[0][1][0]
        self.cursor = entry_id
        return decode(json.loads(data[b"b"])["text"])


async def test_a_stale_owner_is_silenced_and_the_new_owner_answers_from_the_inbox(redis_server, tmp_path):
    settings = server_settings(tmp_path)
    storage = open_storage(settings)
    await storage.migrate()
    kiosk_id, _ = await register_kiosk(storage, "一号终端", "东村")
    redis = Redis.from_url(redis_server.url)
    await redis.flushdb()
    membership = Membership(redis, "client-node", 10_000)
    await membership.set_presence(
        "kiosk", kiosk_id, Presence("client-node", "c1", "main", "一号终端", "东村")
    )
    inbox = NodeInbox(redis)
    store = RedisQueueStore(redis)
    lost: list[str] = []

    def owner(token: int) -> CentreOwner:
        return CentreOwner(
            settings,
            storage,
            centre="main",
            token=token,
            redis=redis,
            store=store,
            membership=membership,
            on_stale=lost.append,
        )

    old_lease = Lease(redis, "main", "node-a", ttl_ms=200)
    assert await old_lease.acquire()
    old = owner(old_lease.token)
    await old.start()
    join = {"kind": "join", "role": "kiosk", "id": kiosk_id, "conn": "c1", "node": "client-node"}
    await redis.xadd(inbox_key("main"), {"e": json.dumps(join | {"name": "一号终端", "detail": "东村"})})
    assert isinstance(await inbox.next(10.0), Welcome)

    await asyncio.sleep(0.3)  # node-a froze past its lease; node-b takes the centre
    new_lease = Lease(redis, "main", "node-b")
    assert await new_lease.acquire()
    request = {"kind": "msg", "role": "kiosk", "id": kiosk_id, "conn": "c1"}
    text = encode(CallRequest(request_id="r1", topic="general"))
    await redis.xadd(inbox_key("main"), {"e": json.dumps(request | {"text": text})})
    for _ in range(100):  # node-a wakes, reads the request and tries to write its decision
        if old.stale:
            break
        await asyncio.sleep(0.05)
    assert old.stale and lost == ["main"]
    assert await inbox.next(0.5) is None  # nothing the stale owner decided went out
    await old.stop()

    new = owner(new_lease.token)
    await new.start()  # rebuilds the queue, then reads the inbox on from the stored cursor
    answer = await inbox.next(10.0)
    assert isinstance(answer, NoLawyerAvailable) and answer.request_id == "r1"
    assert not new.stale
    await new.stop()
    await redis.aclose()
    await storage.close()


class OwnerWorld:
    """One centre's store, inbox and client node on a real Redis, with a kiosk and a lawyer
    registered; owners of the centre are made with `owner(token)`."""

    def __init__(self, settings: Any, storage: Any, redis: Redis, kiosk_id: int, lawyer_id: int) -> None:
        self.settings, self.storage, self.redis = settings, storage, redis
        self.kiosk_id, self.lawyer_id = kiosk_id, lawyer_id
        self.membership = Membership(redis, "client-node", 10_000)
        self.inbox = NodeInbox(redis)
        self.store = RedisQueueStore(redis)

    def owner(self, token: int) -> CentreOwner:
        """An owner of the centre "main" holding this fencing token."""
        return CentreOwner(
            self.settings,
            self.storage,
            centre="main",
            token=token,
            redis=self.redis,
            store=self.store,
            membership=self.membership,
            on_stale=lambda _: None,
        )

    async def event(self, role: str, party: int, message: Any = None, *, node: str = "client-node") -> None:
        """A client's join (no message) or message, as its node puts it on the centre's inbox."""
        body: dict[str, Any] = {"role": role, "id": party, "conn": f"{role}-c", "node": node}
        if message is None:
            body |= {"kind": "join", "name": "王律师" if role == "lawyer" else "一号终端", "detail": ""}
        else:
            body |= {"kind": "msg", "text": encode(message)}
        await self.redis.xadd(inbox_key("main"), {"e": json.dumps(body)})

    async def heard(self, kind: type) -> Any:
        """The next message of this kind for the client node's clients."""
        for _ in range(50):
            message = await self.inbox.next(0.2)
            if isinstance(message, kind):
                return message
        raise AssertionError(f"nobody heard {kind.__name__}")


@pytest.fixture
async def world(redis_server, tmp_path) -> AsyncIterator[OwnerWorld]:
    settings = server_settings(tmp_path)
    storage = open_storage(settings)
    await storage.migrate()
    kiosk_id, _ = await register_kiosk(storage, "一号终端", "东村")
    lawyer_id = await register_lawyer(storage, "wang", "王律师", "明理律师事务所", "pw-123456")
    redis = Redis.from_url(redis_server.url)
    await redis.flushdb()
    yield OwnerWorld(settings, storage, redis, kiosk_id, lawyer_id)
    await redis.aclose()
    await storage.close()


async def test_a_new_owner_applies_what_its_dead_predecessor_read_but_never_wrote(world: OwnerWorld):
    """The lawyer's node and the owner die together just after the lawyer hung up: the new owner
    still ends the call (from the inbox, while the lawyer is still attached) and tells the kiosk."""
    w, redis = world, world.redis
    first = Lease(redis, "main", "node-a", ttl_ms=200)
    assert await first.acquire()
    old = w.owner(first.token)
    await old.start()
    await w.event("lawyer", w.lawyer_id, node="lawyer-node")
    await w.event("lawyer", w.lawyer_id, SetDuty(on_duty=True), node="lawyer-node")
    await w.event("kiosk", w.kiosk_id)
    await w.event("kiosk", w.kiosk_id, CallRequest(request_id="r1", topic="general"))
    call_id = (await w.heard(CallQueued)).call_id
    await w.event("lawyer", w.lawyer_id, Accept(call_id), node="lawyer-node")
    await w.heard(CallAccepted)
    await old.stop()  # node-a dies here, with the lawyer's node; what follows it never wrote

    await w.event("lawyer", w.lawyer_id, Hangup(call_id, "completed"), node="lawyer-node")
    await redis.set("dead:lawyer-node", "1")  # found dead: its clients are dropped at once
    await asyncio.sleep(0.3)
    second = Lease(redis, "main", "node-b")
    assert await second.acquire()
    new = w.owner(second.token)
    new.check_liveness_soon()
    await new.start()
    assert call_id not in new.pool.calls  # ended before the dead node's lawyer could be dropped
    assert (await w.heard(Hangup)).call_id == call_id
    await new.stop()


async def test_a_call_record_the_dead_owner_never_wrote_is_written_by_the_next(world: OwnerWorld):
    w, redis = world, world.redis
    first = Lease(redis, "main", "node-a", ttl_ms=200)
    assert await first.acquire()
    old = w.owner(first.token)
    stuck = asyncio.Event()

    async def database_unreachable(records: Any) -> None:
        await stuck.wait()  # node-a dies before its database write returns

    old._write_records = database_unreachable  # type: ignore[method-assign]
    await old.start()
    await w.event("lawyer", w.lawyer_id)
    await w.event("lawyer", w.lawyer_id, SetDuty(on_duty=True))
    await w.event("kiosk", w.kiosk_id)
    await w.event("kiosk", w.kiosk_id, CallRequest(request_id="r1", topic="general"))
    call_id = (await w.heard(CallQueued)).call_id
    await w.event("lawyer", w.lawyer_id, Accept(call_id))
    await w.heard(CallAccepted)
    await w.event("kiosk", w.kiosk_id, Hangup(call_id, "completed"))
    assert (await w.heard(Hangup)).call_id == call_id  # told after the record was stored with the queue
    stored = await redis.hget("queue:main", f"record:{call_id}")
    assert stored is not None and b"completed" not in stored  # kept encrypted
    for task in old._tasks:  # node-a is gone: nothing of it runs any more
        task.cancel()

    await asyncio.sleep(0.3)
    second = Lease(redis, "main", "node-b")
    assert await second.acquire()
    new = w.owner(second.token)
    await new.start()
    await new.records_flushed()
    record = await w.storage.get_call(call_id)
    assert record is not None and record.outcome == "completed" and record.ended_by == "kiosk"
    for _ in range(50):  # written, it leaves the store
        if not await redis.hexists("queue:main", f"record:{call_id}"):
            break
        await asyncio.sleep(0.1)
    assert not await redis.hexists("queue:main", f"record:{call_id}")
    await new.stop()
