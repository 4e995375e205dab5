"""Simulated terminals and lawyers for the pool benches: real WebSockets, the apps' reconnect rules.

Each client holds the list of server URLs (media.servers.ServerList, as the kiosk and desk apps do
with server_urls): it connects to the first that takes it, and when its socket goes it waits the apps'
backoff, tries the servers in turn, then takes its place back (ResumeCall), rejoins a call in progress
(Rejoin) or goes on duty again, as the real apps do. Every event is stamped with time.monotonic (one
clock for every process of the machine).
"""

from __future__ import annotations

import asyncio
import gc
import random
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import aiohttp
from aiohttp.abc import AbstractResolver

from media.servers import ServerList
from protocol.messages import (
    Accept,
    CallAccepted,
    CallQueued,
    CallRequest,
    Error,
    Hangup,
    Message,
    NoLawyerAvailable,
    Rejoin,
    Rejoined,
    ResumeCall,
    Ring,
    RingCancelled,
    SetDuty,
    decode,
    encode,
)

CONNECT_AT_ONCE = 100  # sockets opened in parallel at the start


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def ms_figures(name: str, seconds: list[float]) -> dict[str, float | None]:
    """p50/p90/p99/max of durations in seconds, as `<name>_ms_p50` ... in milliseconds."""
    ms = [s * 1000 for s in seconds]
    figures: dict[str, float | None] = {}
    for label, pct in (("p50", 50.0), ("p90", 90.0), ("p99", 99.0), ("max", 100.0)):
        figures[f"{name}_ms_{label}"] = round(percentile(ms, pct), 2) if ms else None
    return figures


