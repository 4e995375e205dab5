"""The terminals of bench-cluster, in several processes: one per node they start on.

Each process connects its terminals, then places its share of the calls (every `parts`-th slot of one
schedule at `rate` per second, from a start time the conductor gives) and reports what its terminals
saw. A node's death stalls only the process whose terminals reconnect to the survivors; the others go
on placing calls on time, as separate villages would.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

import aiohttp

from bench.pool_sim import KioskState, KioskTally, SimKiosk, client_connector, connect_all

DRAIN_S = 60.0  # after the last request: time for every call to end (rejoin grace is 30 s)


@dataclass(frozen=True)
class TerminalsPlan:
    """What one terminals process does: its terminals, and its share of the call schedule."""

    urls: list[str]
    members: list[tuple[int, str, int]]  # (terminal index, bearer token, first node)
    part: int  # this process places calls part, part + parts, part + 2 * parts, ...
    parts: int
    calls: int  # slots in the whole schedule
    rate: float  # slots per second
    seed: int


@dataclass
class TerminalsReport:
    """What one process's terminals saw (picklable, for the conductor)."""

    requested: dict[str, float] = field(default_factory=dict)
    kiosk_of: dict[str, int] = field(default_factory=dict)
    call_of: dict[str, str] = field(default_factory=dict)
    queued: dict[str, float] = field(default_factory=dict)
    accepted: dict[str, float] = field(default_factory=dict)
    ended: dict[str, str] = field(default_factory=dict)
    re_requested: int = 0
    resumed: int = 0
    rejoined: int = 0
    connections: list[tuple[int, str, float]] = field(default_factory=list)  # (terminal, server, when)
    losses: list[tuple[int, str, float, float | None]] = field(default_factory=list)  # (.., back after)
    pid: int = 0

    def add_to(self, tally: KioskTally) -> None:
        """Merge into the conductor's tally."""
        tally.requested |= self.requested
        tally.kiosk_of |= self.kiosk_of
        tally.call_of |= self.call_of
        tally.queued |= self.queued
        tally.accepted |= self.accepted
        tally.ended |= self.ended
        tally.re_requested += self.re_requested
        tally.resumed += self.resumed
        tally.rejoined += self.rejoined


def terminals_process(plan: TerminalsPlan, pipe: Connection) -> None:
    """Entry point of one terminals process."""
    asyncio.run(run_terminals(plan, pipe))


async def run_terminals(plan: TerminalsPlan, pipe: Connection) -> None:
    """Connect, wait for the start time, place this share of the calls, drain, report when told."""
    tally = KioskTally()
    rng = random.Random(plan.seed)
    async with aiohttp.ClientSession(connector=client_connector()) as http:
        kiosks = [SimKiosk(http, plan.urls, token, n, tally, first) for n, token, first in plan.members]
        await connect_all(list(kiosks))
        runs = [asyncio.create_task(k.run()) for k in kiosks]
        pipe.send("connected")
        begin: float = await asyncio.to_thread(pipe.recv)
        for n in range(plan.part, plan.calls, plan.parts):
            await asyncio.sleep(max(0.0, begin + n / plan.rate - time.monotonic()))
            sample = rng.sample(kiosks, min(20, len(kiosks)))
            idle = [k for k in sample if k.state is KioskState.IDLE and k.ready.is_set()]
            if idle:
                await idle[0].call(f"r{n}")
        tally.placing_done = True
        tally.check_all_ended()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(tally.all_ended.wait(), DRAIN_S)
        pipe.send((len(tally.requested), len(tally.ended)))
        await asyncio.to_thread(pipe.recv)  # the conductor has what it needs from the lawyers
        await asyncio.gather(*(k.stop() for k in kiosks), return_exceptions=True)
        for task in runs:
            task.cancel()
    pipe.send(
        TerminalsReport(
            requested=tally.requested,
            kiosk_of=tally.kiosk_of,
            call_of=tally.call_of,
            queued=tally.queued,
            accepted=tally.accepted,
            ended=tally.ended,
            re_requested=tally.re_requested,
            resumed=tally.resumed,
            rejoined=tally.rejoined,
            connections=[(k.index, url, at) for k in kiosks for url, at in k.connections],
            losses=[(k.index, loss.url, loss.at, loss.back_after_s) for k in kiosks for loss in k.losses],
            pid=os.getpid(),
        )
    )
