"""Every centre's queue as seen from one node: its own owners' live pools, the others' from the store."""

from __future__ import annotations

from server.cluster.node import ClusterHub
from server.cluster.snapshot import restore_pool
from server.pool import Pool


async def centre_pools(hub: ClusterHub) -> dict[str, Pool]:
    """centre -> its pool: live where this node owns it, else as its owner last wrote it (read only)."""
    pools: dict[str, Pool] = {}
    for centre in hub.directory.centres():
        owner = hub.owners.get(centre)
        if owner is not None:
            pools[centre] = owner.pool
        else:
            pools[centre] = restore_pool(Pool.from_settings(hub.settings), await hub.store.load(centre))
    return pools


def owned_pools(hub: ClusterHub) -> dict[str, Pool]:
    """centre -> live pool, for the centres this node owns now."""
    return {centre: owner.pool for centre, owner in hub.owners.items()}
