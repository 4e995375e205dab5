"""Load the pool server: 2,000 terminals and 100 lawyers on real WebSockets, calls at 20 per second.

One server process (SQLite) on 127.0.0.1; the accounts are seeded straight through Storage and auth.
Terminals run in this process, lawyers in a second one; both stamp events with time.monotonic (one
clock for every process of the machine), so dispatch = first Ring at a desk - CallRequest at the kiosk.
Last line: one JSON object.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event as EventType
from pathlib import Path

import aiohttp
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.pool_sim import (
    DeskLog,
    KioskState,
    KioskTally,
    SimDesk,
    SimKiosk,
    client_connector,
    connect_all,
    percentile,
    wait_ready,
)
from server.auth import new_token, token_hash
from server.crypto import DataCipher
from server.storage import Storage
from tools.appdriver import free_port, python_env

TERMINALS = int(os.environ.get("TERMINALS", "2000"))
LAWYERS = int(os.environ.get("LAWYERS", "100"))
RATE = float(os.environ.get("RATE", "20"))  # calls per second
DURATION_S = float(os.environ.get("DURATION_S", "60"))
DRAIN_S = 30.0  # after the last request: time for every call to end
ROOT = Path(__file__).resolve().parent.parent


async def seed(database_url: str, data_dir: Path) -> tuple[list[str], list[str]]:
    """Create the terminals and logged-in lawyers directly; returns their bearer tokens."""
    storage = Storage.open(database_url, DataCipher.from_settings("", data_dir))
    await storage.migrate()
    kiosk_tokens, lawyer_tokens = [], []
    for n in range(TERMINALS):
        token = new_token()
        await storage.add_kiosk(f"终端{n}", f"村{n % 300}", token_hash(token))
        kiosk_tokens.append(token)
    for n in range(LAWYERS):
        lawyer_id = await storage.add_lawyer(f"lawyer{n}", f"律师{n}", "律所", "not-a-real-hash")
        token = new_token()
        await storage.create_session(token_hash(token), lawyer_id, time.time() + 86400)
        lawyer_tokens.append(token)
    await storage.close()
    return kiosk_tokens, lawyer_tokens


async def run_desks(url: str, lawyer_tokens: list[str], ready: Connection, stop: EventType) -> None:
    """The lawyers' process: on duty, answering, until told to stop; sends back the ring times."""
    log = DeskLog()
    rng = random.Random(11)
    async with aiohttp.ClientSession(connector=client_connector()) as http:
        desks = [SimDesk(http, [url], token, n, log, rng) for n, token in enumerate(lawyer_tokens)]
        await connect_all(list(desks))
        listeners = [asyncio.create_task(d.run()) for d in desks]
        await asyncio.sleep(1.0)  # every lawyer on duty
        ready.send("ready")
        await asyncio.to_thread(stop.wait)
        await asyncio.gather(*(d.stop() for d in desks), return_exceptions=True)
        for task in listeners:
            task.cancel()
    first_ring: dict[str, float] = {}
    for _, call_id, at in log.rings:
        first_ring.setdefault(call_id, at)
    ready.send(first_ring)


def desks_process(url: str, lawyer_tokens: list[str], ready: Connection, stop: EventType) -> None:
    """Entry point of the lawyers' process."""
    asyncio.run(run_desks(url, lawyer_tokens, ready, stop))