async def wait_ready(url: str, timeout_s: float = 60.0) -> None:
    """Wait for a server's /healthz."""
    deadline = time.monotonic() + timeout_s
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            try:
                async with http.get(f"{url}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"the server at {url} did not start")


@dataclass
class Loss:
    """One socket that went: from which server, when, and how long until another took the client."""

    url: str
    at: float
    back_after_s: float | None = None


class SimClient:
    """One client's socket to the first server of its list that takes it; reconnects as the apps do."""

    def __init__(self, http: aiohttp.ClientSession, urls: list[str], token: str, first: int = 0) -> None:
        self.http = http
        self.servers = ServerList(urls)
        self.servers.settle(urls[first % len(urls)])
        self.token = token
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.url = ""
        self.ready = asyncio.Event()  # connected and caught up (place taken back, call rejoined)
        self.losses: list[Loss] = []
        self.connections: list[tuple[str, float]] = []  # (server, when): where the client was when
        self.stopping = False
        self.tasks: set[asyncio.Task[None]] = set()

    async def connect(self) -> None:
        """Connect to the first server of the round that takes us and read its Welcome."""
        last = "no server tried"
        for url in self.servers.round():
            try:
                ws = await self.http.ws_connect(
                    f"{url}/ws", headers={"Authorization": f"Bearer {self.token}"}, heartbeat=None
                )
                first = await asyncio.wait_for(ws.receive(), 30)
            except (aiohttp.ClientError, OSError, TimeoutError) as exc:
                last = f"{url}: {type(exc).__name__}"
                continue
            if first.type is not aiohttp.WSMsgType.TEXT:  # closed at once (a node draining)
                await ws.close()
                last = f"{url}: closed"
                continue
            self.servers.settle(url)
            self.ws, self.url = ws, url
            self.connections.append((url, time.monotonic()))
            return
        raise ConnectionError(last)

    async def run(self) -> None:
        """Read messages until stopped; after a loss reconnect (rotating, with backoff) and go on."""
        await self.caught_up()
        self.ready.set()
        while True:
            ws = self.ws
            assert ws is not None
            async for frame in ws:
                if frame.type is aiohttp.WSMsgType.TEXT:
                    self.on_message(decode(frame.data))
            self.ready.clear()
            if self.stopping:
                return
            loss = Loss(self.url, time.monotonic())
            self.losses.append(loss)
            self.on_lost()
            attempt = 0
            while not self.stopping:
                await asyncio.sleep(self.servers.backoff_s(attempt))
                attempt += 1
                try:
                    await self.connect()
                    break
                except ConnectionError:
                    self.servers.rotate()
            loss.back_after_s = time.monotonic() - loss.at
            await self.caught_up()
            self.ready.set()

    async def send(self, message: Message) -> bool:
        """Send on the current socket; False when it is gone."""
        ws = self.ws
        if ws is None or ws.closed:
            return False
        try:
            await ws.send_str(encode(message))
        except (aiohttp.ClientError, ConnectionError):
            return False
        return True

    async def send_when_ready(self, message: Message) -> None:
        """Send once connected and caught up, again after a loss if the socket went meanwhile."""
        while not self.stopping:
            await self.ready.wait()
            if await self.send(message):
                return
            await asyncio.sleep(0.05)

    def later(
        self,
        delay: float,
        message: Message,
        still: Callable[[], bool] | None = None,
        then: Callable[[], None] | None = None,
    ) -> None:
        """Send `message` after `delay` (only if `still()` is true then, when given; `then()` runs as
        it is sent)."""

        async def send() -> None:
            await asyncio.sleep(delay)
            if still is None or still():
                if then is not None:
                    then()
                await self.send_when_ready(message)

        task = asyncio.create_task(send())
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def stop(self) -> None:
        """Close the socket for good."""
        self.stopping = True
        for task in list(self.tasks):
            task.cancel()
        if self.ws is not None:
            await self.ws.close()

    def on_message(self, message: Message) -> None:
        """One message from the server."""

    def on_lost(self) -> None:
        """The socket went (before reconnecting)."""

    async def caught_up(self) -> None:
        """Just connected: say what the server must know again."""


class KioskState(StrEnum):
    """Where a simulated terminal's call is."""

    IDLE = "idle"
    REQUESTING = "requesting"  # CallRequest sent, no CallQueued yet
    WAITING = "waiting"
    CONNECTED = "connected"


@dataclass
class KioskTally:
    """What the terminals saw."""

    requested: dict[str, float] = field(default_factory=dict)  # request id -> monotonic time
    kiosk_of: dict[str, int] = field(default_factory=dict)  # request id -> terminal index
    call_of: dict[str, str] = field(default_factory=dict)  # request id -> call id
    queued: dict[str, float] = field(default_factory=dict)  # request id -> first CallQueued time
    accepted: dict[str, float] = field(default_factory=dict)  # request id -> CallAccepted time
    ended: dict[str, str] = field(default_factory=dict)  # request id -> completed | no_lawyer:... | ...
    re_requested: int = 0  # asked again after a loss before any CallQueued
    resumed: int = 0  # ResumeCall sent after a loss
    rejoined: int = 0  # Rejoin sent after a loss
    placing_done: bool = False
    all_ended: asyncio.Event = field(default_factory=asyncio.Event)

    def end(self, request_id: str, outcome: str) -> None:
        """A call ended as the terminal saw it."""
        self.ended.setdefault(request_id, outcome)
        self.check_all_ended()

    def check_all_ended(self) -> None:
        """Wake the drain once every placed call has ended."""
        if self.placing_done and len(self.ended) >= len(self.requested):
            self.all_ended.set()


class SimKiosk(SimClient):
    """A terminal: asks for a call when told, keeps its place across a lost socket, notes the end."""

    def __init__(  # noqa: PLR0917 (the client's arguments, and the terminal's own)
        self,
        http: aiohttp.ClientSession,
        urls: list[str],
        token: str,
        index: int,
        tally: KioskTally,
        first: int = 0,
    ) -> None:
        super().__init__(http, urls, token, first)
        self.index = index
        self.tally = tally
        self.state = KioskState.IDLE
        self.request_id = ""
        self.call_id = ""

    async def call(self, request_id: str) -> None:
        """A villager taps 律师视频."""
        self.state, self.request_id, self.call_id = KioskState.REQUESTING, request_id, ""
        self.tally.requested[request_id] = time.monotonic()
        self.tally.kiosk_of[request_id] = self.index
        await self.send(CallRequest(request_id=request_id))

    def _end(self, outcome: str) -> None:
        self.tally.end(self.request_id, outcome)
        self.state, self.request_id, self.call_id = KioskState.IDLE, "", ""

    def on_message(self, message: Message) -> None:
        """Follow the call through queue, answer and end."""
        if self.state is KioskState.IDLE:
            return
        rid = self.request_id
        match message:
            case CallQueued() if message.request_id == rid:
                self.tally.queued.setdefault(rid, time.monotonic())
                self.call_id = message.call_id
                self.tally.call_of[rid] = message.call_id
                if self.state is KioskState.REQUESTING:
                    self.state = KioskState.WAITING
            case NoLawyerAvailable() if message.request_id == rid:
                if message.call_id:  # the call's record says how it really ended
                    self.tally.call_of[rid] = message.call_id
                self._end(f"no_lawyer:{message.reason}")
            case CallAccepted() if message.call_id == self.call_id:
                self.tally.accepted.setdefault(rid, time.monotonic())
                self.state = KioskState.CONNECTED
            case Hangup() if message.call_id == self.call_id:
                self._end("completed" if message.reason == "completed" else f"hangup:{message.reason}")
            case Rejoined() if message.call_id == self.call_id and not message.ok:
                self._end("rejoin_refused")
            case Error() if message.call_id == self.call_id or (
                message.call_id is None and self.state is KioskState.REQUESTING
            ):
                self._end(f"error:{message.code}")

    async def caught_up(self) -> None:
        """Back on a server: take the place back, rejoin the call, or ask again."""
        if self.state is KioskState.WAITING:
            self.tally.resumed += 1
            await self.send(ResumeCall(call_id=self.call_id))
        elif self.state is KioskState.CONNECTED:
            self.tally.rejoined += 1
            await self.send(Rejoin(call_id=self.call_id))
        elif self.state is KioskState.REQUESTING:  # the request or its CallQueued went with the socket
            self.tally.re_requested += 1
            await self.send(CallRequest(request_id=self.request_id))


@dataclass
class DeskLog:
    """What the lawyers saw: (desk index, call id, time) of rings, ring ends and answers."""

    rings: list[tuple[int, str, float]] = field(default_factory=list)
    ring_ends: list[tuple[int, str, float]] = field(default_factory=list)
    answered: list[tuple[int, str, float]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class SimDesk(SimClient):
    """A lawyer: on duty, answers each ring after a moment, hangs up after a short talk."""

    def __init__(  # noqa: PLR0917 (the terminal's arguments, and the lawyer's own)
        self,
        http: aiohttp.ClientSession,
        urls: list[str],
        token: str,
        index: int,
        log: DeskLog,
        rng: random.Random,
        talk_s: tuple[float, float] = (1.0, 4.0),
        first: int = 0,
    ) -> None:
        super().__init__(http, urls, token, first)
        self.index = index
        self.log = log
        self.rng = rng
        self.talk_s = talk_s
        self.ringing = ""
        self.in_call = ""

    def _ring_over(self) -> None:
        if self.ringing:
            self.log.ring_ends.append((self.index, self.ringing, time.monotonic()))
            self.ringing = ""

    def on_message(self, message: Message) -> None:
        """Answer rings, hang up after the talk."""
        now = time.monotonic()
        match message:
            case Ring():
                self._ring_over()
                self.ringing = message.call_id
                self.log.rings.append((self.index, message.call_id, now))
                call_id, socket = message.call_id, self.ws
                self.later(
                    self.rng.uniform(0.05, 0.5),
                    Accept(call_id),
                    lambda: self.ringing == call_id and self.ws is socket,
                )
            case RingCancelled() if message.call_id == self.ringing:
                self._ring_over()
            case CallAccepted():
                if message.call_id == self.ringing:
                    self._ring_over()
                self.log.answered.append((self.index, message.call_id, now))
                self.in_call = message.call_id
                call_id = message.call_id
                self.later(  # hung up, the call is over for the desk (it will not Rejoin it)
                    self.rng.uniform(*self.talk_s),
                    Hangup(call_id),
                    lambda: self.in_call == call_id,
                    self._hung_up,
                )
            case Hangup() if message.call_id == self.in_call:
                self.in_call = ""
            case Rejoined() if message.call_id == self.in_call and not message.ok:
                self.in_call = ""
            case Error():
                self.log.errors.append(message.code)

    def _hung_up(self) -> None:
        self.in_call = ""

    def on_lost(self) -> None:
        """A ring does not survive the socket (the desk app goes back to waiting for calls)."""
        self._ring_over()

    async def caught_up(self) -> None:
        """Back on a server: rejoin the call in progress, or go on duty (a new node knows us off duty)."""
        if self.in_call:
            await self.send(Rejoin(call_id=self.in_call))
        else:
            await self.send(SetDuty(on_duty=True))


async def connect_all(clients: list[SimClient]) -> None:
    """Connect every client, CONNECT_AT_ONCE at a time."""
    gate = asyncio.Semaphore(CONNECT_AT_ONCE)

    async def one(client: SimClient) -> None:
        async with gate:
            await client.connect()

    await asyncio.gather(*(one(c) for c in clients))
    settle_garbage()


class NumericResolver(AbstractResolver):
    """The servers are addressed by IP: no getaddrinfo in a thread pool for each of thousands of
    connections (that, not the servers, stalled the harness when a node's clients reconnected)."""

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[Any]:
        """The address itself."""
        return [
            {
                "hostname": host,
                "host": host,
                "port": port,
                "family": family,
                "proto": 0,
                "flags": socket.AI_NUMERICHOST,
            }
        ]

    async def close(self) -> None:
        """Nothing to close."""


def client_connector() -> aiohttp.TCPConnector:
    """A connector for thousands of simulated clients of IP-addressed servers."""
    return aiohttp.TCPConnector(limit=0, resolver=NumericResolver())


def settle_garbage() -> None:
    """Leave the simulated clients' objects out of later garbage collections: the harness holds
    thousands of connections, and a full collection would stall it for hundreds of milliseconds and
    show up as the servers' latency."""
    gc.collect()
    gc.freeze()


def double_offers(log: DeskLog, answered_once: bool = True) -> int:
    """Calls offered to two lawyers at once (rings overlapping at two desks) or answered twice."""
    events: dict[str, list[tuple[float, int, int]]] = {}
    for desk, call_id, at in log.rings:
        events.setdefault(call_id, []).append((at, 1, desk))
    for desk, call_id, at in log.ring_ends:
        events.setdefault(call_id, []).append((at, -1, desk))
    doubled: set[str] = set()
    for call_id, seen in events.items():
        open_at: set[int] = set()
        # an end sorts before a ring at the same time
        for _, step, desk in sorted(seen, key=lambda e: (e[0], e[1])):
            if step > 0:
                open_at.add(desk)
                if len(open_at) > 1:
                    doubled.add(call_id)
            else:
                open_at.discard(desk)
    if answered_once:
        desks_of: dict[str, set[int]] = {}
        for desk, call_id, _ in log.answered:
            desks_of.setdefault(call_id, set()).add(desk)
        doubled |= {c for c, desks in desks_of.items() if len(desks) > 1}
    return len(doubled)
