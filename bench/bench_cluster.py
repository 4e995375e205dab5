"""A province on three pool servers: 3,000 terminals, 150 lawyers in 30 centres, calls at 30 per second,
one node SIGKILLed mid-run.

Real PostgreSQL and Redis (tools/pgserver.py, tools/redisserver.py), three `python -m server` nodes in
cluster mode with the default lease time. Terminals run in one process per node they start on
(bench/cluster_terminals.py: a node's death stalls only the process reconnecting its terminals),
lawyers in another (bench/pool_sim.py: each client holds every node's URL, starts on one of them and
reconnects to another when its socket goes, as the apps do with server_urls). Leases are watched
through Redis keyspace events (renewals, takeovers, expiries) without touching the servers. Progress on
stderr; last line one JSON object. SMALL=1 (or TERMINALS=, LAWYERS=, CENTRES=, RATE=, DURATION_S=) for
a quick run.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import multiprocessing
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from multiprocessing.synchronize import Event as EventType
from pathlib import Path
from typing import Any

import aiohttp
import psutil
from redis.asyncio import Redis

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cluster_terminals import TerminalsPlan, TerminalsReport, terminals_process
from bench.pool_sim import (
    DeskLog,
    KioskTally,
    SimDesk,
    client_connector,
    connect_all,
    double_offers,
    ms_figures,
    wait_ready,
)
from server.auth import new_token, token_hash
from server.cluster.centres import DEFAULT_CENTRE, CentreDirectory, centre_members
from server.crypto import DataCipher
from server.storage import Storage
from tools.appdriver import free_port, python_env
from tools.pgserver import PostgresServer
from tools.redisserver import RedisServer

SMALL = os.environ.get("SMALL", "") not in ("", "0")
NODES = int(os.environ.get("NODES", "3"))
TERMINALS = int(os.environ.get("TERMINALS", "600" if SMALL else "3000"))
LAWYERS = int(os.environ.get("LAWYERS", "60" if SMALL else "150"))
CENTRES = int(os.environ.get("CENTRES", "12" if SMALL else "30"))
RATE = float(os.environ.get("RATE", "10" if SMALL else "30"))  # calls per second
DURATION_S = float(os.environ.get("DURATION_S", "30" if SMALL else "60"))
KILL_AT_S = float(os.environ.get("KILL_AT_S", str(DURATION_S / 2)))  # after the first call
LEASE_TTL_S = float(os.environ.get("LEASE_TTL_S", "3.0"))  # the default of config/settings.py
TALK_S = (0.5, 1.5)  # short talks keep the pool turning with few calls queued behind busy lawyers
# The terminal was away (reconnecting) when its call ended; a request sent again for a call that ended
# meanwhile hears NoLawyerAvailable(caller_away) with the call's id.
MISSED_END = ("rejoin_refused", "error:not_found", "no_lawyer:caller_away")
ROOT = Path(__file__).resolve().parent.parent
KEEP_LOGS = ROOT / "var" / "bench-cluster-logs"  # node logs of the last run, for a post-mortem


def progress(text: str) -> None:
    """One line of progress on stderr (stdout's last line is the JSON)."""
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def centre_name(n: int) -> str:
    """The centre of the n-th terminal or lawyer."""
    return f"c{n % CENTRES:02d}"


def first_node(n: int) -> int:
    """The node the n-th terminal or lawyer tries first: each centre's members spread over the nodes."""
    return (n // CENTRES + n) % NODES


async def seed(database_url: str, cipher: DataCipher) -> tuple[list[str], list[str]]:
    """Terminals and logged-in lawyers, each in a centre (n % CENTRES); returns their bearer tokens."""
    storage = Storage.open(database_url, cipher)
    await storage.migrate()
    directory = CentreDirectory(storage.engine)
    await directory.create_tables()
    kiosk_tokens, lawyer_tokens, members = [], [], []
    for n in range(TERMINALS):
        token = new_token()
        kiosk_id = await storage.add_kiosk(f"终端{n}", f"村{n % 300}", token_hash(token))
        kiosk_tokens.append(token)
        members.append({"role": "kiosk", "party_id": kiosk_id, "centre": centre_name(n)})
    for n in range(LAWYERS):
        lawyer_id = await storage.add_lawyer(f"lawyer{n}", f"律师{n}", "律所", "not-a-real-hash")
        token = new_token()
        await storage.create_session(token_hash(token), lawyer_id, time.time() + 86400)
        lawyer_tokens.append(token)
        members.append({"role": "lawyer", "party_id": lawyer_id, "centre": centre_name(n)})
    async with storage.engine.begin() as conn:  # what `python -m server set-centre` does, in one go
        await conn.execute(centre_members.insert(), members)
    await storage.close()
    return kiosk_tokens, lawyer_tokens


async def announce(names: list[str], redis_url: str) -> None:
    """List the nodes as alive before they start (each then renews its own entry), so the first to
    start takes only the centres rendezvous hashing gives it, as in a cluster running for a while."""
    redis = Redis.from_url(redis_url)
    for name in names:
        await redis.set(f"node:{name}", json.dumps({"clients": 0, "owns": []}), px=60_000)
        await redis.sadd("nodes", name)
    await redis.aclose()


class Node:
    """One `python -m server` process in cluster mode, its output in a log file."""

    def __init__(self, name: str, settings: dict[str, Any], work: Path) -> None:
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = work / f"{name}.log"
        command = [sys.executable, "-m", "server", "run"]
        sets = settings | {"port": self.port, "node_id": name, "data_dir": work / name}
        for key, value in sets.items():
            command += ["--set", f"{key}={value}"]
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=python_env()
            )
        self.ps = psutil.Process(self.proc.pid)
        self.rss_peak = 0

    def sample(self) -> None:
        """Note the peak memory."""
        with contextlib.suppress(psutil.Error):
            self.rss_peak = max(self.rss_peak, self.ps.memory_info().rss)

    def stop(self) -> None:
        """Terminate (if still running)."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@dataclass
class LeaseWatch:
    """Lease events seen through Redis keyspace notifications: (time, centre, event, holder)."""

    events: list[tuple[float, str, str, str]] = field(default_factory=list)

    def count(self, event: str, since: float = 0.0) -> int:
        """How many events of a kind (set = taken, expire = renewed or taken, expired, del)."""
        return sum(1 for at, _, kind, _ in self.events if kind == event and at >= since)


async def watch_leases(redis_url: str, watch: LeaseWatch, stop: asyncio.Event) -> None:
    """Record every lease's renewals, takeovers and expiries until `stop`."""
    redis = Redis.from_url(redis_url)
    await redis.config_set("notify-keyspace-events", "Kg$x")
    pubsub = redis.pubsub()
    await pubsub.psubscribe("__keyspace@0__:lease:*")
    try:
        while not stop.is_set():
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0.2)
            if message is None:
                continue
            at = time.monotonic()
            centre = message["channel"].decode().rsplit("lease:", 1)[1]
            kind = message["data"].decode()
            holder = ""
            if kind == "set":
                raw = await redis.get(f"lease:{centre}")
                holder = _text(raw).rsplit("|", 1)[0]
            watch.events.append((at, centre, kind, holder))
    finally:
        await pubsub.aclose()
        await redis.aclose()


