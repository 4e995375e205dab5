"""Where a centre's queue state is written through: in memory (one node) or Redis (a cluster).

Every write carries the writer's fencing token and is refused when a newer owner exists, so a
paused old owner cannot overwrite what the new owner rebuilt from.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence

from redis.asyncio import Redis

from server.cluster.lease import StaleOwnerError

# KEYS[1]=fence counter, KEYS[2]=state hash; ARGV[1]=token, ARGV[2]=number of fields set,
# then field/value pairs to set, then fields to delete.
_FENCED_WRITE = """
if tonumber(redis.call('GET', KEYS[1]) or '0') ~= tonumber(ARGV[1]) then
  return 0
end
local n = tonumber(ARGV[2])
for i = 0, n - 1 do
  redis.call('HSET', KEYS[2], ARGV[3 + 2 * i], ARGV[4 + 2 * i])
end
for i = 3 + 2 * n, #ARGV do
  redis.call('HDEL', KEYS[2], ARGV[i])
end
return 1
"""


class QueueStore(ABC):
    """Queue state of every centre, written by the centre's owner only."""

    @abstractmethod
    async def load(self, centre: str) -> dict[str, str]:
        """Every stored field of the centre's queue (empty when it never had one)."""

    @abstractmethod
    async def write(
        self, centre: str, token: int, changed: Mapping[str, str], removed: Sequence[str]
    ) -> None:
        """Set and delete fields in one step; raises StaleOwnerError when `token` is not the newest."""


class MemoryQueueStore(QueueStore):
    """The single-node default: state in this process, tokens handed out by `grant`."""

    def __init__(self) -> None:
        self._fields: dict[str, dict[str, str]] = {}
        self._fences: dict[str, int] = {}

    def grant(self, centre: str) -> int:
        """Make this caller the centre's owner with a new, higher token."""
        self._fences[centre] = self._fences.get(centre, 0) + 1
        return self._fences[centre]

    async def load(self, centre: str) -> dict[str, str]:
        """Every stored field of the centre's queue."""
        return dict(self._fields.get(centre, {}))

    async def write(
        self, centre: str, token: int, changed: Mapping[str, str], removed: Sequence[str]
    ) -> None:
        """Set and delete fields, refusing a stale token."""
        if token != self._fences.get(centre, 0):
            raise StaleOwnerError(f"token {token} is stale for centre {centre}")
        state = self._fields.setdefault(centre, {})
        state.update(changed)
        for name in removed:
            state.pop(name, None)


class RedisQueueStore(QueueStore):
    """State in the Redis hash queue:<centre>, fenced by the lease's counter fence:<centre>."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    @staticmethod
    def state_key(centre: str) -> str:
        """The Redis hash holding the centre's queue state."""
        return f"queue:{centre}"

    @staticmethod
    def fence_key(centre: str) -> str:
        """The fencing counter shared with the centre's Lease (resource = centre)."""
        return f"fence:{centre}"

    async def load(self, centre: str) -> dict[str, str]:
        """Every stored field of the centre's queue."""
        raw = await self.redis.hgetall(self.state_key(centre))
        return {_text(k): _text(v) for k, v in raw.items()}

    async def write(
        self, centre: str, token: int, changed: Mapping[str, str], removed: Sequence[str]
    ) -> None:
        """One atomic fenced script: the fence is checked and every field written, or nothing."""
        if not changed and not removed:
            return
        args: list[str | int] = [token, len(changed)]
        for name, value in changed.items():
            args += [name, value]
        args += list(removed)
        ok = await self.redis.eval(_FENCED_WRITE, 2, self.fence_key(centre), self.state_key(centre), *args)
        if not ok:
            raise StaleOwnerError(f"token {token} is stale for centre {centre}")


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
