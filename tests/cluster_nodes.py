"""Real cluster nodes for tests: `python -m server` processes in cluster mode on a private
PostgreSQL and Redis, and the helpers the cluster tests share."""

from __future__ import annotations

import asyncio
import itertools
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest
from redis.asyncio import Redis

from protocol.messages import Welcome
from server.auth import register_kiosk, register_lawyer
from server.storage import Storage
from tests.server_helpers import SignalClient, fresh_postgres_database
from tools.appdriver import free_port, python_env
from tools.pgserver import PostgresServer, PostgresUnavailableError
from tools.redisserver import RedisServer, RedisUnavailableError

DATA_KEY = "ZmFrZS1rZXktZm9yLXRlc3RzLW9ubHktMzJieXRlcyE="
LEASE_TTL_S = 1.5
LAWYERS = {"wang": "王律师", "li": "李律师"}
DATABASES = (f"nodes{n}" for n in itertools.count(1))


class Node:
    """One `python -m server` process in cluster mode."""

    def __init__(
        self, name: str, database_url: str, redis_url: str, work: Path, extra: dict[str, str] | None = None
    ) -> None:
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = work / f"{name}.log"
        sets = {
            "port": str(self.port),
            "storage": "postgresql",
            "database_url": database_url,
            "redis_url": redis_url,
            "node_id": name,
            "lease_ttl_s": str(LEASE_TTL_S),
            "data_key": DATA_KEY,
            "data_dir": str(work / name),
            "wrap_up_s": "0",  # the next call rings as soon as the last one ends
        } | (extra or {})
        command = [sys.executable, "-m", "server", "run"]
        for key, value in sets.items():
            command += ["--set", f"{key}={value}"]
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=python_env())

    async def ready(self, http: aiohttp.ClientSession, timeout_s: float = 30.0) -> None:
        """Wait for /healthz."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text()
            try:
                async with http.get(f"{self.url}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
        raise AssertionError(f"{self.name} did not start: {self.log.read_text()}")

    def stop(self) -> None:
        """Terminate (if still running)."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def cluster_engines() -> Iterator[tuple[PostgresServer, RedisServer]]:
    """A private PostgreSQL and Redis (append-only, so a restart keeps its data) for a test module;
    skips where either is not installed."""
    try:
        pg, redis = PostgresServer(), RedisServer(appendonly=True)
    except (PostgresUnavailableError, RedisUnavailableError) as exc:
        pytest.skip(str(exc))
    pg.start()
    redis.start()
    yield pg, redis
    redis.stop()
    pg.stop()


@asynccontextmanager
async def node_cluster(
    engines: tuple[PostgresServer, RedisServer],
    work: Path,
    *,
    names: tuple[str, ...] = ("n1", "n2", "n3"),
    kiosks: tuple[str, ...] = ("k1", "k2", "k3", "k4"),
    lawyers: tuple[str, ...] = ("wang",),
    extra: dict[str, str] | None = None,
    prepare: Callable[[Storage], Awaitable[object]] | None = None,
) -> AsyncIterator[tuple[dict[str, Node], str, Redis, dict[str, str]]]:
    """Nodes sharing a fresh database and an empty Redis, started one at a time (each migrates the
    database at start); `prepare` adds what else the test needs to the database first; yields (nodes,
    database URL, redis, kiosk tokens)."""
    pg, redis_server = engines
    database_url = await fresh_postgres_database(pg.port, pg.user, next(DATABASES))
    storage = Storage.open(database_url)
    await storage.migrate()
    tokens = {k: (await register_kiosk(storage, f"{k[1:]}号终端", f"村{k[1:]}"))[1] for k in kiosks}
    for username in lawyers:
        await register_lawyer(storage, username, LAWYERS[username], "明理律师事务所", "pw-123456")
    if prepare is not None:
        await prepare(storage)
    await storage.close()
    redis = Redis.from_url(redis_server.url)
    await redis.flushdb()
    nodes: dict[str, Node] = {}
    async with aiohttp.ClientSession() as http:
        try:
            for name in names:
                nodes[name] = Node(name, database_url, redis_server.url, work, extra)
                await nodes[name].ready(http)
            yield nodes, database_url, redis, tokens
        finally:
            for node in nodes.values():
                node.stop()
            await redis.aclose()


async def connect(http: aiohttp.ClientSession, node: Node, token: str) -> SignalClient:
    ws = await http.ws_connect(f"{node.url}/ws", headers={"Authorization": f"Bearer {token}"})
    client = SignalClient(ws, Welcome("", "", "", "", 0.0))
    client.welcome = await client.expect(Welcome)
    return client


async def owner_of(redis: Redis, centre: str, not_node: str = "", timeout_s: float = 15.0) -> str:
    """The node holding the centre's lease (waiting for one other than `not_node`)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        raw = await redis.get(f"lease:{centre}")
        holder = (raw.decode() if isinstance(raw, bytes) else raw or "").rsplit("|", 1)[0]
        if holder and holder != not_node:
            return holder
        await asyncio.sleep(0.1)
    raise AssertionError(f"nobody owns {centre}")
