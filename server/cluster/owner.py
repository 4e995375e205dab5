"""The node that owns a centre's queue: runs its pool for clients on any node, written through.

Clients' events arrive on the Redis stream `inbox:<centre>` (so none is lost while the queue changes
hands); the owner applies them to a Hub whose connections are `RemoteConnection`s, writes the queue
state and the stream cursor in one fenced write, and only then publishes what clients must hear to
`to-node:<node>`. A new owner rebuilds the pool from the store and reads on from the cursor.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from typing import Any

from redis.asyncio import Redis

from config.settings import ServerSettings
from protocol.messages import Message, Role, decode, encode
from server.cluster.lease import StaleOwnerError
from server.cluster.membership import Membership, Presence
from server.cluster.queue_store import QueueStore
from server.cluster.snapshot import Journal, restore_pool
from server.hub import Connection, Hub
from server.pool_model import Action
from server.storage import Storage

log = logging.getLogger(__name__)

CURSOR = "cursor"  # store field: the last inbox entry applied
INBOX_BATCH = 200
INBOX_BLOCK_MS = 500
MAX_RELAYED_BYTES = 4 * 1024 * 1024  # messages from the owner are ours: only a sanity bound

Outbox = list[tuple[str, dict[str, Any]]]  # (node, body) in the order they must go out


def inbox_key(centre: str) -> str:
    """The Redis stream of a centre's client events."""
    return f"inbox:{centre}"


def node_channel(node: str) -> str:
    """The pub/sub channel of messages for one node's clients."""
    return f"to-node:{node}"


class RemoteConnection(Connection):
    """A client whose WebSocket is on some node, as its centre's owner sees it."""

    def __init__(self, outbox: Outbox, role: Role, party_id: int, presence: Presence) -> None:
        # No socket here: sends go to the client's node through the owner's outbox.
        self.role = role
        self.party_id = party_id
        self.client_id = f"{role.value}-{party_id}"
        self.display_name = presence.name
        self.detail = presence.detail
        self.node = presence.node
        self.conn_id = presence.conn
        self._outbox = outbox
        self._closing = False

    def send(self, message: Message) -> None:
        """Queue a message for the client's node (published after the next state write)."""
        self._outbox.append((self.node, {"conn": self.conn_id, "text": encode(message)}))

    def close_soon(self, code: int, reason: str) -> None:
        """Ask the client's node to close its socket."""
        self._outbox.append((self.node, {"conn": self.conn_id, "close": code, "reason": reason}))

    async def stop(self) -> None:
        """Nothing to stop on the owner's side."""


