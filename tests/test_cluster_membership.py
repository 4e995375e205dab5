"""Cluster membership on a real Redis: centres spread over live nodes, a dead node's centres and
clients pass on or vanish within the lease time, and each centre has one owner at a time."""

from __future__ import annotations

import asyncio

import pytest

from server.cluster.membership import Membership, Presence, presence_entry, rendezvous_owner
from server.cluster.ownership import Ownership

TTL_MS = 300
CENTRES = [f"centre-{n}" for n in range(12)]


def test_rendezvous_moves_only_the_dead_nodes_centres():
    three = {c: rendezvous_owner(c, ["a", "b", "c"]) for c in CENTRES}
    two = {c: rendezvous_owner(c, ["a", "c"]) for c in CENTRES}
    assert set(three.values()) == {"a", "b", "c"}  # 12 centres spread over all three nodes
    assert all(two[c] == owner for c, owner in three.items() if owner != "b")
    assert rendezvous_owner("main", []) is None


async def _tick(nodes: dict[str, tuple[Membership, Ownership]]) -> dict[str, tuple[list[str], list[str]]]:
    for membership, _ in nodes.values():
        await membership.heartbeat()
    live = await next(iter(nodes.values()))[0].live_nodes()
    return {name: await own.tick(CENTRES, live) for name, (_, own) in nodes.items()}


async def test_each_centre_has_one_owner_and_a_dead_nodes_centres_pass_on(redis):
    nodes = {n: (Membership(redis, n, TTL_MS), Ownership(redis, n, TTL_MS)) for n in ("a", "b", "c")}
    await _tick(nodes)
    owners = {c: [n for n, (_, own) in nodes.items() if c in own.leases] for c in CENTRES}
    assert all(len(held) == 1 for held in owners.values()), owners
    b_centres = set(nodes["b"][1].leases)
    old_tokens = {c: nodes["b"][1].token(c) for c in b_centres}
    assert b_centres

    del nodes["b"]  # SIGKILL: node b stops renewing anything
    await asyncio.sleep(TTL_MS / 1000 + 0.1)
    gained = await _tick(nodes)
    taken = set(gained["a"][0]) | set(gained["c"][0])
    assert taken == b_centres
    for centre in b_centres:
        holder = next(own for _, own in nodes.values() if centre in own.leases)
        assert holder.token(centre) > old_tokens[centre]
    assert await nodes["a"][0].live_nodes() == ["a", "c"]


async def test_a_paused_owner_notices_it_lost_its_centre(redis):
    a = (Membership(redis, "a", TTL_MS), Ownership(redis, "a", TTL_MS))
    await _tick({"a": a})
    assert set(a[1].leases) == set(CENTRES)
    await asyncio.sleep(TTL_MS / 1000 + 0.1)  # a froze past its leases
    b = (Membership(redis, "b", TTL_MS), Ownership(redis, "b", TTL_MS))
    await _tick({"b": b})
    assert set(b[1].leases) == set(CENTRES)
    _, lost = await a[1].tick(CENTRES, ["a", "b"])
    assert set(lost) == set(CENTRES)
    assert not a[1].leases


async def test_a_dead_nodes_clients_vanish_from_presence(redis):
    a, b = Membership(redis, "a", TTL_MS), Membership(redis, "b", TTL_MS)
    lawyer_here = Presence("b", "conn-2", "main", "律师3", "律所")
    await a.set_presence("kiosk", 7, Presence("a", "conn-1", "main", "终端7", "东村"))
    await b.set_presence("lawyer", 3, lawyer_here)
    for _ in range(4):  # b keeps renewing its client; a is dead
        await asyncio.sleep(TTL_MS / 2000)
        await b.heartbeat([presence_entry("lawyer", 3, lawyer_here)])
    kiosk, lawyer = await b.presences([("kiosk", 7), ("lawyer", 3)])
    assert kiosk is None
    assert lawyer == lawyer_here
    assert await b.nodes_alive(["a", "b"]) == [False, True]


async def test_a_restarted_redis_gets_presence_back_at_the_next_heartbeat(redis):
    b = Membership(redis, "b", 5000)
    here = Presence("b", "conn-2", "main", "律师3", "律所")
    await b.set_presence("lawyer", 3, here)
    await redis.flushdb()  # Redis restarted without the entry
    await b.heartbeat([presence_entry("lawyer", 3, here)])
    assert await b.presence("lawyer", 3) == here


async def test_a_closed_connection_does_not_erase_a_newer_one(redis):
    a = Membership(redis, "a", 5000)
    await a.set_presence("kiosk", 7, Presence("b", "conn-new", "main", "终端7", "东村"))
    await a.clear_presence("kiosk", 7, "conn-old")
    assert (await a.presence("kiosk", 7)) is not None
    await a.clear_presence("kiosk", 7, "conn-new")
    assert (await a.presence("kiosk", 7)) is None


async def test_terminals_and_lawyers_belong_to_main_unless_assigned(tmp_path):
    from sqlalchemy.ext.asyncio import create_async_engine

    from server.cluster.centres import CentreDirectory

    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'c.sqlite3'}")
    directory = CentreDirectory(engine)
    await directory.create_tables()
    await directory.assign("kiosk", 4, "西县")
    await directory.assign("kiosk", 4, "东县")  # moved
    elsewhere = CentreDirectory(engine)  # another node reads the same database
    await elsewhere.reload()
    assert elsewhere.centre_of("kiosk", 4) == "东县"
    assert elsewhere.centre_of("lawyer", 4) == "main"
    assert elsewhere.centres() == ["main", "东县"]
    with pytest.raises(ValueError):
        await directory.assign("lawyer", 1, "")
    await engine.dispose()


def test_an_operator_puts_a_terminal_in_a_centre_from_the_command_line(tmp_path, capsys):
    from sqlalchemy.ext.asyncio import create_async_engine

    from server.__main__ import main
    from server.cluster.centres import CentreDirectory

    database = tmp_path / "pool.sqlite3"
    where = ["--set", f"database_url=sqlite+aiosqlite:///{database}", "--set", f"data_dir={tmp_path}"]
    assert main(["set-centre", *where, "--kiosk", "4", "东县"]) == 0
    assert "kiosk 4 is now in centre 东县" in capsys.readouterr().out
    assert main(["set-centre", *where, "--lawyer", "2", ""]) == 1  # an empty name is refused plainly
    assert "centre name must be 1..64 characters" in capsys.readouterr().err

    async def centre_of_kiosk_4() -> str:
        engine = create_async_engine(f"sqlite+aiosqlite:///{database}")
        directory = CentreDirectory(engine)
        await directory.reload()
        await engine.dispose()
        return directory.centre_of("kiosk", 4)

    assert asyncio.run(centre_of_kiosk_4()) == "东县"
