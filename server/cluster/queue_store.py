"""Where a centre's queue state is written through: in memory (one node) or Redis (a cluster).

Every write carries the writer's fencing token and is refused when a newer owner exists, so a
paused old owner cannot overwrite what the new owner rebuilt from.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence

from redis.asyncio import Redis

from server.cluster.lease import StaleOwnerError

# KEYS[1]=fence counter, KEYS[2]=state hash, KEYS[3..]=streams of the messages; ARGV[1]=token,
# ARGV[2]=number of fields set, ARGV[3]=number of fields deleted, ARGV[4]=stream max length,
# ARGV[5]=stream expiry ms, then field/value pairs to set, fields to delete, one body per stream key.
_FENCED_WRITE = """
if tonumber(redis.call('GET', KEYS[1]) or '0') ~= tonumber(ARGV[1]) then
  return 0
end
local i = 6
for _ = 1, tonumber(ARGV[2]) do
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
  i = i + 2
end
for _ = 1, tonumber(ARGV[3]) do
  redis.call('HDEL', KEYS[2], ARGV[i])
  i = i + 1
end
for k = 3, #KEYS do
  redis.call('XADD', KEYS[k], 'MAXLEN', '~', ARGV[4], '*', 'b', ARGV[i])
  redis.call('PEXPIRE', KEYS[k], ARGV[5])
  i = i + 1
end
return 1
"""

STREAM_MAX_LEN = 10_000  # messages kept per node stream (approximate trim)
STREAM_KEEP_MS = 3_600_000  # a dead node's stream goes away after this
Messages = Sequence[tuple[str, str]]  # (stream key, body) in the order they must go out


class QueueStore(ABC):
    """Queue state of every centre, written by the centre's owner only."""

    @abstractmethod
    async def load(self, centre: str) -> dict[str, str]:
        """Every stored field of the centre's queue (empty when it never had one)."""

    @abstractmethod
    async def write(
        self,
        centre: str,
        token: int,
        changed: Mapping[str, str],
        removed: Sequence[str],
        messages: Messages = (),
    ) -> None:
        """Set and delete fields and add the messages to their streams in one step (a node dying
        between the two would leave a state whose messages never went out); raises StaleOwnerError
        when `token` is not the newest, and then nothing is written."""


class MemoryQueueStore(QueueStore):
    """The single-node default: state in this process, tokens handed out by `grant`."""

    def __init__(self) -> None:
        self._fields: dict[str, dict[str, str]] = {}
        self._fences: dict[str, int] = {}
        self.streams: dict[str, list[str]] = {}

    def grant(self, centre: str) -> int:
        """Make this caller the centre's owner with a new, higher token."""
        self._fences[centre] = self._fences.get(centre, 0) + 1
        return self._fences[centre]

    async def load(self, centre: str) -> dict[str, str]:
        """Every stored field of the centre's queue."""
        return dict(self._fields.get(centre, {}))

    async def write(
        self,
        centre: str,
        token: int,
        changed: Mapping[str, str],
        removed: Sequence[str],
        messages: Messages = (),
    ) -> None:
        """Set and delete fields and keep the messages, refusing a stale token."""
        if token != self._fences.get(centre, 0):
            raise StaleOwnerError(f"token {token} is stale for centre {centre}")
        state = self._fields.setdefault(centre, {})
        state.update(changed)
        for name in removed:
            state.pop(name, None)
        for stream, body in messages:
            self.streams.setdefault(stream, []).append(body)


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
        self,
        centre: str,
        token: int,
        changed: Mapping[str, str],
        removed: Sequence[str],
        messages: Messages = (),
    ) -> None:
        """One atomic fenced script: the fence is checked, every field written and every message
        added, or nothing."""
        if not changed and not removed and not messages:
            return
        keys = [self.fence_key(centre), self.state_key(centre), *(stream for stream, _ in messages)]
        args: list[str | int] = [token, len(changed), len(removed), STREAM_MAX_LEN, STREAM_KEEP_MS]
        for name, value in changed.items():
            args += [name, value]
        args += list(removed)
        args += [body for _, body in messages]
        ok = await self.redis.eval(_FENCED_WRITE, len(keys), *keys, *args)
        if not ok:
            raise StaleOwnerError(f"token {token} is stale for centre {centre}")


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
