"""Which nodes are alive, which node owns which centre (rendezvous hashing), who is online where.

Every node renews `node:<id>` (SET PX) and is listed in the set `nodes`; a node whose key expired is
dead. Each client's presence is `presence:<role>:<id>` = its node, connection and centre, renewed by
its node, so a dead node's clients vanish from Redis when their keys expire (seconds).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

NODES_KEY = "nodes"

# KEYS[1]=presence key; ARGV[1]=the closed connection's id as JSON: delete only that connection's entry
_CLEAR_PRESENCE = """
local current = redis.call('GET', KEYS[1])
if current and cjson.decode(current)['conn'] == cjson.decode(ARGV[1]) then
  return redis.call('DEL', KEYS[1])
end
return 0
"""

# KEYS = presence keys; ARGV[1]=expiry ms, then one value per key: every client's entry renewed (and
# rewritten if a restarted Redis lost it) in one command the node packs once, not one command each.
_RENEW_PRESENCE = """
for i = 1, #KEYS do
  redis.call('SET', KEYS[i], ARGV[i + 1], 'PX', ARGV[1])
end
return #KEYS
"""

PresenceEntry = tuple[str, str]  # (Redis key, JSON value) of one client's presence


class NodeState(StrEnum):
    """How a node looks from Redis."""

    ALIVE = "alive"  # heartbeat current
    SILENT = "silent"  # heartbeat expired: dead, or Redis restarted and lost it (wait a lease time)
    DEAD = "dead"  # found dead (its link to Redis closed): act now


def rendezvous_owner(centre: str, nodes: Iterable[str]) -> str | None:
    """The node that should own a centre: highest hash of (node, centre); None without nodes."""
    best: tuple[bytes, str] | None = None
    for node in nodes:
        score = hashlib.sha256(f"{node}|{centre}".encode()).digest()
        if best is None or score > best[0]:
            best = (score, node)
    return None if best is None else best[1]


@dataclass(frozen=True)
class Presence:
    """Where one client's WebSocket is: node, connection id, centre, and how it is shown."""

    node: str
    conn: str
    centre: str
    name: str
    detail: str


def node_key(node_id: str) -> str:
    """The Redis key of a node's heartbeat."""
    return f"node:{node_id}"


def tombstone_key(node_id: str) -> str:
    """The key saying a node was found dead (queue owners drop its clients at once)."""
    return f"dead:{node_id}"


def presence_key(role: str, party_id: int) -> str:
    """The Redis key of one client's presence."""
    return f"presence:{role}:{party_id}"


def presence_entry(role: str, party_id: int, presence: Presence) -> PresenceEntry:
    """One client's presence as it is stored: made once when its socket opens, renewed as is."""
    return presence_key(role, party_id), json.dumps(asdict(presence), ensure_ascii=False)