async def probe_nodes(nodes: list[Node], lag: dict[str, list[float]], stop: asyncio.Event) -> None:
    """Time /healthz on every node twice a second: how long a node's event loop keeps a request waiting."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:
        while not stop.is_set():
            for node in nodes:
                if node.proc.poll() is not None:
                    continue
                started = time.monotonic()
                with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                    async with http.get(f"{node.url}/healthz") as response:
                        await response.read()
                        lag.setdefault(node.name, []).append(time.monotonic() - started)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.5)


async def lease_holders(redis: Redis) -> dict[str, str]:
    """centre -> node holding its lease now (also the default centre "main", which has no members)."""
    centres = sorted({centre_name(n) for n in range(CENTRES)} | {DEFAULT_CENTRE})
    raw = await redis.mget([f"lease:{c}" for c in centres])
    return {c: _text(r).rsplit("|", 1)[0] for c, r in zip(centres, raw, strict=True)}


async def run_desks(urls: list[str], tokens: list[str], pipe: Connection, stop: EventType) -> None:
    """The lawyers' process: on duty and answering until told to stop; sends back what they saw."""
    log = DeskLog()
    rng = random.Random(11)
    async with aiohttp.ClientSession(connector=client_connector()) as http:
        desks = [
            SimDesk(http, urls, token, n, log, rng, TALK_S, first_node(n)) for n, token in enumerate(tokens)
        ]
        await connect_all(list(desks))
        runs = [asyncio.create_task(d.run()) for d in desks]
        await asyncio.sleep(2.0)  # every lawyer on duty at the owner of their centre
        pipe.send([d.url for d in desks])
        await asyncio.to_thread(stop.wait)
        await asyncio.gather(*(d.stop() for d in desks), return_exceptions=True)
        for task in runs:
            task.cancel()
    losses = [(d.index, loss.url, loss.at, loss.back_after_s) for d in desks for loss in d.losses]
    pipe.send((log, losses, os.getpid()))


