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
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event as EventType
from pathlib import Path

import aiohttp
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from protocol.messages import (
    Accept,
    CallAccepted,
    CallQueued,
    CallRequest,
    Hangup,
    NoLawyerAvailable,
    Ring,
    SetDuty,
    decode,
    encode,
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
CONNECT_AT_ONCE = 100
ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


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


@dataclass
class Tally:
    """What the clients saw."""

    requested: dict[str, float] = field(default_factory=dict)  # request id -> monotonic time
    call_of: dict[str, str] = field(default_factory=dict)  # request id -> call id
    first_ring: dict[str, float] = field(default_factory=dict)  # call id -> monotonic time
    ended: dict[str, str] = field(default_factory=dict)  # request id -> completed | no_lawyer
    placing_done: bool = False
    all_ended: asyncio.Event = field(default_factory=asyncio.Event)

    def end(self, request_id: str, outcome: str) -> None:
        """A call ended as the kiosk saw it."""
        self.ended[request_id] = outcome
        self.check_all_ended()

    def check_all_ended(self) -> None:
        """Wake the drain once every placed call has ended."""
        if self.placing_done and len(self.ended) >= len(self.requested):
            self.all_ended.set()


class Kiosk:
    """One terminal's socket: asks for a call when told, notes how it ends."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, tally: Tally) -> None:
        self.ws = ws
        self.tally = tally
        self.request_id: str | None = None

    async def call(self, request_id: str) -> None:
        self.request_id = request_id
        self.tally.requested[request_id] = time.monotonic()
        await self.ws.send_str(encode(CallRequest(request_id=request_id)))

    async def listen(self) -> None:
        async for frame in self.ws:
            if frame.type is not aiohttp.WSMsgType.TEXT:
                continue
            message = decode(frame.data)
            rid = self.request_id
            match message:
                case CallQueued() if rid == message.request_id:
                    self.tally.call_of[rid] = message.call_id
                case NoLawyerAvailable() if rid == message.request_id:
                    self.tally.end(rid, "no_lawyer")
                    self.request_id = None
                case Hangup() if rid is not None and self.tally.call_of.get(rid) == message.call_id:
                    self.tally.end(rid, "completed")
                    self.request_id = None


class Desk:
    """One lawyer's socket: on duty, accepts each ring after a moment, hangs up after a short talk."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, tally: Tally, rng: random.Random) -> None:
        self.ws = ws
        self.tally = tally
        self.rng = rng
        self.tasks: set[asyncio.Task[None]] = set()

    async def listen(self) -> None:
        await self.ws.send_str(encode(SetDuty(on_duty=True)))
        async for frame in self.ws:
            if frame.type is not aiohttp.WSMsgType.TEXT:
                continue
            message = decode(frame.data)
            match message:
                case Ring():
                    self.tally.first_ring.setdefault(message.call_id, time.monotonic())
                    self._later(self.rng.uniform(0.05, 0.5), Accept(message.call_id))
                case CallAccepted():
                    self._later(self.rng.uniform(1.0, 4.0), Hangup(message.call_id))

    def _later(self, delay: float, message: Accept | Hangup) -> None:
        async def send() -> None:
            await asyncio.sleep(delay)
            if not self.ws.closed:
                await self.ws.send_str(encode(message))

        task = asyncio.create_task(send())
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)


async def connect_all(
    http: aiohttp.ClientSession, url: str, tokens: list[str]
) -> list[aiohttp.ClientWebSocketResponse]:
    """Open one socket per token, CONNECT_AT_ONCE at a time; each reads its Welcome."""
    gate = asyncio.Semaphore(CONNECT_AT_ONCE)

    async def one(token: str) -> aiohttp.ClientWebSocketResponse:
        async with gate:
            ws = await http.ws_connect(
                f"{url}/ws", headers={"Authorization": f"Bearer {token}"}, heartbeat=None
            )
            await ws.receive()  # Welcome
            return ws

    return await asyncio.gather(*(one(t) for t in tokens))


async def run_desks(url: str, lawyer_tokens: list[str], ready: Connection, stop: EventType) -> None:
    """The lawyers' process: on duty, answering, until told to stop; sends back the ring times."""
    tally = Tally()
    rng = random.Random(11)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        desks = [Desk(ws, tally, rng) for ws in await connect_all(http, url, lawyer_tokens)]
        listeners = [asyncio.create_task(d.listen()) for d in desks]
        await asyncio.sleep(1.0)  # every lawyer on duty
        ready.send("ready")
        await asyncio.to_thread(stop.wait)
        for task in listeners:
            task.cancel()
        await asyncio.gather(*(d.ws.close() for d in desks), return_exceptions=True)
    ready.send(tally.first_ring)


def desks_process(url: str, lawyer_tokens: list[str], ready: Connection, stop: EventType) -> None:
    """Entry point of the lawyers' process."""
    asyncio.run(run_desks(url, lawyer_tokens, ready, stop))


async def drive(url: str, kiosk_tokens: list[str], lawyer_tokens: list[str], server: psutil.Process) -> dict:
    """Lawyers in a second process, terminals here: place calls at RATE for DURATION_S, measure."""
    tally = Tally()
    rng = random.Random(7)
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    stop = context.Event()
    lawyers = context.Process(target=desks_process, args=(url, lawyer_tokens, theirs, stop), daemon=True)
    lawyers.start()
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:
        started = time.monotonic()
        await asyncio.to_thread(ours.recv)  # the lawyers are connected and on duty
        kiosks = [Kiosk(ws, tally) for ws in await connect_all(http, url, kiosk_tokens)]
        took = time.monotonic() - started
        print(
            f"connected {len(kiosks)} terminals and {len(lawyer_tokens)} lawyers in {took:.1f} s", flush=True
        )
        listeners = [asyncio.create_task(k.listen()) for k in kiosks]
        server.cpu_percent()  # start the CPU measurement window
        rss_peak = server.memory_info().rss
        calls = round(RATE * DURATION_S)
        begin = time.monotonic()
        for n in range(calls):
            await asyncio.sleep(max(0.0, begin + n / RATE - time.monotonic()))
            idle = [k for k in rng.sample(kiosks, 20) if k.request_id is None]
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
        tally.first_ring = await asyncio.to_thread(ours.recv)
        lawyers.join(timeout=30)
        for task in listeners:
            task.cancel()
        await asyncio.gather(*(k.ws.close() for k in kiosks), return_exceptions=True)
    dispatch = [
        (tally.first_ring[call_id] - tally.requested[rid]) * 1000
        for rid, call_id in tally.call_of.items()
        if call_id in tally.first_ring
    ]
    lost = sum(1 for rid in tally.requested if rid not in tally.ended)
    return {
        "terminals": len(kiosk_tokens),
        "lawyers": len(lawyer_tokens),
        "calls": len(tally.requested),
        "completed": sum(1 for v in tally.ended.values() if v == "completed"),
        "no_lawyer": sum(1 for v in tally.ended.values() if v == "no_lawyer"),
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
            asyncio.run(_wait_ready(url))
            figures = asyncio.run(drive(url, kiosk_tokens, lawyer_tokens, psutil.Process(server.pid)))
        finally:
            server.terminate()
            server.wait(timeout=30)
        figures["unfinished_records"] = asyncio.run(unfinished_records(database_url, data_dir))
    print(json.dumps(figures))
    return 0 if figures["lost_calls"] == 0 else 1


async def _wait_ready(url: str) -> None:
    async with aiohttp.ClientSession() as http:
        for _ in range(300):
            try:
                async with http.get(f"{url}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("the server did not start")


if __name__ == "__main__":
    sys.exit(main())
