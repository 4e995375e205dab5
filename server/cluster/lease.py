"""One owner per centre queue: a Redis lease (SET NX PX, renewed) with a fencing token.

The fencing token grows every time the lease changes hands. Every write the owner makes to shared
state carries its token and is refused when a newer owner exists, so an owner that paused (GC, a
frozen VM) and lost its lease cannot act on stale beliefs afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from redis.asyncio import Redis

# KEYS[1]=lease key, KEYS[2]=fence counter; ARGV[1]=node id, ARGV[2]=ttl ms
_ACQUIRE = """
local holder = redis.call('GET', KEYS[1])
if holder then
  local node, token = string.match(holder, '^(.*)|(%d+)$')
  if node == ARGV[1] then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    return tonumber(token)
  end
  return 0
end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. token, 'PX', ARGV[2])
return token
"""

# KEYS[1]=lease key; ARGV[1]=node|token, ARGV[2]=ttl ms
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
"""

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""

# KEYS[1]=fence counter, KEYS[2]=target hash; ARGV[1]=token, ARGV[2]=field, ARGV[3]=value
_FENCED_HSET = """
if tonumber(redis.call('GET', KEYS[1]) or '0') ~= tonumber(ARGV[1]) then
  return 0
end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
return 1
"""


class LeaseState(StrEnum):
    """This node's view of one lease."""

    NOT_HELD = "not_held"
    HELD = "held"
    LOST = "lost"  # renewal failed: another node owns it now; stop acting at once


async def renew_all(redis: Redis, leases: list[Lease]) -> list[bool]:
    """Renew many leases in one round trip to Redis (a busy node must not wait its turn once per
    lease: with the event loop saturated each await costs a full turn, and leases expired)."""
    if not leases:
        return []
    pipe = redis.pipeline(transaction=False)
    for lease in leases:
        pipe.eval(_RENEW, 1, lease.key, f"{lease.node_id}|{lease.token}", lease.ttl_ms)
    results = await pipe.execute()
    for lease, renewed in zip(leases, results, strict=True):
        if not renewed:
            lease.state = LeaseState.LOST
    return [bool(r) for r in results]


async def acquire_all(redis: Redis, leases: list[Lease]) -> list[bool]:
    """Try to take many leases in one round trip (a dead node's centres pass on together)."""
    if not leases:
        return []
    pipe = redis.pipeline(transaction=False)
    for lease in leases:
        pipe.eval(_ACQUIRE, 2, lease.key, lease.fence_key, lease.node_id, lease.ttl_ms)
    tokens = await pipe.execute()
    for lease, token in zip(leases, tokens, strict=True):
        if int(token):
            lease.token, lease.state = int(token), LeaseState.HELD
    return [bool(int(token)) for token in tokens]


class StaleOwnerError(RuntimeError):
    """A write carried an old fencing token: a newer owner exists."""


@dataclass
class Lease:
    """A node's claim on one resource (a centre's queue)."""

    redis: Redis
    resource: str
    node_id: str
    ttl_ms: int = 5000
    token: int = 0
    state: LeaseState = LeaseState.NOT_HELD

    @property
    def key(self) -> str:
        """The Redis key of the lease."""
        return f"lease:{self.resource}"

    @property
    def fence_key(self) -> str:
        """The Redis key of the fencing counter."""
        return f"fence:{self.resource}"

    async def acquire(self) -> bool:
        """Take the lease if free (or keep it if ours); True when this node holds it."""
        token = int(await self.redis.eval(_ACQUIRE, 2, self.key, self.fence_key, self.node_id, self.ttl_ms))
        if token:
            self.token, self.state = token, LeaseState.HELD
            return True
        return False

    async def renew(self) -> bool:
        """Extend the lease; on failure the state becomes LOST and the caller must stop acting."""
        if self.state is not LeaseState.HELD:
            return False
        renewed = await self.redis.eval(_RENEW, 1, self.key, f"{self.node_id}|{self.token}", self.ttl_ms)
        if not renewed:
            self.state = LeaseState.LOST
        return bool(renewed)

    async def release(self) -> None:
        """Give the lease up (graceful drain) so another node can take it at once."""
        if self.state is LeaseState.HELD:
            await self.redis.eval(_RELEASE, 1, self.key, f"{self.node_id}|{self.token}")
        self.state = LeaseState.NOT_HELD

    async def fenced_hset(self, hash_key: str, field: str, value: str) -> None:
        """Write one field of shared state only if our token is still the newest."""
        ok = await self.redis.eval(_FENCED_HSET, 2, self.fence_key, hash_key, self.token, field, value)
        if not ok:
            self.state = LeaseState.LOST
            raise StaleOwnerError(f"{self.node_id} lost {self.resource} (token {self.token} is stale)")
