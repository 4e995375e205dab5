"""Fault benchmark of the outbox: 1,000 submissions through SIGKILLs, server restarts and network cuts."""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
import random
import signal
import socket
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TOKEN = "bench-terminal-token"
TERMINALS = 4
SUBMISSIONS = 1000
ENQUEUE_INTERVAL_S = 0.13  # per terminal, on average: the enqueueing phase lasts about 35 s
CHAOS_S = 45.0  # terminals are killed during at least this long
QUIET_BETWEEN_OUTAGES_S = 3.0
FORMS = ("callback", "legal_aid", "notary")


def log(message: str) -> None:
    """Progress on stderr, so stdout's last line stays the JSON result."""
    print(f"[bench-outbox] {message}", file=sys.stderr, flush=True)


# --- the server process ----------------------------------------------------------------------------


async def serve(db_path: str, port: int, key_text: str) -> None:
    """An aiohttp app mounting submission_routes on an SQLite file (WAL), until SIGTERM."""
    from aiohttp import web
    from sqlalchemy import event
    from sqlalchemy.ext.asyncio import create_async_engine

    from content.forms.crypto import DataCipher, key_from_text
    from server.submissions import MAX_BODY_BYTES, SubmissionStore, submission_routes

    engine = create_async_engine(f"sqlite+aiosqlite:///{db_path}", connect_args={"timeout": 30})

    def pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    event.listen(engine.sync_engine, "connect", pragmas)
    store = SubmissionStore(engine, DataCipher(key_from_text(key_text)))
    await store.create_tables()

    async def authenticate(request: web.Request) -> str | None:
        header = request.headers.get("Authorization", "")
        return "bench-terminal" if header == f"Bearer {TOKEN}" else None

    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app.add_routes(submission_routes(lambda _request: store, authenticate))
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    print("READY", flush=True)
    await stop.wait()
    await runner.cleanup()
    await engine.dispose()


# --- a terminal process ----------------------------------------------------------------------------


async def terminal(data_dir: str, url: str, terminal_id: int, count: int, seed: int) -> None:
    """Confirm `count` forms into this terminal's outbox (printing each receipt), deliver, then say DONE."""
    from content.forms import CHINA_TZ, ConsentRecord, build_submission, load_form
    from content.forms.examples import example_image, example_values
    from kiosk.outbox import Backoff, Deliverer, EntryState, Outbox

    rng = random.Random(seed)
    outbox = await Outbox.open_in(Path(data_dir))
    deliverer = Deliverer(outbox, url, TOKEN, backoff=Backoff(0.1, 2.0, 1.0), request_timeout_s=2.0)
    task = asyncio.create_task(deliverer.run())
    specs = [load_form(form_id) for form_id in FORMS]
    for _ in range(count):
        spec = rng.choice(specs)
        now = datetime.now(CHINA_TZ)
        marker = f"T{terminal_id}-{uuid.uuid4().hex[:12]}"
        values = example_values(spec, now.date(), name=marker)
        if spec.id == "legal_aid":
            values["evidence_photos"] = [example_image()]
        consent = None
        if spec.consent:
            consent = ConsentRecord(
                spec.id, spec.consent.version, True, now.isoformat(), spec.consent.sensitive_fields
            )
        body = build_submission(spec, values, consent, None, now)
        print("E", flush=True)  # an enqueue (encrypt, INSERT, COMMIT with fsync) starts now
        receipt = await outbox.enqueue(body)
        print(f"R {receipt.idempotency_key} {marker} {time.time():.3f}", flush=True)
        await asyncio.sleep(rng.uniform(0.5, 1.5) * ENQUEUE_INTERVAL_S)
    await deliverer.wait_drained()
    rejected = await outbox.entries(EntryState.REJECTED)
    print(f"DONE {len(rejected)}", flush=True)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await outbox.close()


# --- the switchable network between terminals and server -------------------------------------------


