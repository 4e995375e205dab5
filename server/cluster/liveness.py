"""Crash detection faster than lease expiry: a node's own named link to Redis.

Every node keeps one Redis connection open under the name `pool-node:<id>`. When a node's process
dies (SIGKILL, a crash, OOM) its kernel closes that socket and Redis drops it at once; the other nodes
see the name vanish from `CLIENT LIST` within a check or two and declare the node dead: its heartbeat
goes, a tombstone `dead:<id>` tells queue owners to drop its clients now, and its leases are deleted
so the next owner takes each centre at once instead of waiting out the lease.

This only speeds up what lease expiry does anyway, and is safe for the same reason: every write of
an owner is fenced, so a node wrongly declared dead (cut off from Redis, not crashed) can no longer act
and gives its centres up when it comes back. A machine that dies without closing its sockets is still
caught by lease expiry.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from redis.asyncio import Redis

from server.cluster.membership import NODES_KEY, node_key, tombstone_key

log = logging.getLogger(__name__)

LINK_PREFIX = "pool-node:"
TOMBSTONE_MS = 60_000  # long enough for every owner to drop the dead node's clients
ABSENT_CHECKS = 2  # a name missing this many checks in a row is a dead node (one miss: a reconnect)

# KEYS = lease keys; ARGV[1] = node id: delete the leases that node holds, return how many
_DROP_LEASES = """
local dropped = 0
for _, key in ipairs(KEYS) do
  local holder = redis.call('GET', key)
  if holder and string.match(holder, '^(.*)|%d+$') == ARGV[1] then
    redis.call('DEL', key)
    dropped = dropped + 1
  end
end
return dropped
"""


def link_name(node_id: str) -> str:
    """The client name of a node's link (Redis names may not hold spaces)."""
    return LINK_PREFIX + re.sub(r"[^A-Za-z0-9_.:@-]", "_", node_id)


def node_links(clients: Iterable[dict[str, str]]) -> dict[str, str]:
    """Link name -> which connection it is (Redis client id and the client's address: a reconnect,
    or a restarted Redis handing out ids from 1 again, changes it) for every node link in a
    CLIENT LIST."""
    return {
        c["name"]: f"{c.get('id', '')}@{c.get('addr', '')}"
        for c in clients
        if c.get("name", "").startswith(LINK_PREFIX)
    }


@dataclass
class CrashDetector:
    """Watches the other nodes' links; reports the nodes whose link stayed gone.

    A node counts only once its link was seen while this node's own link stayed the same connection:
    after a Redis restart every link is new, nobody was seen yet, and nothing is declared.

    Attributes:
        own_link: this node's link name.
        seen: link names present since our own link last changed.
        missing: link name -> consecutive checks it was absent.
    """

    own_link: str
    seen: set[str] = field(default_factory=set)
    missing: dict[str, int] = field(default_factory=dict)
    own_id: str = ""

    def observe(self, links: dict[str, str], members: Iterable[str]) -> list[str]:
        """One CLIENT LIST reading; returns the cluster members to declare dead now."""
        own = links.get(self.own_link)
        if own is None or own != self.own_id:  # our link is down or new (Redis restarted): start over
            self.own_id = own or ""
            self.seen = set(links)
            self.missing.clear()
            return []
        dead: list[str] = []
        for node in members:
            name = link_name(node)
            if name == self.own_link:
                continue
            if name in links:
                self.seen.add(name)
                self.missing.pop(name, None)
            elif name in self.seen:
                self.missing[name] = self.missing.get(name, 0) + 1
                if self.missing[name] >= ABSENT_CHECKS:
                    dead.append(node)
                    self.seen.discard(name)
                    self.missing.pop(name, None)
        return dead


async def declare_dead(redis: Redis, node_id: str, lease_keys: list[str]) -> int:
    """A dead node's heartbeat goes, its tombstone is set and its leases deleted (one round trip).

    Returns the number of leases freed."""
    pipe = redis.pipeline(transaction=True)
    pipe.set(tombstone_key(node_id), "1", px=TOMBSTONE_MS)
    pipe.delete(node_key(node_id))
    pipe.srem(NODES_KEY, node_id)
    if lease_keys:
        pipe.eval(_DROP_LEASES, len(lease_keys), *lease_keys, node_id)
    results = await pipe.execute()
    return int(results[3]) if lease_keys else 0