class Membership:
    """One node's view of the cluster's live nodes and clients, kept in Redis with expiry."""

    def __init__(self, redis: Redis, node_id: str, ttl_ms: int) -> None:
        self.redis = redis
        self.node_id = node_id
        self.ttl_ms = ttl_ms

    async def heartbeat(
        self,
        clients: Sequence[PresenceEntry] = (),
        owns: Iterable[str] = (),
        *,
        draining: bool = False,
        address: str = "",
    ) -> None:
        """Say this node and its clients are alive (one round trip); rewrites entries a restarted
        Redis lost. The node's entry also says how many clients it holds, which centres it owns and
        whether it is draining (then it serves its clients until they leave but owns nothing)."""
        report = {
            "clients": len(clients),
            "owns": sorted(owns),
            "draining": draining,
            "at": time.time(),
            "address": address,
        }
        about = json.dumps(report, ensure_ascii=False)
        pipe = self.redis.pipeline(transaction=False)
        pipe.set(node_key(self.node_id), about, px=self.ttl_ms)
        pipe.sadd(NODES_KEY, self.node_id)
        pipe.delete(tombstone_key(self.node_id))  # wrongly found dead (cut off, not crashed): alive again
        if clients:
            keys = [key for key, _ in clients]
            pipe.eval(_RENEW_PRESENCE, len(keys), *keys, self.ttl_ms, *(value for _, value in clients))
        await pipe.execute()

    async def leave_cluster(self) -> None:
        """This node stops (gracefully): it is no longer counted as alive."""
        await self.redis.delete(node_key(self.node_id))
        await self.redis.srem(NODES_KEY, self.node_id)

    async def live_nodes(self) -> list[str]:
        """Nodes that may own centres: heartbeat current and not draining, sorted; dead ones are
        dropped from the list."""
        members = sorted(_text(m) for m in await self.redis.smembers(NODES_KEY))
        if not members:
            return []
        alive = await self.redis.mget([node_key(m) for m in members])
        dead = [m for m, a in zip(members, alive, strict=True) if a is None]
        if dead:
            await self.redis.srem(NODES_KEY, *dead)
        return [m for m, a in zip(members, alive, strict=True) if a is not None and not _draining(a)]

    async def set_presence(self, role: str, party_id: int, presence: Presence) -> None:
        """A client's WebSocket opened on this node."""
        pipe = self.redis.pipeline(transaction=False)
        self.add_presence(pipe, role, party_id, presence)
        await pipe.execute()

    async def clear_presence(self, role: str, party_id: int, conn: str) -> None:
        """A client's WebSocket closed; a newer connection elsewhere keeps its entry."""
        pipe = self.redis.pipeline(transaction=False)
        self.drop_presence(pipe, role, party_id, conn)
        await pipe.execute()

    def add_presence(self, pipe: Pipeline, role: str, party_id: int, presence: Presence) -> None:
        """set_presence, added to a pipeline the caller sends."""
        key, value = presence_entry(role, party_id, presence)
        pipe.set(key, value, px=self.ttl_ms)

    def drop_presence(self, pipe: Pipeline, role: str, party_id: int, conn: str) -> None:
        """clear_presence, added to a pipeline the caller sends."""
        pipe.eval(_CLEAR_PRESENCE, 1, presence_key(role, party_id), json.dumps(conn))

    async def node_reports(self) -> dict[str, dict[str, object]]:
        """Each live node's last heartbeat: {"clients": n, "owns": [centres], "draining": bool,
        "at": unix time, "address": host:port}."""
        members = sorted(_text(m) for m in await self.redis.smembers(NODES_KEY))
        if not members:
            return {}
        raw = await self.redis.mget([node_key(m) for m in members])
        return {m: json.loads(r) for m, r in zip(members, raw, strict=True) if r is not None}

    async def nodes_alive(self, nodes: list[str]) -> list[bool]:
        """Whether each node's heartbeat is current (one round trip)."""
        return [state is NodeState.ALIVE for state in await self.node_states(nodes)]

    async def node_states(self, nodes: list[str]) -> list[NodeState]:
        """Each node's state: heartbeat current, silent, or found dead (one round trip)."""
        if not nodes:
            return []
        raw = await self.redis.mget([node_key(n) for n in nodes] + [tombstone_key(n) for n in nodes])
        beats, tombs = raw[: len(nodes)], raw[len(nodes) :]
        return [
            NodeState.DEAD if tomb is not None else NodeState.ALIVE if beat is not None else NodeState.SILENT
            for beat, tomb in zip(beats, tombs, strict=True)
        ]

    async def presence(self, role: str, party_id: int) -> Presence | None:
        """Where a client is connected now, or None."""
        return (await self.presences([(role, party_id)]))[0]

    async def presences(self, clients: list[tuple[str, int]]) -> list[Presence | None]:
        """Presence of many clients in one round trip."""
        if not clients:
            return []
        raw = await self.redis.mget([presence_key(role, pid) for role, pid in clients])
        return [None if r is None else Presence(**json.loads(r)) for r in raw]


def _draining(report: bytes | str) -> bool:
    """Whether a node's heartbeat entry says it is draining."""
    try:
        return bool(json.loads(report).get("draining"))
    except (ValueError, AttributeError):
        return False


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
