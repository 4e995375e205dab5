"""Cluster mode at start: is it asked for, is it configured sensibly, can Redis be reached?"""

from __future__ import annotations

import re

from redis.asyncio import Redis

from config.settings import ServerSettings, StorageKind


def cluster_mode(settings: ServerSettings) -> bool:
    """Cluster mode is a setting: a redis_url (with PostgreSQL storage)."""
    return bool(settings.redis_url)


def cluster_settings_problem(settings: ServerSettings) -> str:
    """A plain sentence when the cluster settings cannot work, else ""."""
    if settings.redis_url and settings.storage is not StorageKind.POSTGRESQL:
        return (
            "集群模式需要 PostgreSQL (cluster mode needs storage = postgresql): "
            "every node must share one database; SQLite is for a single node"
        )
    if settings.redis_url and settings.lease_ttl_s <= 0:
        return "lease_ttl_s must be more than 0"
    if settings.redis_url and settings.crash_check_s <= 0:
        return "crash_check_s must be more than 0"
    return ""


async def redis_problem(settings: ServerSettings) -> str:
    """A plain sentence when Redis cannot be reached at start, else ""."""
    client = Redis.from_url(settings.redis_url, socket_connect_timeout=3, socket_timeout=3)
    try:
        await client.ping()
    except Exception as exc:  # connection refused, DNS, auth: the sentence says which
        where = re.sub(r"//[^@/]*@", "//", settings.redis_url)  # never print a password
        return f"无法连接 Redis (cannot reach Redis) {where}: {type(exc).__name__}: {exc}"
    finally:
        await client.aclose()
    return ""
