"""Cluster mode with a real PostgreSQL, a real Redis and two server nodes: a kiosk on one node calls
a lawyer on the other; a node that cannot reach Redis says so and exits non-zero."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import logging
import subprocess
import sys

import pytest
from redis.asyncio import Redis

from config.settings import StorageKind
from protocol.messages import (
    Accept,
    Answer,
    CallAccepted,
    CallQueued,
    CallRequest,
    DutyState,
    Hangup,
    NoLawyerAvailable,
    Offer,
    Ring,
    SetDuty,
)
from server.auth import register_kiosk
from server.cluster.node import ClusterHub
from server.cluster.owner import CentreOwner
from tests.cluster_nodes import cluster_engines
from tests.server_helpers import fresh_postgres_database, running_server, server_settings
from tests.test_server_calls import ANSWER_SDP, OFFER_SDP
from tools.appdriver import python_env

pytest.importorskip("asyncpg")
DATABASES = (f"cluster{n}" for n in itertools.count(1))


@pytest.fixture(scope="module")
def engines():
    """A private PostgreSQL and Redis for the module."""
    yield from cluster_engines()


@pytest.fixture
async def cluster_settings(engines, tmp_path):
    """Settings for nodes of one fresh cluster (new database, empty Redis)."""
    pg, redis = engines
    database_url = await fresh_postgres_database(pg.port, pg.user, next(DATABASES))
    client = Redis.from_url(redis.url)
    await client.flushdb()
    await client.aclose()

    def node(name: str):
        return server_settings(
            tmp_path,
            storage=StorageKind.POSTGRESQL,
            database_url=database_url,
            redis_url=redis.url,
            node_id=name,
            lease_ttl_s=1.5,
            data_key="ZmFrZS1rZXktZm9yLXRlc3RzLW9ubHktMzJieXRlcyE=",
        )

    return node


async def test_a_kiosk_on_one_node_calls_a_lawyer_on_another(cluster_settings):
    async with running_server(cluster_settings("a")) as a, running_server(cluster_settings("b")) as b:
        hub_a, hub_b = a.hub, b.hub
        assert isinstance(hub_a, ClusterHub) and isinstance(hub_b, ClusterHub)
        assert set(hub_a.owners) | set(hub_b.owners) == {"main"}
        owner, other = (a, b) if "main" in hub_a.owners else (b, a)
        desk = await other.lawyer_on_duty("wang", "王律师", "明理律师事务所")  # not on the owner
        kiosk = await owner.kiosk("一号终端", "东村")

        await kiosk.send(CallRequest(request_id="r1", topic="labour_wages"))
        queued = await kiosk.expect(CallQueued)
        assert queued.position == 1
        ring = await desk.expect(Ring)
        assert (ring.call_id, ring.kiosk_name, ring.village) == (queued.call_id, "一号终端", "东村")
        await desk.send(Accept(queued.call_id))
        to_kiosk = await kiosk.expect(CallAccepted)
        assert (to_kiosk.peer_name, to_kiosk.peer_detail) == ("王律师", "明理律师事务所")
        await desk.expect(CallAccepted)
        await kiosk.send(Offer(queued.call_id, OFFER_SDP))
        assert (await desk.expect(Offer)).sdp == OFFER_SDP
        await desk.send(Answer(queued.call_id, ANSWER_SDP))
        assert (await kiosk.expect(Answer)).sdp == ANSWER_SDP
        await kiosk.send(Hangup(queued.call_id, "completed"))
        assert (await desk.expect(Hangup)).reason == "completed"

        owning = owner.hub
        assert isinstance(owning, ClusterHub)
        await owning.owners["main"].records_flushed()
        record = await owner.storage.get_call(queued.call_id)
        assert record is not None and record.outcome == "completed"
        await kiosk.close()
        await desk.close()
        await asyncio.sleep(0)


def test_a_node_that_cannot_reach_redis_says_so_and_exits(cluster_settings, tmp_path):
    settings = cluster_settings("lonely")
    unreachable = "redis://127.0.0.1:1/0"
    command = [
        sys.executable,
        "-m",
        "server",
        "run",
        "--set",
        "storage=postgresql",
        "--set",
        f"database_url={settings.database_url}",
        "--set",
        f"redis_url={unreachable}",
        "--set",
        f"data_dir={tmp_path}",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False, env=python_env())
    assert done.returncode == 1
    assert "无法连接 Redis (cannot reach Redis) redis://127.0.0.1:1/0" in done.stderr


async def test_a_redis_user_not_allowed_client_commands_still_runs_a_cluster(
    cluster_settings, engines, caplog
):
    _, redis_server = engines
    admin = Redis.from_url(redis_server.url)
    await admin.execute_command(
        "ACL", "SETUSER", "limited", "on", ">pw-limited", "~*", "&*", "+@all", "-client"
    )
    settings = dataclasses.replace(
        cluster_settings("a"), redis_url=redis_server.url.replace("redis://", "redis://limited:pw-limited@")
    )
    try:
        with caplog.at_level(logging.WARNING):
            async with running_server(settings) as a:
                assert isinstance(a.hub, ClusterHub) and set(a.hub.owners) == {"main"}
                desk = await a.lawyer_on_duty("wang", "王律师", "明理律师事务所")
                kiosk = await a.kiosk("一号终端", "东村")
                await kiosk.send(CallRequest(request_id="r1", topic="general"))
                queued = await kiosk.expect(CallQueued)
                assert (await desk.expect(Ring)).call_id == queued.call_id
                await kiosk.close()
                await desk.close()
        assert "crashes are found by lease expiry only" in caplog.text
    finally:
        await admin.execute_command("ACL", "DELUSER", "limited")
        await admin.aclose()


def test_cluster_mode_on_sqlite_is_refused_plainly():
    command = [sys.executable, "-m", "server", "run", "--set", "redis_url=redis://127.0.0.1:6379/0"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False, env=python_env())
    assert done.returncode == 2
    assert "cluster mode needs storage = postgresql" in done.stderr


async def test_each_centre_rings_only_its_own_lawyers(cluster_settings):
    async with running_server(cluster_settings("a")) as a, running_server(cluster_settings("b")) as b:
        hubs = [a.hub, b.hub]
        assert all(isinstance(hub, ClusterHub) for hub in hubs)
        east_desk_id = await a.add_lawyer("li", "李律师", "东城律所")
        east_kiosk_id, east_kiosk_token = await register_kiosk(a.storage, "东县终端", "东村")
        for hub in hubs:  # the directory of both nodes, as an operator's edit reaches them
            assert isinstance(hub, ClusterHub)
            await hub.directory.assign("lawyer", east_desk_id, "east")
            await hub.directory.assign("kiosk", east_kiosk_id, "east")
        owners: dict[str, str] = {}
        for _ in range(100):
            owners = {c: h.node_id for h in hubs if isinstance(h, ClusterHub) for c in h.owners}
            if set(owners) == {"main", "east"}:
                break
            await asyncio.sleep(0.1)
        assert set(owners) == {"main", "east"}

        east_desk = await a.connect(await a.login("li"))
        await east_desk.expect(DutyState)
        await east_desk.send(SetDuty(on_duty=True))
        await east_desk.expect(DutyState)
        main_kiosk = await a.kiosk("一号终端", "西村")  # not assigned: the default centre
        east_kiosk = await b.connect(east_kiosk_token)

        await east_kiosk.send(CallRequest(request_id="e1", topic="general"))
        east_call = (await east_kiosk.expect(CallQueued)).call_id
        assert (await east_desk.expect(Ring)).call_id == east_call
        await main_kiosk.send(CallRequest(request_id="m1", topic="general"))
        told = await main_kiosk.expect(NoLawyerAvailable)  # east's free lawyer is not main's
        assert told.reason == "nobody_on_duty"
        for client in (east_desk, main_kiosk, east_kiosk):
            await client.close()


async def test_the_cluster_page_shows_nodes_owners_clients_and_health(cluster_settings, tmp_path):
    async with running_server(cluster_settings("a")) as a, running_server(cluster_settings("b")) as b:
        kiosk = await b.kiosk("一号终端", "东村")
        status: dict = {}
        for _ in range(100):  # until both nodes' heartbeats carry the latest figures
            async with a.http.get(f"{a.url}/api/cluster") as response:
                assert response.status == 200
                status = await response.json()
            if set(status["nodes"]) == {"a", "b"} and status["nodes"]["b"]["clients"] == 1:
                break
            await asyncio.sleep(0.1)
        assert (status["node"], status["redis"], status["database"]) == ("a", "ok", "ok")
        assert set(status["nodes"]) == {"a", "b"} and status["nodes"]["b"]["clients"] == 1
        owner = status["centres"]["main"]["owner"]
        assert owner in {"a", "b"} and status["nodes"][owner]["owns"] == ["main"]
        await kiosk.close()
    async with (
        running_server(server_settings(tmp_path)) as single,
        single.http.get(f"{single.url}/api/cluster") as response,
    ):
        assert response.status == 404  # one node without Redis: no cluster to show


async def test_a_slow_takeover_never_holds_back_the_heartbeat_or_the_other_leases(
    cluster_settings, monkeypatch
):
    async with running_server(cluster_settings("a")) as a:
        hub = a.hub
        assert isinstance(hub, ClusterHub)
        for _ in range(100):
            if "main" in hub.owners:
                break
            await asyncio.sleep(0.05)
        held = await hub.redis.get("lease:main")
        assert held is not None
        started = CentreOwner.start

        async def slow_start(owner: CentreOwner) -> None:  # a busy machine: taking over takes long
            await asyncio.sleep(4.5)
            await started(owner)

        monkeypatch.setattr(CentreOwner, "start", slow_start)
        kiosk_id, _ = await register_kiosk(a.storage, "东县终端", "东村")
        await hub.directory.assign("kiosk", kiosk_id, "east")  # a new centre for this node to take
        for _ in range(30):  # 4.5 s: three lease times of 1.5 s
            await asyncio.sleep(0.15)
            assert await hub.redis.get("lease:main") == held  # renewed meanwhile, never lost
            assert await hub.redis.get("node:a") is not None  # and the node still counted alive
        assert "east" in hub.owners
