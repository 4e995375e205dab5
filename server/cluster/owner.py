"""The node that owns a centre's queue: runs its pool for clients on any node, written through.

Clients' events arrive on the Redis stream `inbox:<centre>` (so none is lost while the queue changes
hands); the owner applies them to a Hub whose connections are `RemoteConnection`s and writes the queue
state, the stream cursor and what clients must hear (streams `to-node:<node>`) in one fenced atomic
write. A new owner rebuilds the pool from the store and reads on from the cursor.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from redis.asyncio import Redis

from config.settings import ServerSettings
from protocol.messages import Message, Role, decode, encode
from server.cluster.lease import StaleOwnerError
from server.cluster.membership import Membership, NodeState, Presence
from server.cluster.queue_store import QueueStore
from server.cluster.snapshot import Journal, restore_pool
from server.hub import Connection, Hub
from server.pool_model import Action, CallRecord, SaveCall
from server.storage import Storage
from server.storage_base import StaleWriterError
from server.storage_roster import RosterData

log = logging.getLogger(__name__)

CURSOR = "cursor"  # store field: the last inbox entry applied
CONN_PREFIX = "conn:"  # store fields conn:<role>:<id>: where each client's socket is (a Presence)
RECORD_PREFIX = "record:"  # store fields record:<call id>: a call record not yet in the database
INBOX_BATCH = 200
RECORDS_GATHER_S = 0.5
INBOX_BLOCK_MS = 500
CLOSE_PRESUMED_DEAD = 4003  # WebSocket close code: the owner counted the client's node as dead
MAX_RELAYED_BYTES = 4 * 1024 * 1024  # messages from the owner are ours: only a sanity bound

Outbox = list[tuple[str, dict[str, Any]]]  # (node, body) in the order they must go out


def inbox_key(centre: str) -> str:
    """The Redis stream of a centre's client events."""
    return f"inbox:{centre}"