def desks_process(urls: list[str], tokens: list[str], pipe: Connection, stop: EventType) -> None:
    """Entry point of the lawyers' process."""
    asyncio.run(run_desks(urls, tokens, pipe, stop))


class CpuMeter:
    """CPU seconds of a set of processes and of the whole machine over a window."""

    def __init__(self, procs: dict[str, psutil.Process]) -> None:
        self.procs = procs
        self.start = time.monotonic()
        self.machine = psutil.cpu_times()
        self.used = {name: self._cpu(name, p) for name, p in procs.items()}

    @staticmethod
    def _cpu(name: str, proc: psutil.Process) -> float:
        """A process's CPU seconds; PostgreSQL's with its backends (its children; one that exits takes
        its seconds with it). The conductor's own only: the nodes and clients are its children."""
        try:
            times = proc.cpu_times()
            children = proc.children(recursive=True) if name == "postgresql" else []
            extra = sum(c.cpu_times().user + c.cpu_times().system for c in children)
        except psutil.Error:
            return 0.0
        return times.user + times.system + extra

    def percents(self) -> dict[str, float]:
        """CPU % of each process (100 = one core) since the start, and the machine's busy %."""
        wall = max(1e-6, time.monotonic() - self.start)
        result = {
            name: round(100 * (self._cpu(name, p) - self.used[name]) / wall, 1)
            for name, p in self.procs.items()
        }
        now = psutil.cpu_times()
        busy = (
            sum(now) - now.idle - now.iowait - (sum(self.machine) - self.machine.idle - self.machine.iowait)
        )
        result["machine_busy_pct_of_all_cores"] = round(100 * busy / wall / (psutil.cpu_count() or 1), 1)
        return result


