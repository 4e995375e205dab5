"""One node of a cluster: its own clients' sockets, the centre queues it owns, and the Redis links.

A client's WebSocket may land on any node. The node tells the owner of the client's centre what the
client does (stream `inbox:<centre>`) and delivers what the owner sends it (stream `to-node:<id>`).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import os
import socket
import uuid
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import NoPermissionError

from config.settings import ServerSettings
from protocol.messages import Message, decode, encode
from server.cluster.centres import CentreDirectory
from server.cluster.lease import Lease
from server.cluster.liveness import CrashDetector, declare_dead, link_name, node_links
from server.cluster.membership import NODES_KEY, Membership, Presence, PresenceEntry, presence_entry
from server.cluster.owner import MAX_RELAYED_BYTES, CentreOwner, inbox_key, node_channel
from server.cluster.ownership import Ownership
from server.cluster.queue_store import RedisQueueStore
from server.hub import Connection, Hub
from server.roster import Roster
from server.storage import Storage
from server.storage_roster import RosterData

log = logging.getLogger(__name__)

DIRECTORY_RELOAD_TICKS = 20  # centre assignments edited elsewhere apply within this many ticks
INBOX_MAX_LEN = 100_000  # entries kept per centre inbox (approximate trim)
EVENTS_BATCH = 500  # client events relayed to Redis in one round trip at most


def default_node_id() -> str:
    """hostname-pid: unique per process on a machine."""
    return f"{socket.gethostname()}-{os.getpid()}"


class ClusterHub(Hub):
    """The hub of a node in cluster mode: local sockets here, queues wherever their owner is.

    Attributes:
        node_id: this node's name.
        owners: centre -> the queue this node owns.
    """

    def __init__(self, settings: ServerSettings, storage: Storage, redis: Redis) -> None:
        super().__init__(settings, storage)
        self.redis = redis
        self.node_id = settings.node_id or default_node_id()
        ttl_ms = int(settings.lease_ttl_s * 1000)
        self.membership = Membership(redis, self.node_id, ttl_ms)
        # This node's named link: when the process dies, Redis drops it and the others know at once.
        self.link = Redis.from_url(
            settings.redis_url, client_name=link_name(self.node_id), single_connection_client=True
        )
        self.detector = CrashDetector(link_name(self.node_id))
        self.ownership = Ownership(redis, self.node_id, ttl_ms)
        self.directory = CentreDirectory(storage.engine)
        self.store = RedisQueueStore(redis)
        self.owners: dict[str, CentreOwner] = {}
        self._conn_ids: dict[Connection, str] = {}
        self._centre_of: dict[Connection, str] = {}  # fixed at join: a socket's events go to one inbox
        self._local: dict[str, Connection] = {}
        self._entries: dict[str, PresenceEntry] = {}  # conn id -> its presence, renewed by each heartbeat
        self._events: asyncio.Queue[tuple[Connection, dict[str, Any]]] = asyncio.Queue()
        wildcard = settings.host in ("", "0.0.0.0", "::")
        self.address = f"{socket.gethostname() if wildcard else settings.host}:{settings.port}"
        self.draining = False  # handing over: keep heartbeating for its clients, take no lease
        self._wake = asyncio.Event()  # another node handed leases over: tick now, not at the next period
        self._tick_lock = asyncio.Lock()
        self.roster = RosterData(Roster(), {}, {})  # loaded at start, again every DIRECTORY_RELOAD_TICKS

    async def start(self) -> None:
        """Join the cluster: centre directory, heartbeat, leases, relays."""
        await self.directory.create_tables()
        await self.directory.reload()
        await self._load_roster()
        last: Any = await self.redis.xrevrange(node_channel(self.node_id), count=1)
        cursor = _text(last[0][0]) if last else "0-0"  # only what is added from now on is for our clients
        try:
            await self.link.ping()  # named: the others see this process die the moment it does
        except Exception as exc:  # a Redis user not allowed CLIENT SETNAME / CLIENT LIST
            log.warning("no named link to Redis (%s): crashes are found by lease expiry only", exc)
        self._tasks = [
            asyncio.create_task(self._detect_loop(), name="cluster-detect"),
            asyncio.create_task(self._deliver_loop(cursor), name="cluster-deliver"),
            asyncio.create_task(self._events_loop(), name="cluster-events"),
            asyncio.create_task(self._tick_loop(), name="cluster-tick"),
            asyncio.create_task(self._keepalive_loop(), name="cluster-keepalive"),
        ]
        await self._tick(0)

    async def stop(self) -> None:
        """Stop owning queues and relaying (sockets were closed before)."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for centre, owner in list(self.owners.items()):
            with contextlib.suppress(Exception):
                await owner.flush()  # the last word of a node stopping on purpose
            await self._stop_owner(centre)
        with contextlib.suppress(Exception):
            await self.ownership.release_all()
            await self.membership.leave_cluster()
        with contextlib.suppress(Exception):
            await self.link.aclose()  # after leaving: a link closing first would look like a crash

    async def hand_over(self) -> None:
        """Graceful drain: stop taking leases, write each owned queue a last time (fenced), release
        its lease and wake the other nodes, so the centres pass on at once instead of at lease expiry."""
        async with self._tick_lock:
            self.draining = True
            await self._heartbeat()  # marked draining: no node names this one an owner any more
            for centre in list(self.owners):
                owner = self.owners.pop(centre)
                try:
                    await owner.hand_over()
                finally:
                    lease = self.ownership.leases.pop(centre, None)
                    if lease is not None:
                        await lease.release()
                log.info("handed centre %s over", centre)
            await self._wake_others()

    async def _wake_others(self) -> None:
        """Leases were freed: the other nodes take them now, not at their next tick."""
        others = [node for node in await self.membership.live_nodes() if node != self.node_id]
        if others:
            pipe = self.redis.pipeline(transaction=False)
            for node in others:
                pipe.xadd(node_channel(node), {"b": json.dumps({"wake": self.node_id})})
            await pipe.execute()

    async def _load_roster(self) -> None:
        """This node's own (queue-less) pool keeps the roster too: the console reads opening hours and
        who is rostered from it."""
        data = await self.storage.load_roster()
        self.roster = data  # the owners take it from here: a takeover asks the database nothing
        self.pool.set_roster(data.roster, data.specialties, data.advisers, self.clock())

    async def reload_roster(self) -> None:
        """Roster edits apply to the queues this node owns."""
        await self._load_roster()
        for owner in list(self.owners.values()):
            await owner.reload_roster()

    # ---- local sockets ---------------------------------------------------------------------------

    def join(self, conn: Connection) -> None:
        """A client's socket opened here: say so to its centre's owner."""
        conn_id = uuid.uuid4().hex
        self._conn_ids[conn] = conn_id
        centre = self._centre_of[conn] = self.directory.centre_of(conn.role.value, conn.party_id)
        self._local[conn_id] = conn
        presence = Presence(self.node_id, conn_id, centre, conn.display_name, conn.detail)
        self._entries[conn_id] = presence_entry(conn.role.value, conn.party_id, presence)
        self.connections[(conn.role, conn.party_id)] = conn
        event = {"kind": "join", "node": self.node_id, "name": conn.display_name, "detail": conn.detail}
        self._events.put_nowait((conn, event))
        log.info("%s connected", conn.client_id)

    def leave(self, conn: Connection) -> None:
        """A client's socket closed here."""
        conn_id = self._conn_ids.pop(conn, None)
        if conn_id is None:
            return
        self._local.pop(conn_id, None)
        self._entries.pop(conn_id, None)
        key = (conn.role, conn.party_id)
        if self.connections.get(key) is conn:
            del self.connections[key]
        self._events.put_nowait((conn, {"kind": "leave", "conn": conn_id}))
        log.info("%s disconnected", conn.client_id)

    def handle(self, conn: Connection, message: Message) -> None:
        """A client's message: on to its centre's owner, in order."""
        if conn in self._conn_ids:
            self._events.put_nowait((conn, {"kind": "msg", "text": encode(message)}))

    async def _events_loop(self) -> None:
        """Carry local clients' events to their owners' inboxes in order, as many as are waiting in
        one round trip (a thousand clients reconnecting at once must not wait for each other's)."""
        while True:
            batch = [await self._events.get()]
            while not self._events.empty() and len(batch) < EVENTS_BATCH:
                batch.append(self._events.get_nowait())
            relayed = []
            for conn, event in batch:
                centre = self._centre_of[conn]
                if event["kind"] == "leave":
                    del self._centre_of[conn]
                event |= {"role": conn.role.value, "id": conn.party_id}
                event.setdefault("conn", self._conn_ids.get(conn, ""))
                relayed.append((conn, centre, event))
            for attempt in itertools.count():
                try:
                    await self._relay(relayed)
                    break
                except Exception as exc:  # Redis restarting: keep the order and try again
                    if attempt == 0:
                        log.warning("%d client events wait for Redis: %s", len(relayed), exc)
                    await asyncio.sleep(min(2.0, 0.1 * (attempt + 1)))

    async def _relay(self, relayed: list[tuple[Connection, str, dict[str, Any]]]) -> None:
        """For each event in order: presence first (so the owner finds the client), then the event on
        its centre's inbox; one pipeline for them all."""
        pipe = self.redis.pipeline(transaction=False)
        for conn, centre, event in relayed:
            role = conn.role.value
            if event["kind"] == "join":
                presence = Presence(self.node_id, event["conn"], centre, conn.display_name, conn.detail)
                self.membership.add_presence(pipe, role, conn.party_id, presence)
            body = json.dumps(event, ensure_ascii=False)
            pipe.xadd(inbox_key(centre), {"e": body}, maxlen=INBOX_MAX_LEN, approximate=True)
            if event["kind"] == "leave":
                self.membership.drop_presence(pipe, role, conn.party_id, event["conn"])
        await pipe.execute()

    async def _deliver_loop(self, cursor: str) -> None:
        """Messages the owners add for this node's clients, read on from `cursor` even after a
        Redis restart."""
        key = node_channel(self.node_id)
        while True:
            try:
                batches: Any = await self.redis.xread({key: cursor}, count=500, block=1000)
            except Exception:
                log.exception("reading this node's messages failed; retrying")
                await asyncio.sleep(0.5)
                continue
            for _stream, entries in batches or []:
                for entry_id, data in entries:
                    cursor = _text(entry_id)
                    try:
                        self._deliver(json.loads(data[b"b"]))
                    except Exception:
                        log.exception("a message from a centre owner could not be delivered")

    def _deliver(self, body: dict[str, Any]) -> None:
        if "wake" in body:
            self._wake_up()
            return
        conn = self._local.get(body["conn"])
        if conn is None:
            return
        if "close" in body:
            self.leave(conn)
            conn.close_soon(int(body["close"]), str(body["reason"]))
        else:
            conn.send(decode(body["text"], MAX_RELAYED_BYTES))

    # ---- leases and heartbeats -------------------------------------------------------------------

    async def _tick_loop(self) -> None:
        count = 1
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.settings.lease_ttl_s / 3)
            self._wake.clear()
            try:
                await self._tick(count)
            except Exception:
                log.exception("cluster heartbeat failed (Redis unreachable?)")
            count += 1

    def _wake_up(self) -> None:
        """Leases were freed or a node died: take leases and check clients' nodes now."""
        self._wake.set()
        for owner in self.owners.values():
            owner.check_liveness_soon()

    async def _detect_loop(self) -> None:
        """Find crashed nodes by their closed link (faster than lease expiry) and free what they held."""
        failing = False
        while True:  # the first look is at start: a node that dies right after must have been seen
            try:
                await self._detect_once()
                failing = False
            except NoPermissionError:
                log.warning("Redis refuses CLIENT LIST to this user: crashes are found by lease expiry only")
                return
            except Exception:
                if not failing:  # once per outage, not five times a second
                    log.exception("looking for crashed nodes failed (Redis unreachable?)")
                failing = True
            await asyncio.sleep(self.settings.crash_check_s)

    async def _detect_once(self) -> None:
        """One look at the nodes' links; frees what a node found dead held and wakes everyone."""
        clients = await self.redis.client_list(_type="normal")
        members = [_text(m) for m in await self.redis.smembers(NODES_KEY)]
        dead = self.detector.observe(node_links(clients), members)
        for node in dead:
            keys = [Lease(self.redis, c, node).key for c in self.directory.centres()]
            freed = await declare_dead(self.redis, node, keys)
            log.warning("node %s crashed (its link to Redis closed); %d centres freed", node, freed)
        if dead:
            self._wake_up()
            await self._wake_others()

    async def _keepalive_loop(self) -> None:
        """Heartbeat and lease renewals on their own: taking centres over (slow on a busy node) must
        never hold them back past the lease time, or the node's other leases expire and flap."""
        while True:
            await asyncio.sleep(self.settings.lease_ttl_s / 3)
            with contextlib.suppress(Exception):
                await self.link.ping()  # reconnects a link a network blip closed
            try:
                await self._heartbeat()
                if not self.draining:  # a draining node hands its leases over (hand_over)
                    await self.ownership.renew()
            except Exception:
                log.exception("cluster keepalive failed (Redis unreachable?)")

    async def _tick(self, count: int) -> None:
        """Take leases (renewing held ones), start and stop owners accordingly."""
        async with self._tick_lock:
            if count == 0:
                await self._heartbeat()  # alive before looking for live nodes (then the keepalive beats)
            if not self.draining:
                await self._leases(count)

    async def _heartbeat(self) -> None:
        await self.membership.heartbeat(
            list(self._entries.values()),
            owns=list(self.owners),
            draining=self.draining,
            address=self.address,
        )

    async def _leases(self, count: int) -> None:
        """Take leases (renewing held ones), start and stop owners accordingly."""
        if count % DIRECTORY_RELOAD_TICKS == 0:
            await self.directory.reload()
            await self._load_roster()  # roster edits made on other nodes, for this node's console
        live = await self.membership.live_nodes()
        gained, lost = await self.ownership.tick(self.directory.centres(), live)
        for centre in lost + [c for c, o in self.owners.items() if o.stale]:
            await self._stop_owner(centre)
        # Centres taken over together: a dead node's queues come back in one round, not one by one.
        await asyncio.gather(*(self._start_owner(centre) for centre in gained))

    async def _start_owner(self, centre: str) -> None:
        owner = CentreOwner(
            self.settings,
            self.storage,
            centre=centre,
            token=self.ownership.token(centre),
            redis=self.redis,
            store=self.store,
            membership=self.membership,
            on_stale=self.ownership.lose,
            roster=lambda: self.roster,
        )
        self.owners[centre] = owner
        try:
            await owner.start()
        except Exception:
            log.exception("taking over centre %s failed; giving it up", centre)
            await self._stop_owner(centre)
            with contextlib.suppress(Exception):
                lease = self.ownership.leases.pop(centre, None)
                if lease is not None:
                    await lease.release()

    async def _stop_owner(self, centre: str) -> None:
        owner = self.owners.pop(centre, None)
        if owner is not None:
            await owner.stop()
            log.info("no longer owning centre %s", centre)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