def node_channel(node: str) -> str:
    """The Redis stream of messages for one node's clients (a stream, unlike pub/sub, keeps what
    was sent while the node's link to Redis was down)."""
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
        self.stored = json.dumps(asdict(presence), ensure_ascii=False)  # where it is, as the store keeps it
        self.field = f"{CONN_PREFIX}{role.value}:{party_id}"  # ... under this store field
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

    Its call records are safe in Redis before they go to the database, so they are gathered for
    RECORDS_GATHER_S: a call's queued, ringing, answered and ended records become one write.

    Attributes:
        centre: the centre's name.
        token: the lease's fencing token carried by every write.
        stale: a write was refused: another node owns the centre now; this owner must stop.
    """

    records_gather_s = RECORDS_GATHER_S

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
        roster: Callable[[], RosterData] | None = None,
    ) -> None:
        super().__init__(settings, storage)
        self.centre = centre
        self.token = token
        self.redis = redis
        self.store = store
        self.membership = membership
        self.stale = False
        self._on_stale = on_stale
        self._roster = roster  # the node's copy of the roster (None: read it from the database)
        self.outbox: Outbox = []
        self.cursor = "0-0"
        self.journal = Journal()
        self._dirty = asyncio.Event()
        self._flush_lock = asyncio.Lock()
        self._check_nodes = asyncio.Event()
        # Call records go to the database through the store (a transactional outbox): written with the
        # queue state that produced them, then to the database, then dropped from the store. A record
        # the owner had no time to write is written by the next owner.
        self._unwritten: dict[str, CallRecord] = {}  # call id -> its latest record not yet in the database
        self._sealed: dict[str, tuple[CallRecord, str]] = {}  # call id -> (record, its encrypted field)
        self._handed_to_writer: set[int] = set()  # id() of records queued for the database

    async def start(self) -> None:
        """Rebuild the queue from the store, re-attach clients still online, then serve the inbox."""
        fields = await self.store.load(self.centre)
        self.cursor = fields.get(CURSOR, "0-0")
        if fields:
            restore_pool(self.pool, fields)
        self.journal = Journal(fields)
        self._adopt_records(fields)
        await self._reattach(fields)
        await super().start()
        await self._catch_up()  # before the liveness check can drop a dead node's clients
        self._tasks += [
            asyncio.create_task(self._inbox_loop(), name=f"inbox-{self.centre}"),
            asyncio.create_task(self._flush_loop(), name=f"flush-{self.centre}"),
            asyncio.create_task(self._liveness_loop(), name=f"liveness-{self.centre}"),
        ]
        await self.flush()
        rebuilt = len(self.pool.calls)
        log.info("owning centre %s (token %d, %d calls rebuilt)", self.centre, self.token, rebuilt)

    async def stop(self) -> None:
        """Stop serving the centre: its calls go on under the next owner, so none is ended here
        (unlike a single server shutting down); records already queued are written."""
        self.stale = True
        await self.background_done()
        for task in self._tasks:
            if task.get_name() != "call-records":
                task.cancel()
        self._records.put_nowait(None)
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def hand_over(self) -> None:
        """Graceful drain: stop reading the inbox and the timers, write the queue and cursor a last time
        (fenced), stop.

        Events after the written cursor stay in the inbox for the next owner; nothing applied here is
        left unwritten, and nothing changes the pool after the last write."""
        quiet = [t for t in self._tasks if t.get_name() != "call-records"]
        for task in quiet:
            task.cancel()
        await asyncio.gather(*quiet, return_exceptions=True)
        await self.background_done()
        try:
            await self.flush()
        finally:
            await self.stop()

    async def close_all(self) -> None:
        """Client sockets belong to their nodes: nothing to close here."""

    async def reload_roster(self) -> None:
        """The roster from the node's copy (the node reloads it), not from the database each time."""
        if self._roster is None:
            await super().reload_roster()
            return
        data = self._roster()
        self._perform(self.pool.set_roster(data.roster, data.specialties, data.advisers, self.clock()))
        self.wake()

    def _perform(self, actions: list[Action]) -> None:
        kept: list[Action] = []
        for action in actions:
            if isinstance(action, SaveCall):  # into the store first, the database after (flush)
                self._unwritten[action.record.call_id] = action.record
                if action.record.outcome is not None:
                    record = action.record
                    log.info("call %s ended: %s by %s", record.call_id, record.outcome, record.ended_by)
            else:
                kept.append(action)
        super()._perform(kept)
        self._dirty.set()

    def _adopt_records(self, fields: dict[str, str]) -> None:
        """Records a previous owner stored but may not have written: this owner writes them."""
        for name, value in fields.items():
            if name.startswith(RECORD_PREFIX):
                record = CallRecord(**json.loads(self.storage.cipher.decrypt(value)))
                self._unwritten[record.call_id] = record
                self._sealed[record.call_id] = (record, value)

    def _record_fields(self) -> dict[str, str]:
        """Each unwritten record as a store field, encrypted (notes are personal data), sealed once."""
        fields: dict[str, str] = {}
        for call_id, record in self._unwritten.items():
            sealed = self._sealed.get(call_id)
            if sealed is None or sealed[0] is not record:
                text = json.dumps(dataclasses.asdict(record), ensure_ascii=False)
                sealed = (record, self.storage.cipher.encrypt(text))
                self._sealed[call_id] = sealed
            fields[f"{RECORD_PREFIX}{call_id}"] = sealed[1]
        for call_id in [c for c in self._sealed if c not in self._unwritten]:
            del self._sealed[call_id]
        return fields

    def _hand_stored_records_to_writer(self) -> None:
        """Records now safely in the store go on to the database, in the order they were made."""
        for record in list(self._unwritten.values()):
            if id(record) not in self._handed_to_writer:
                self._handed_to_writer.add(id(record))
                self._records_pending += 1
                self._records.put_nowait(record)

    async def _write_records(self, records: list[CallRecord]) -> None:
        """Write stored records to the database under this owner's fence; then they leave the store
        (unless a newer record of the same call is waiting)."""
        try:
            await self.storage.save_calls(records, fence=(self.centre, self.token))
        except StaleWriterError:
            log.warning(
                "centre %s has a newer owner; its records of calls %s are left to it",
                self.centre,
                sorted({r.call_id for r in records}),
            )
            return
        finally:
            for record in records:
                self._handed_to_writer.discard(id(record))
        for record in records:
            if self._unwritten.get(record.call_id) is record:
                del self._unwritten[record.call_id]
                self._dirty.set()

    async def flush(self) -> None:
        """Write the queue state, inbox cursor and what clients must hear, fenced, in one step."""
        async with self._flush_lock:
            if self.stale:
                return
            self._dirty.clear()  # what this write carries is everything changed so far
            changed, removed = self.journal.changes(self.pool, self._own_fields())
            out, self.outbox[:] = list(self.outbox), []
            messages = [(node_channel(node), json.dumps(body, ensure_ascii=False)) for node, body in out]
            try:  # the state and what clients must hear of it, in one step
                await self.store.write(self.centre, self.token, changed, removed, messages)
            except StaleOwnerError:
                self.stale = True
                log.warning("centre %s has a newer owner; this node stops serving it", self.centre)
                self._on_stale(self.centre)
                return
            except Exception:
                self.outbox[:0] = out  # Redis away: nothing went out; the next flush sends it all
                raise
            self.journal.confirm()
            self._hand_stored_records_to_writer()

    def _own_fields(self) -> dict[str, str]:
        """The inbox cursor, where each client's socket is and the records not yet in the database,
        stored with the queue."""
        fields = {c.field: c.stored for c in self.connections.values() if isinstance(c, RemoteConnection)}
        fields[CURSOR] = self.cursor
        if self._unwritten or self._sealed:
            fields.update(self._record_fields())
        return fields

    async def _flush_loop(self) -> None:
        while not self.stale:
            await self._dirty.wait()
            try:
                await self.flush()
            except Exception:
                log.exception("writing centre %s's queue failed; retrying", self.centre)
                self._dirty.set()
                await asyncio.sleep(0.2)

    async def _catch_up(self) -> None:
        """Apply what the last owner read but never wrote (it died between the two): up to the inbox's
        end as it is now, while the clients who sent it are still attached, so a dead node's lawyer
        hanging up a moment before it died still ends the call."""
        key = inbox_key(self.centre)
        last: Any = await self.redis.xrevrange(key, count=1)
        end = _text(last[0][0]) if last else "0-0"
        while _entry_order(self.cursor) < _entry_order(end):
            entries: Any = await self.redis.xrange(key, min=f"({self.cursor}", max=end, count=INBOX_BATCH)
            if not entries:
                break
            self._apply_entries(entries)

    def _apply_entries(self, entries: Any) -> None:
        """Apply inbox entries in order, moving the cursor past each."""
        for entry_id, data in entries:
            self.cursor = _text(entry_id)
            try:
                self._apply(json.loads(data[b"e"]))
            except Exception:
                log.exception("centre %s could not apply a client event", self.centre)

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
                self._apply_entries(entries)
            if batches:
                try:
                    await self.flush()
                except Exception:
                    log.exception("writing centre %s's queue failed; retrying", self.centre)
                    self._dirty.set()  # the flush loop tries again; the cursor is stored with it

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

    async def _reattach(self, fields: dict[str, str]) -> None:
        """After a takeover: clients the pool knows get their connection back from the store.

        Those whose node is dead leave through the liveness check, like any dead node's clients.
        """
        known = [(Role.KIOSK, k.kiosk_id) for k in self.pool.kiosks.values() if k.online]
        known += [(Role.LAWYER, lawyer_id) for lawyer_id in self.pool.lawyers]
        now = self.clock()
        for role, party_id in known:
            stored = fields.get(f"{CONN_PREFIX}{role.value}:{party_id}")
            if stored is not None:
                where = Presence(**json.loads(stored))
                self.connections[(role, party_id)] = RemoteConnection(self.outbox, role, party_id, where)
            elif role is Role.KIOSK:
                self._perform(self.pool.kiosk_disconnected(party_id, now))
            else:
                self._perform(self.pool.lawyer_disconnected(party_id, now))

    def check_liveness_soon(self) -> None:
        """A node was found dead: drop its clients now, not at the next check."""
        self._check_nodes.set()

    async def _liveness_loop(self) -> None:
        """Clients of a node found dead, or silent a whole lease time, leave the pool (a Redis restart
        that only delayed heartbeats does not count)."""
        ttl_s = self.membership.ttl_ms / 1000
        silent_since: dict[str, float] = {}
        while not self.stale:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._check_nodes.wait(), ttl_s / 2)
            self._check_nodes.clear()
            conns = [c for c in self.connections.values() if isinstance(c, RemoteConnection)]
            nodes = sorted({c.node for c in conns})
            try:
                states = await self.membership.node_states(nodes)
            except Exception:
                log.exception("reading node heartbeats failed")
                continue
            now = asyncio.get_running_loop().time()
            silent_since = {node: since for node, since in silent_since.items() if node in nodes}
            gone: set[str] = set()
            for node, state in zip(nodes, states, strict=True):
                if state is NodeState.ALIVE:
                    silent_since.pop(node, None)
                elif state is NodeState.DEAD or now - silent_since.setdefault(node, now) >= ttl_s:
                    gone.add(node)
            for conn in conns:
                if conn.node in gone and self.connections.get((conn.role, conn.party_id)) is conn:
                    log.info("%s vanished with its node %s", conn.client_id, conn.node)
                    self.leave(conn)
                    # A node only too busy to beat in time still holds the socket: closed, the client
                    # reconnects and takes its place back instead of staying connected but unknown.
                    conn.close_soon(CLOSE_PRESUMED_DEAD, "your node missed its heartbeat")


def _entry_order(entry_id: str) -> tuple[int, int]:
    """A stream entry id ("ms-seq") as a sortable pair."""
    ms, _, seq = entry_id.partition("-")
    return int(ms), int(seq or 0)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