async def drive(
    nodes: list[Node],
    kiosk_tokens: list[str],
    lawyer_tokens: list[str],
    redis_url: str,
    engines: dict[str, int],
) -> tuple[KioskTally, dict[str, Any]]:
    """Lawyers in one process, terminals in one process per node they start on: calls at RATE, one node
    killed, figures."""
    urls = [node.url for node in nodes]
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    stop_desks = context.Event()
    lawyers = context.Process(
        target=desks_process, args=(urls, lawyer_tokens, theirs, stop_desks), daemon=True
    )
    lawyers.start()
    calls = round(RATE * DURATION_S)
    terminal_pipes: list[Connection] = []
    terminal_procs: list[BaseProcess] = []
    for part in range(NODES):
        members = [(n, token, part) for n, token in enumerate(kiosk_tokens) if first_node(n) == part]
        plan = TerminalsPlan(urls, members, part, NODES, calls, RATE, seed=7 + part)
        mine, child = context.Pipe()
        proc = context.Process(target=terminals_process, args=(plan, child), daemon=True)
        proc.start()
        terminal_pipes.append(mine)
        terminal_procs.append(proc)
    redis = Redis.from_url(redis_url)
    watch, watching = LeaseWatch(), asyncio.Event()
    watcher = asyncio.create_task(watch_leases(redis_url, watch, watching))
    lag: dict[str, list[float]] = {}
    prober = asyncio.create_task(probe_nodes(nodes, lag, watching))
    started = time.monotonic()
    desk_urls = await asyncio.to_thread(ours.recv)  # the lawyers are connected and on duty
    for pipe in terminal_pipes:
        await asyncio.to_thread(pipe.recv)  # its terminals are connected
    progress(
        f"connected {len(kiosk_tokens)} terminals ({NODES} processes) and {len(lawyer_tokens)} lawyers "
        f"to {len(nodes)} nodes in {time.monotonic() - started:.1f} s"
    )
    await asyncio.sleep(1.0)
    procs = {node.name: node.ps for node in nodes}
    procs |= {f"terminals_p{n + 1}": psutil.Process(proc.pid or 0) for n, proc in enumerate(terminal_procs)}
    procs |= {"lawyers_process": psutil.Process(lawyers.pid or 0), "conductor": psutil.Process()}
    procs |= {name: psutil.Process(pid) for name, pid in engines.items()}
    meter = CpuMeter(procs)
    load_start = os.getloadavg()
    begin = time.monotonic() + 0.1
    for pipe in terminal_pipes:
        pipe.send(begin)
    await asyncio.sleep(max(0.0, begin + KILL_AT_S - time.monotonic()))
    holders_at_kill = await lease_holders(redis)
    owned = {node.name: sum(1 for h in holders_at_kill.values() if h == node.name) for node in nodes}
    victim = max(nodes, key=lambda node: (owned[node.name], node.name))
    on_victim_desks = [i for i, url in enumerate(desk_urls) if url == victim.url]
    victim_cpu = meter.percents()[victim.name]  # until it dies
    storm = CpuMeter({name: p for name, p in procs.items() if name not in (victim.name, "postgresql")})
    victim.proc.send_signal(signal.SIGKILL)
    killed_at = time.monotonic()
    progress(
        f"SIGKILL {victim.name} (owner of {owned[victim.name]} centres, "
        f"about {len(on_victim_desks)} lawyers on it)"
    )
    storm_cpu: dict[str, float] = {}
    while time.monotonic() < begin + DURATION_S:
        await asyncio.sleep(min(5.0, max(0.0, begin + DURATION_S - time.monotonic())))
        storm_cpu = storm_cpu or storm.percents()  # the 5 s after the kill: its clients reconnecting
        for node in nodes:
            if node is not victim:
                node.sample()
        progress(
            f"{round(RATE * (time.monotonic() - begin))}/{calls} calls due, load {os.getloadavg()[0]:.1f}, "
            f"lease renewals {watch.count('expire') - watch.count('set')}, takeovers {watch.count('set')}"
        )
    cpu = meter.percents()
    cpu[victim.name] = victim_cpu
    cpu = with_terminals_total(cpu)
    load_end = os.getloadavg()
    progress("placing done; waiting for every call to end")
    for pipe in terminal_pipes:
        placed, ended = await asyncio.to_thread(pipe.recv)
        progress(f"a terminals process: {ended} of its {placed} calls ended")
    for node in nodes:
        node.sample()
    holders_end = await lease_holders(redis)
    fences = await redis.mget([f"fence:{c}" for c in sorted(holders_end)])
    inbox_ms = await inbox_times(redis) if os.environ.get("DUMP_DISPATCH") else {}
    stop_desks.set()
    log, desk_losses, _ = await asyncio.to_thread(ours.recv)
    lawyers.join(timeout=30)
    tally = KioskTally()
    reports: list[TerminalsReport] = []
    for pipe, terminals in zip(terminal_pipes, terminal_procs, strict=True):
        pipe.send("stop")
        report = await asyncio.to_thread(pipe.recv)
        report.add_to(tally)
        reports.append(report)
        terminals.join(timeout=30)
    watching.set()
    await watcher
    await prober
    await redis.aclose()
    return tally, figures(
        nodes=nodes,
        tally=tally,
        log=log,
        terminals=len(kiosk_tokens),
        kiosk_connections=[c for r in reports for c in r.connections],
        kiosk_losses=[loss for r in reports for loss in r.losses],
        desk_losses=desk_losses,
        victim=victim,
        killed_at=killed_at,
        holders_at_kill=holders_at_kill,
        holders_end=holders_end,
        fences=[int(f or 0) for f in fences],
        on_victim_desks=on_victim_desks,
        watch=watch,
        cpu=cpu,
        loads=(load_start, load_end),
        inbox_ms=inbox_ms,
    ) | {
        "cpu_pct_5s_after_kill": with_terminals_total(storm_cpu),
        "healthz_ms_p50": {n: ms_figures("h", v)["h_ms_p50"] for n, v in sorted(lag.items())},
        "healthz_ms_max": {n: ms_figures("h", v)["h_ms_max"] for n, v in sorted(lag.items())},
    }