class CentreOwner(Hub):
    """The pool of one centre, run by the node holding its lease.

    Attributes:
        centre: the centre's name.
        token: the lease's fencing token carried by every write.
        stale: a write was refused: another node owns the centre now; this owner must stop.
    """

    def __init__(
        self,
        settings: ServerSettings,
        storage: Storage,
        *,
        centre: str,
        token: int,
        redis: Redis,
        store: QueueStore,
        membership: Membership,
        on_stale: Callable[[str], None],
    ) -> None:
        super().__init__(settings, storage)
        self.centre = centre
        self.token = token
        self.redis = redis
        self.store = store
        self.membership = membership
        self.stale = False
        self._on_stale = on_stale
        self.outbox: Outbox = []
        self.cursor = "0-0"
        self.journal = Journal()
        self._dirty = asyncio.Event()
        self._flush_lock = asyncio.Lock()

    async def start(self) -> None:
        """Rebuild the queue from the store, re-attach clients still online, then serve the inbox."""
        fields = await self.store.load(self.centre)
        self.cursor = fields.get(CURSOR, "0-0")
        if fields:
            restore_pool(self.pool, fields)
        self.journal = Journal(fields)
        await self._reattach()
        await super().start()
        self._tasks += [
            asyncio.create_task(self._inbox_loop(), name=f"inbox-{self.centre}"),
            asyncio.create_task(self._flush_loop(), name=f"flush-{self.centre}"),
            asyncio.create_task(self._liveness_loop(), name=f"liveness-{self.centre}"),
        ]
        await self.flush()
        rebuilt = len(self.pool.calls)
        log.info("owning centre %s (token %d, %d calls rebuilt)", self.centre, self.token, rebuilt)

    async def close_all(self) -> None:
        """Client sockets belong to their nodes: nothing to close here."""

    def _perform(self, actions: list[Action]) -> None:
        super()._perform(actions)
        self._dirty.set()

    async def flush(self) -> None:
        """Write the queue state and inbox cursor (fenced), then publish what clients must hear."""
        async with self._flush_lock:
            if self.stale:
                return
            changed, removed = self.journal.changes(self.pool, {CURSOR: self.cursor})
            out, self.outbox[:] = list(self.outbox), []
            try:
                await self.store.write(self.centre, self.token, changed, removed)
            except StaleOwnerError:
                self.stale = True
                log.warning("centre %s has a newer owner; this node stops serving it", self.centre)
                self._on_stale(self.centre)
                return
            if out:
                pipe = self.redis.pipeline(transaction=False)
                for node, body in out:
                    pipe.publish(node_channel(node), json.dumps(body, ensure_ascii=False))
                await pipe.execute()

    async def _flush_loop(self) -> None:
        while not self.stale:
            await self._dirty.wait()
            self._dirty.clear()
            try:
                await self.flush()
            except Exception:
                log.exception("writing centre %s's queue failed; retrying", self.centre)
                self._dirty.set()
                await asyncio.sleep(0.2)

    async def _inbox_loop(self) -> None:
        key = inbox_key(self.centre)
        while not self.stale:
            try:
                batches: Any = await self.redis.xread(
                    {key: self.cursor}, count=INBOX_BATCH, block=INBOX_BLOCK_MS
                )
            except Exception:
                log.exception("reading centre %s's inbox failed; retrying", self.centre)
                await asyncio.sleep(0.5)
                continue
            for _stream, entries in batches or []:
                for entry_id, data in entries:
                    self.cursor = _text(entry_id)
                    try:
                        self._apply(json.loads(data[b"e"]))
                    except Exception:
                        log.exception("centre %s could not apply a client event", self.centre)
            if batches:
                await self.flush()

    def _apply(self, event: dict[str, Any]) -> None:
        """One client event from any node: a socket opened or closed, or a message arrived."""
        role = Role(event["role"])
        key = (role, int(event["id"]))
        current = self.connections.get(key)
        if event["kind"] == "join":
            if isinstance(current, RemoteConnection) and current.conn_id == event["conn"]:
                return  # re-attached at takeover already
            presence = Presence(event["node"], event["conn"], self.centre, event["name"], event["detail"])
            self.join(RemoteConnection(self.outbox, role, key[1], presence))
            return
        if not isinstance(current, RemoteConnection) or current.conn_id != event["conn"]:
            return  # from a socket that was replaced or never joined here
        if event["kind"] == "leave":
            self.leave(current)
        else:
            self.handle(current, decode(event["text"], MAX_RELAYED_BYTES))

    async def _reattach(self) -> None:
        """After a takeover: clients the pool knows get their connection back, or leave if gone."""
        known = [(Role.KIOSK, k.kiosk_id) for k in self.pool.kiosks.values() if k.online]
        known += [(Role.LAWYER, lawyer_id) for lawyer_id in self.pool.lawyers]
        found = await self.membership.presences([(role.value, pid) for role, pid in known])
        now = self.clock()
        for (role, party_id), presence in zip(known, found, strict=True):
            if presence is not None and presence.centre == self.centre:
                conn = RemoteConnection(self.outbox, role, party_id, presence)
                self.connections[(role, party_id)] = conn
            elif role is Role.KIOSK:
                self._perform(self.pool.kiosk_disconnected(party_id, now))
            else:
                self._perform(self.pool.lawyer_disconnected(party_id, now))

    async def _liveness_loop(self) -> None:
        """Clients whose presence expired (their node died) leave the pool within the lease time."""
        while not self.stale:
            await asyncio.sleep(self.membership.ttl_ms / 2000)
            conns = [c for c in self.connections.values() if isinstance(c, RemoteConnection)]
            try:
                found = await self.membership.presences([(c.role.value, c.party_id) for c in conns])
            except Exception:
                log.exception("reading presence failed")
                continue
            for conn, presence in zip(conns, found, strict=True):
                if presence is None:
                    log.info("%s vanished with its node %s", conn.client_id, conn.node)
                    self.leave(conn)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