class Proxy:
    """A TCP relay the bench switches between up, refusing connections, and swallowing them."""

    def __init__(self, listen_port: int, upstream_port: int) -> None:
        self.listen_port = listen_port
        self.upstream_port = upstream_port
        self.mode = "up"
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        """Listen on 127.0.0.1."""
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.listen_port)

    def set_mode(self, mode: str) -> None:
        """Switch the network; every open connection is cut on any change."""
        self.mode = mode
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.mode == "refuse":
            writer.transport.abort()
            return
        self._writers.add(writer)
        try:
            if self.mode == "blackhole":
                while await reader.read(65536):
                    pass
                return
            try:
                up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
            except OSError:
                writer.transport.abort()
                return
            self._writers.add(up_writer)
            await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        finally:
            self._writers.discard(writer)
            writer.transport.abort()

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.transport.abort()


# --- the orchestrator --------------------------------------------------------------------------------


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Terminal:
    """One terminal's data folder, its receipts so far, and its current process."""

    id: int
    data_dir: Path
    target: int
    receipts: dict[str, tuple[str, float]] = field(default_factory=dict)  # key -> (marker, enqueued at)
    process: asyncio.subprocess.Process | None = None
    reader: asyncio.Task[None] | None = None
    done: bool = False
    rejected: int = 0
    starts: int = 0
    in_enqueue: asyncio.Event = field(default_factory=asyncio.Event)  # set from "E" until its receipt