async def inbox_times(redis: Redis) -> dict[str, int]:
    """request id -> when its CallRequest reached its centre's inbox (ms since the epoch, the entry
    id), for the per-call dump."""
    times: dict[str, int] = {}
    for n in range(CENTRES):
        entries: Any = await redis.xrange(f"inbox:{centre_name(n)}")
        for entry_id, data in entries:
            event = json.loads(data[b"e"])
            text = json.loads(event.get("text", "{}"))
            if text.get("type") == "call_request":
                times.setdefault(text["request_id"], int(entry_id.split(b"-")[0]))
    return times


def with_terminals_total(cpu: dict[str, float]) -> dict[str, float]:
    """CPU figures with the terminals processes' sum added."""
    terminals = sum(v for k, v in cpu.items() if k.startswith("terminals_p"))
    return cpu | {"terminals_processes": round(terminals, 1)}


def on_node_at(connections: list[tuple[int, str, float]], url: str, at: float) -> set[int]:
    """The terminals whose socket was on the server `url` at time `at`."""
    where: dict[int, tuple[float, str]] = {}
    for index, server, since in connections:
        if since <= at and since >= where.get(index, (-1.0, ""))[0]:
            where[index] = (since, server)
    return {index for index, (_, server) in where.items() if server == url}


def figures(
    *,
    nodes: list[Node],
    tally: KioskTally,
    log: DeskLog,
    terminals: int,
    kiosk_connections: list[tuple[int, str, float]],
    kiosk_losses: list[tuple[int, str, float, float | None]],
    desk_losses: list[tuple[int, str, float, float | None]],
    victim: Node,
    killed_at: float,
    holders_at_kill: dict[str, str],
    holders_end: dict[str, str],
    fences: list[int],
    on_victim_desks: list[int],
    watch: LeaseWatch,
    cpu: dict[str, float],
    loads: tuple[tuple[float, float, float], tuple[float, float, float]],
    inbox_ms: dict[str, int],
) -> dict[str, Any]:
    """The JSON figures."""
    first_ring: dict[str, float] = {}
    for _, call_id, at in log.rings:
        first_ring.setdefault(call_id, at)
    dispatch = [first_ring[c] - tally.requested[r] for r, c in tally.call_of.items() if c in first_ring]
    steady = [
        first_ring[c] - tally.requested[r]
        for r, c in tally.call_of.items()
        if c in first_ring and tally.requested[r] < killed_at - 1.0
    ]
    if os.environ.get("DUMP_DISPATCH"):  # per call, for a post-mortem of the tail
        with open(os.environ["DUMP_DISPATCH"], "w") as out:
            for r, c in tally.call_of.items():
                if c in first_ring:
                    centre = centre_name(tally.kiosk_of[r])
                    dead = holders_at_kill.get(centre) == victim.name
                    asked = tally.requested[r] - killed_at
                    waited_ms = 1000 * (first_ring[c] - tally.requested[r])
                    wall = time.time() - time.monotonic()  # CLOCK_MONOTONIC is the machine's
                    inbox = inbox_ms[r] / 1000 - wall - tally.requested[r] if r in inbox_ms else -1
                    queued = tally.queued.get(r, first_ring[c]) - tally.requested[r]
                    stages = f"{1000 * inbox:.1f} {1000 * queued:.1f}"
                    out.write(f"{asked:.3f} {waited_ms:.1f} {centre} {dead} {stages}\n")
    outcomes: dict[str, int] = {}
    for rid in tally.requested:
        outcome = tally.ended.get(rid, "never_ended")
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    # Failover: the dead node's centres, their new owners' leases, the first ring of a call asked before
    # the kill.
    dead_centres = sorted(c for c, h in holders_at_kill.items() if h == victim.name)
    taken_at: dict[str, float] = {}
    for at, centre, kind, holder in watch.events:
        if kind == "set" and at > killed_at and centre in dead_centres and holder != victim.name:
            taken_at.setdefault(centre, at)
    centre_of_call = {c: centre_name(tally.kiosk_of[r]) for r, c in tally.call_of.items()}
    asked_at = {c: tally.requested[r] for r, c in tally.call_of.items()}
    reoffers: list[float] = []
    first_in_centre: dict[str, float] = {}
    for _, call_id, at in sorted(log.rings, key=lambda r: r[2]):
        centre = centre_of_call.get(call_id, "")
        if centre not in taken_at or at < taken_at[centre]:
            continue
        first_in_centre.setdefault(centre, at - killed_at)
        if asked_at[call_id] < killed_at:
            reoffers.append(at - killed_at)
    takeovers_after_kill = watch.count("set", since=killed_at)
    renewed: dict[str, list[float]] = {}
    for at, centre, kind, _ in watch.events:
        if kind == "expire" and not (centre in dead_centres and at > killed_at):
            renewed.setdefault(centre, []).append(at)
    gaps = [b - a for times in renewed.values() for a, b in itertools.pairwise(times)]
    on_victim_kiosks = on_node_at(kiosk_connections, victim.url, killed_at)
    kiosk_back: dict[int, float] = {}
    for index, url, at, back_after_s in kiosk_losses:
        if index in on_victim_kiosks and url == victim.url and at >= killed_at and back_after_s is not None:
            kiosk_back.setdefault(index, back_after_s)
    back = list(kiosk_back.values())
    desk_back = [
        b for _, url, at, b in desk_losses if url == victim.url and at >= killed_at and b is not None
    ]
    desks_lost = {i for i, url, at, _ in desk_losses if url == victim.url and at >= killed_at}
    other_losses = sum(1 for _, url, _, _ in kiosk_losses if url != victim.url)
    other_losses += sum(1 for _, url, _, _ in desk_losses if url != victim.url)
    answered = {c for _, c, _ in log.answered}
    lost = sum(n for outcome, n in outcomes.items() if outcome != "completed")
    result: dict[str, Any] = {
        "nodes": len(nodes),
        "terminals": terminals,
        "lawyers": LAWYERS,
        "centres": CENTRES,
        "rate_per_s": RATE,
        "talk_s": list(TALK_S),
        "duration_s": DURATION_S,
        "calls": len(tally.requested),
        "completed": outcomes.get("completed", 0),
        "lost_calls": lost,
        "outcomes": outcomes,
        "double_offers": double_offers(log),
        "answered_calls": len(answered),
        **ms_figures("dispatch", dispatch),
        **{
            k.replace("dispatch", "dispatch_before_kill"): v
            for k, v in ms_figures("dispatch", steady).items()
        },
        "killed_node": victim.name,
        "killed_after_s": KILL_AT_S,
        "centres_of_killed_node": len(dead_centres),
        # kill -> the first call asked before the kill and rung by a new owner; when none was waiting,
        # the first call a new owner rang
        "failover_s": round(min(reoffers or first_in_centre.values() or [-1]), 2),
        "failover_basis": "re-offered call" if reoffers else "first call offered by a new owner",
        "reoffered_calls": len(reoffers),
        "failover_s_last_centre": round(max(first_in_centre.values()), 2) if first_in_centre else None,
        "takeover_s": (
            round(max(taken_at.values()) - killed_at, 2)
            if taken_at and len(taken_at) == len(dead_centres)
            else None
        ),
        "clients_on_dead_node": len(on_victim_kiosks) + len(on_victim_desks),
        "reconnected_clients": len(back) + len(desk_back),
        "terminals_on_dead_node": len(on_victim_kiosks),
        "lawyers_on_dead_node": len(on_victim_desks),
        "lawyers_lost_socket": len(desks_lost),
        **ms_figures("reconnect", back + desk_back),
        "resumed_places": tally.resumed,
        "rejoined_calls": tally.rejoined,
        "re_requested": tally.re_requested,
        "other_socket_losses": other_losses,
        "desk_errors": sorted(set(log.errors)),
        "desk_error_count": len(log.errors),
        "lease_ttl_s": LEASE_TTL_S,
        "lease_renewals": watch.count("expire") - watch.count("set"),
        "lease_takeovers": watch.count("set"),
        "lease_takeovers_after_kill": takeovers_after_kill,
        "lease_renewal_gap_s_max": round(max(gaps), 2) if gaps else None,  # renewals are due every ttl/3
        "lease_expiries": watch.count("expired"),
        "lease_expiries_before_kill": watch.count("expired") - watch.count("expired", since=killed_at),
        "lease_hand_overs_total": sum(fences) - len(fences),  # fencing counters beyond the first owners
        "centres_moved_not_from_killed_node": sum(
            1
            for c, h in holders_end.items()
            if holders_at_kill.get(c) != victim.name and h != holders_at_kill.get(c)
        ),
        "cpu_pct": cpu,  # 100 = one core, over the calling window; the killed node only until it died
        "node_rss_mb": {node.name: round(node.rss_peak / 2**20, 1) for node in nodes},
        "machine_cores": psutil.cpu_count(),
        "machine_load_1min_start": round(loads[0][0], 2),
        "machine_load_1min_end": round(loads[1][0], 2),
    }
    return result


