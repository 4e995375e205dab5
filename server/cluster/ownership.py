"""Which centre queues this node owns: take free leases it should own, renew held ones, notice losses."""

from __future__ import annotations

from collections.abc import Iterable

from redis.asyncio import Redis

from server.cluster.lease import Lease, LeaseState, acquire_all, renew_all
from server.cluster.membership import rendezvous_owner


class Ownership:
    """This node's leases on centre queues.

    A free lease is taken by the live node that rendezvous hashing names for the centre, so every node
    agrees who steps in when an owner dies. A held lease stays with its holder while it renews it
    (no rebalancing: moving a live queue costs more than an uneven spread).

    Attributes:
        leases: centre -> the lease this node holds on it.
    """

    def __init__(self, redis: Redis, node_id: str, ttl_ms: int) -> None:
        self.redis = redis
        self.node_id = node_id
        self.ttl_ms = ttl_ms
        self.leases: dict[str, Lease] = {}

    async def tick(self, centres: Iterable[str], live_nodes: list[str]) -> tuple[list[str], list[str]]:
        """Renew and take leases; returns (centres gained, centres lost) since the last tick."""
        gained: list[str] = []
        centres = list(centres)
        held = [c for c in centres if c in self.leases]
        live = [c for c in held if self.leases[c].state is LeaseState.HELD]
        renewed = dict(zip(live, await renew_all(self.redis, [self.leases[c] for c in live]), strict=True))
        lost = [c for c in held if not renewed.get(c, False)]  # one round trip renewed them all
        for centre in lost:
            del self.leases[centre]
        ours = [
            Lease(self.redis, centre, self.node_id, self.ttl_ms)
            for centre in centres
            if centre not in self.leases
            and centre not in lost
            and rendezvous_owner(centre, live_nodes) == self.node_id
        ]
        for lease, taken in zip(ours, await acquire_all(self.redis, ours), strict=True):
            if taken:
                self.leases[lease.resource] = lease
                gained.append(lease.resource)
        return gained, lost

    async def renew(self) -> None:
        """Renew every held lease in one round trip; one that failed is LOST (the next tick stops its
        owner)."""
        await renew_all(
            self.redis, [lease for lease in self.leases.values() if lease.state is LeaseState.HELD]
        )

    def token(self, centre: str) -> int:
        """The fencing token of a held lease (0 when not held)."""
        lease = self.leases.get(centre)
        return lease.token if lease is not None and lease.state is LeaseState.HELD else 0

    def lose(self, centre: str) -> None:
        """A fenced write was refused: stop treating the centre as ours at once."""
        lease = self.leases.pop(centre, None)
        if lease is not None:
            lease.state = LeaseState.LOST

    async def release_all(self) -> None:
        """Give every lease up (a node stopping) so others take them at once."""
        for lease in list(self.leases.values()):
            await lease.release()
        self.leases.clear()