class Bench:
    """Runs the server, the proxy, the terminals and the chaos; then counts what arrived."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.db_path = work / "server.sqlite3"
        self.key_text = base64.b64encode(os.urandom(32)).decode()
        self.server_port = free_port()
        self.proxy = Proxy(free_port(), self.server_port)
        self.server: asyncio.subprocess.Process | None = None
        per = SUBMISSIONS // TERMINALS
        self.terminals = [
            Terminal(i, work / f"terminal{i}", per + (1 if i < SUBMISSIONS % TERMINALS else 0))
            for i in range(TERMINALS)
        ]
        self.kills = 0
        self.kills_mid_enqueue = 0
        self.server_restarts = 0
        self.network_cuts = 0
        self.delays: dict[str, list[float]] = {"network": [], "server": []}
        self.rng = random.Random(2026)
        self.started = time.monotonic()

    def python(self, *args: str) -> Awaitable[asyncio.subprocess.Process]:
        return asyncio.create_subprocess_exec(
            sys.executable, str(Path(__file__).resolve()), *args, cwd=ROOT, stdout=asyncio.subprocess.PIPE
        )

    async def start_server(self) -> None:
        self.server = await self.python("server", str(self.db_path), str(self.server_port), self.key_text)
        assert self.server.stdout is not None
        line = await asyncio.wait_for(self.server.stdout.readline(), 60)
        if line.strip() != b"READY":
            raise RuntimeError("the bench server did not start")

    async def stop_server(self, sig: int) -> None:
        assert self.server is not None
        self.server.send_signal(sig)
        await self.server.wait()

    async def start_terminal(self, terminal: Terminal) -> None:
        remaining = max(0, terminal.target - len(terminal.receipts))
        url = f"http://127.0.0.1:{self.proxy.listen_port}"
        seed = terminal.id * 1000 + terminal.starts
        terminal.starts += 1
        terminal.in_enqueue.clear()
        terminal.process = await self.python(
            "terminal", str(terminal.data_dir), url, str(terminal.id), str(remaining), str(seed)
        )
        terminal.reader = asyncio.create_task(self.read_terminal(terminal, terminal.process))

    async def read_terminal(self, terminal: Terminal, process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        while line := await process.stdout.readline():
            parts = line.decode().split()
            if parts[0] == "E":
                terminal.in_enqueue.set()
            elif parts[0] == "R":
                terminal.in_enqueue.clear()
                terminal.receipts[parts[1]] = (parts[2], float(parts[3]))
            elif parts[0] == "DONE":
                terminal.done = True
                terminal.rejected = int(parts[1])
        await process.wait()

    def server_keys(self) -> set[str]:
        """Idempotency keys the server has stored (read straight from its SQLite file)."""
        if not self.db_path.exists():
            return set()
        db = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=30)
        try:
            return {row[0] for row in db.execute("SELECT idempotency_key FROM form_submissions")}
        except sqlite3.OperationalError:
            return set()
        finally:
            db.close()

    def all_receipts(self) -> dict[str, tuple[str, float]]:
        return {key: value for t in self.terminals for key, value in t.receipts.items()}

    async def measure_after_restore(self, kind: str) -> None:
        """Time from the network or server coming back until everything receipted before is stored."""
        restored = time.monotonic()
        waiting = set(self.all_receipts())
        reported = False
        while True:
            waiting -= await asyncio.to_thread(self.server_keys)
            if not waiting:
                break
            if not reported and time.monotonic() - restored > 3:
                reported = True
                holders = sorted({t.id for t in self.terminals for key in waiting if key in t.receipts})
                log(f"  still waiting for {len(waiting)} from terminals {holders}")
            await asyncio.sleep(0.1)
        delay = time.monotonic() - restored
        self.delays[kind].append(delay)
        back = restored - self.started
        log(f"after the {kind} came back (t={back:.1f}s), all earlier receipts arrived in {delay:.2f} s")

    async def outage(
        self,
        kind: str,
        down: Callable[[], Awaitable[None]],
        up: Callable[[], Awaitable[None]],
        seconds: float,
    ) -> asyncio.Task[None]:
        await down()
        await asyncio.sleep(seconds)
        await up()
        return asyncio.create_task(self.measure_after_restore(kind))

    async def cut_network(self, mode: str, seconds: float) -> asyncio.Task[None]:
        self.network_cuts += 1
        log(f"network {mode} for {seconds:.0f} s")

        async def down() -> None:
            self.proxy.set_mode(mode)

        async def up() -> None:
            self.proxy.set_mode("up")

        return await self.outage("network", down, up, seconds)

    async def restart_server(self, sig: int, seconds: float) -> asyncio.Task[None]:
        self.server_restarts += 1
        log(f"server stopped with {signal.Signals(sig).name} for {seconds:.0f} s")
        return await self.outage("server", lambda: self.stop_server(sig), self.start_server, seconds)

    async def kill_terminals(self, until: float) -> None:
        while time.monotonic() < until:
            await asyncio.sleep(self.rng.uniform(0.8, 2.5))
            alive = [t for t in self.terminals if not t.done and t.process and t.process.returncode is None]
            if not alive:
                continue
            victim = self.rng.choice(alive)
            assert victim.process is not None and victim.reader is not None
            if self.rng.random() < 0.6:  # aim at an enqueue: kill 0-4 ms after it starts, inside the commit
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(victim.in_enqueue.wait(), 2.0)
                await asyncio.sleep(self.rng.uniform(0, 0.004))
            else:  # anywhere: sleeping, delivering, wiping an acknowledged row
                await asyncio.sleep(self.rng.uniform(0, 0.05))
            victim.process.send_signal(signal.SIGKILL)
            await victim.reader
            self.kills += 1
            log(f"  killed terminal {victim.id} at t={time.monotonic() - self.started:.1f}s")
            if victim.in_enqueue.is_set():
                self.kills_mid_enqueue += 1  # killed after "E" and before its receipt was printed
            if not victim.done:
                await self.start_terminal(victim)

    async def chaos(self) -> None:
        """Outages one after another; each is measured to the end before the next begins."""
        outages: list[Callable[[], Awaitable[asyncio.Task[None]]]] = [
            lambda: self.cut_network("refuse", 5),
            lambda: self.restart_server(signal.SIGTERM, 3),
            lambda: self.cut_network("blackhole", 5),
            lambda: self.restart_server(signal.SIGKILL, 2),
            lambda: self.cut_network("refuse", 4),
        ]
        for outage in outages:
            await asyncio.sleep(QUIET_BETWEEN_OUTAGES_S)
            await (await outage())

    async def progress(self) -> None:
        while True:
            await asyncio.sleep(5)
            stored = len(await asyncio.to_thread(self.server_keys))
            receipts = len(self.all_receipts())
            log(f"receipts {receipts}/{SUBMISSIONS}, on the server {stored}, kills {self.kills}")

    async def run(self) -> dict[str, Any]:
        self.started = started = time.monotonic()
        await self.proxy.start()
        await self.start_server()
        for terminal in self.terminals:
            await self.start_terminal(terminal)
        log(f"{TERMINALS} terminals, {SUBMISSIONS} submissions, chaos for {CHAOS_S:.0f} s")
        reporter = asyncio.create_task(self.progress())
        killer = asyncio.create_task(self.kill_terminals(started + CHAOS_S))
        await self.chaos()
        await killer
        while not all(t.done for t in self.terminals):
            for terminal in self.terminals:
                if terminal.reader is not None:
                    await terminal.reader
                if not terminal.done:  # killed just before it could say DONE: start it again to drain
                    await self.start_terminal(terminal)
        reporter.cancel()
        await self.stop_server(signal.SIGTERM)
        elapsed = time.monotonic() - started
        return await self.count(elapsed)

    async def count(self, elapsed: float) -> dict[str, Any]:
        from sqlalchemy.ext.asyncio import create_async_engine

        from content.forms.crypto import DataCipher, key_from_text
        from server.submissions import SubmissionStore

        engine = create_async_engine(f"sqlite+aiosqlite:///{self.db_path}")
        store = SubmissionStore(engine, DataCipher(key_from_text(self.key_text)))
        records = await store.list(limit=10 * SUBMISSIONS)
        await engine.dispose()
        receipts = self.all_receipts()
        stored_keys = {r.idempotency_key for r in records}
        markers: dict[str, int] = {}
        for record in records:
            marker = str(record.values.get("name", ""))
            markers[marker] = markers.get(marker, 0) + 1
        acknowledged = sum(1 for key in receipts if key in stored_keys)
        return {
            "submissions": len(receipts),
            "acknowledged": acknowledged,
            "lost": len(receipts) - acknowledged,
            "duplicated": sum(n - 1 for n in markers.values() if n > 1),
            "stored": len(records),
            "committed_before_kill_without_receipt": len(stored_keys - set(receipts)),
            "rejected": sum(t.rejected for t in self.terminals),
            "kills": self.kills,
            "kills_mid_enqueue": self.kills_mid_enqueue,
            "terminal_starts": sum(t.starts for t in self.terminals),
            "server_restarts": self.server_restarts,
            "network_cuts": self.network_cuts,
            "max_delivery_delay_s": round(max(self.delays["network"], default=0.0), 2),
            "max_delivery_delay_after_server_restart_s": round(max(self.delays["server"], default=0.0), 2),
            "duration_s": round(elapsed, 1),
        }


async def orchestrate() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-outbox-") as work:
        result = await Bench(Path(work)).run()
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="role")
    server = sub.add_parser("server")
    server.add_argument("db")
    server.add_argument("port", type=int)
    server.add_argument("key")
    term = sub.add_parser("terminal")
    for name in ("data_dir", "url"):
        term.add_argument(name)
    for name in ("terminal_id", "count", "seed"):
        term.add_argument(name, type=int)
    args = parser.parse_args()
    if args.role == "server":
        asyncio.run(serve(args.db, args.port, args.key))
    elif args.role == "terminal":
        asyncio.run(terminal(args.data_dir, args.url, args.terminal_id, args.count, args.seed))
    else:
        asyncio.run(orchestrate())


if __name__ == "__main__":
    main()