async def recorded_outcomes(database_url: str, call_ids: list[str]) -> dict[str, str]:
    """call id -> outcome in the call records (the servers' own word on how each call ended)."""
    from sqlalchemy import select

    from server import schema

    storage = Storage.open(database_url)
    async with storage.engine.connect() as conn:
        query = select(schema.calls.c.id, schema.calls.c.outcome).where(schema.calls.c.id.in_(call_ids))
        rows = (await conn.execute(query)).all()
    await storage.close()
    return {row.id: row.outcome or "none" for row in rows}


def judge(result: dict[str, Any], tally: KioskTally, records: dict[str, str]) -> None:
    """Lost calls: the villager never got to talk to a lawyer, or the call never ended.

    A terminal away (reconnecting) when its call ended hears Rejoined(ok=False), or Error not_found for
    its ResumeCall when the bench's whole short talk happened meanwhile; the records say whether the
    call was answered and completed. A Hangup lost with the killed node ends its call only after the
    rejoin grace (30 s), as `disconnected`: answered, talked, but ended late; counted apart.
    """
    lost: list[str] = []
    away: dict[str, int] = {}
    late_end = 0
    for rid in tally.requested:
        seen, recorded = tally.ended.get(rid, "never_ended"), records.get(tally.call_of.get(rid, ""), "none")
        if seen == "completed":
            continue
        if seen in MISSED_END and recorded == "completed":
            away[seen] = away.get(seen, 0) + 1
        elif seen == "hangup:disconnected" and rid in tally.accepted:
            late_end += 1
        else:
            lost.append(rid)
    outcomes: dict[str, int] = {}
    for outcome in records.values():
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    result["lost_calls"] = len(lost)
    result["lost_sample"] = [  # for a post-mortem in var/bench-cluster-logs (call ids are not personal)
        {"call_id": tally.call_of.get(rid, ""), "seen": tally.ended.get(rid, "never_ended")}
        for rid in lost[:5]
    ]
    result["completed_while_terminal_reconnecting"] = away
    result["answered_but_ended_after_rejoin_grace"] = late_end
    result["recorded_outcomes"] = outcomes
    result["calls_without_record"] = sum(
        1 for rid in tally.requested if tally.call_of.get(rid) not in records
    )