async def drive(url: str, kiosk_tokens: list[str], lawyer_tokens: list[str], server: psutil.Process) -> dict:
    """Lawyers in a second process, terminals here: place calls at RATE for DURATION_S, measure."""
    tally = KioskTally()
    rng = random.Random(7)
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    stop = context.Event()
    lawyers = context.Process(target=desks_process, args=(url, lawyer_tokens, theirs, stop), daemon=True)
    lawyers.start()
    connector = client_connector()
    async with aiohttp.ClientSession(connector=connector) as http:
        started = time.monotonic()
        await asyncio.to_thread(ours.recv)  # the lawyers are connected and on duty
        kiosks = [SimKiosk(http, [url], token, n, tally) for n, token in enumerate(kiosk_tokens)]
        await connect_all(list(kiosks))
        took = time.monotonic() - started
        print(
            f"connected {len(kiosks)} terminals and {len(lawyer_tokens)} lawyers in {took:.1f} s", flush=True
        )
        listeners = [asyncio.create_task(k.run()) for k in kiosks]
        server.cpu_percent()  # start the CPU measurement window
        rss_peak = server.memory_info().rss
        calls = round(RATE * DURATION_S)
        begin = time.monotonic()
        for n in range(calls):
            await asyncio.sleep(max(0.0, begin + n / RATE - time.monotonic()))
            idle = [k for k in rng.sample(kiosks, 20) if k.state is KioskState.IDLE]
            if idle:
                await idle[0].call(f"r{n}")
            if n % round(RATE * 10) == 0:
                rss_peak = max(rss_peak, server.memory_info().rss)
                print(f"{n}/{calls} calls placed, {len(tally.ended)} ended", flush=True)
        cpu = server.cpu_percent()
        load = os.getloadavg()[0]
        tally.placing_done = True
        tally.check_all_ended()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(tally.all_ended.wait(), DRAIN_S)
        rss_peak = max(rss_peak, server.memory_info().rss)
        stop.set()
        first_ring = await asyncio.to_thread(ours.recv)
        lawyers.join(timeout=30)
        await asyncio.gather(*(k.stop() for k in kiosks), return_exceptions=True)
        for task in listeners:
            task.cancel()
    dispatch = [
        (first_ring[call_id] - tally.requested[rid]) * 1000
        for rid, call_id in tally.call_of.items()
        if call_id in first_ring
    ]
    lost = sum(1 for rid in tally.requested if rid not in tally.ended)
    return {
        "terminals": len(kiosk_tokens),
        "lawyers": len(lawyer_tokens),
        "calls": len(tally.requested),
        "completed": sum(1 for v in tally.ended.values() if v == "completed"),
        "no_lawyer": sum(1 for v in tally.ended.values() if v.startswith("no_lawyer")),
        "lost_calls": lost,
        "dispatch_ms_p50": round(statistics.median(dispatch), 2) if dispatch else None,
        "dispatch_ms_p90": round(percentile(dispatch, 90), 2) if dispatch else None,
        "dispatch_ms_p99": round(percentile(dispatch, 99), 2) if dispatch else None,
        "dispatch_ms_max": round(max(dispatch), 2) if dispatch else None,
        "server_rss_mb": round(rss_peak / 2**20, 1),
        "server_cpu_pct": round(cpu, 1),
        "machine_load_1min": round(load, 2),  # other work on this shared 2-core machine skews the tail
    }


async def unfinished_records(database_url: str, data_dir: Path) -> int:
    """Calls the server's records still show without an outcome (after it stopped)."""
    from sqlalchemy import func, select

    from server import schema

    storage = Storage.open(database_url, DataCipher.from_settings("", data_dir))
    async with storage.engine.connect() as conn:
        query = select(func.count()).select_from(schema.calls).where(schema.calls.c.outcome.is_(None))
        count = int((await conn.execute(query)).scalar() or 0)
    await storage.close()
    return count


def main() -> int:
    """Seed, start the server, drive the load, print the figures."""
    with tempfile.TemporaryDirectory(prefix="bench-pool-") as tmp:
        data_dir = Path(tmp) / "data"
        database_url = f"sqlite+aiosqlite:///{tmp}/pool.sqlite3"
        print(f"seeding {TERMINALS} terminals and {LAWYERS} lawyers", flush=True)
        kiosk_tokens, lawyer_tokens = asyncio.run(seed(database_url, data_dir))
        port = free_port()
        options = {
            "port": port,
            "database_url": database_url,
            "data_dir": data_dir,
            "log_level": "WARNING",
            "max_wait_s": 600,
            "missed_calls_break": 0,
            "wrap_up_s": 0,  # lawyers take the next call at once: the bench measures dispatch
        }
        command = [sys.executable, "-m", "server", "run"]
        for key, value in options.items():
            command += ["--set", f"{key}={value}"]
        server = subprocess.Popen(command, cwd=ROOT, env=python_env())
        url = f"http://127.0.0.1:{port}"
        try:
            asyncio.run(wait_ready(url))
            figures = asyncio.run(drive(url, kiosk_tokens, lawyer_tokens, psutil.Process(server.pid)))
        finally:
            server.terminate()
            server.wait(timeout=30)
        figures["unfinished_records"] = asyncio.run(unfinished_records(database_url, data_dir))
    print(json.dumps(figures))
    return 0 if figures["lost_calls"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