def main() -> int:
    """Engines, seed, nodes, load, kill, figures."""
    pg, redis_server = PostgresServer(), RedisServer()
    work = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    nodes: list[Node] = []
    try:
        pg.start()
        redis_server.start()
        data_key = base64.b64encode(os.urandom(32)).decode()
        progress(f"seeding {TERMINALS} terminals and {LAWYERS} lawyers in {CENTRES} centres")
        kiosk_tokens, lawyer_tokens = asyncio.run(seed(pg.url, DataCipher.from_base64(data_key)))
        settings = {
            "storage": "postgresql",
            "database_url": pg.url,
            "redis_url": redis_server.url,
            "lease_ttl_s": LEASE_TTL_S,
            "data_key": data_key,
            "log_level": "INFO",
            "max_wait_s": 600,
            "missed_calls_break": 0,
            "wrap_up_s": 0,  # lawyers take the next call at once: the bench measures dispatch
        }
        asyncio.run(announce([f"n{n + 1}" for n in range(NODES)], redis_server.url))
        for n in range(NODES):  # one at a time: each migrates the database at start
            nodes.append(Node(f"n{n + 1}", settings, work))
            asyncio.run(wait_ready(nodes[-1].url))
        progress(f"{NODES} nodes up: {', '.join(node.url for node in nodes)}")
        assert redis_server.proc is not None
        engines = {"redis": redis_server.proc.pid, **_postmaster(pg)}
        tally, result = asyncio.run(drive(nodes, kiosk_tokens, lawyer_tokens, redis_server.url, engines))
        for node in nodes:
            node.stop()
        judge(result, tally, asyncio.run(recorded_outcomes(pg.url, list(tally.call_of.values()))))
    finally:
        for node in nodes:
            node.stop()
        redis_server.stop()
        pg.stop()
        if nodes:
            shutil.rmtree(KEEP_LOGS, ignore_errors=True)
            KEEP_LOGS.mkdir(parents=True, exist_ok=True)
            for node in nodes:
                shutil.copy(node.log, KEEP_LOGS / node.log.name)
        shutil.rmtree(work, ignore_errors=True)
    result["node_log_lines"] = {
        node.name: {
            "owning": _count(KEEP_LOGS / node.log.name, "(token "),
            "no_longer_owning": _count(KEEP_LOGS / node.log.name, "no longer owning"),
            "vanished_clients": _count(KEEP_LOGS / node.log.name, "vanished with its node"),
            "errors": _count(KEEP_LOGS / node.log.name, "ERROR"),
        }
        for node in nodes
    }
    print(json.dumps(result, ensure_ascii=False))
    ok = result["lost_calls"] == 0 and result["double_offers"] == 0
    return 0 if ok and result["reconnected_clients"] == result["clients_on_dead_node"] else 1


def _text(value: bytes | str | None) -> str:
    return value.decode() if isinstance(value, bytes) else value or ""


def _postmaster(pg: PostgresServer) -> dict[str, int]:
    """The PostgreSQL server's main process (its backends are its children)."""
    for proc in psutil.process_iter(["cmdline"]):
        cmdline = proc.info["cmdline"] or []
        if cmdline and cmdline[0].endswith("postgres") and str(pg.dir) in " ".join(cmdline):
            return {"postgresql": proc.pid}
    return {}


def _count(path: Path, needle: str) -> int:
    with contextlib.suppress(OSError):
        return sum(1 for line in path.read_text(errors="replace").splitlines() if needle in line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
