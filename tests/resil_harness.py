"""Two real peers through a real coturn, the kiosk's leg crossing an impairment relay (tests and bench)."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from media.answerer import DeskAnswerer
from media.audio import MeasuringAudioSink
from media.caller import KioskCaller
from media.factories import MediaFactories, synthetic_media
from media.flows import CALLER_TRANSITIONS, DESK_TRANSITIONS, CallerState, CallInfo, DeskState
from protocol import messages as p
from tests.media_fixtures import Coturn, FakePool, Stamped, StateLog
from tools.coturn import CoturnProcess
from tools.netimpair import ImpairedUdpRelay

IN_CALL_RELAYED = (p.Redial, p.RedialAnswer, p.MediaMode, p.PushContent, p.FormPatch, p.RecordingConsent)
WAIT_S = 30.0  # a hang guard for one awaited event on a loaded machine, never a timing assertion


class RelayingPool(FakePool):
    """FakePool that also relays the in-call messages and gives the kiosk its own TURN servers."""

    def __init__(self, desk_ice: list[dict[str, Any]], kiosk_ice: list[dict[str, Any]]) -> None:
        super().__init__(desk_ice)
        self.kiosk_ice = kiosk_ice

    async def _send(self, role: str, message: Any) -> None:
        if role == "kiosk" and isinstance(message, p.CallQueued | p.CallAccepted):
            message = dataclasses.replace(message, ice_servers=self.kiosk_ice)
        await super()._send(role, message)

    async def _handle(self, role: str, m: Any) -> None:
        if isinstance(m, IN_CALL_RELAYED) and self.call and m.call_id == self.call.get("call_id"):
            await self._send("lawyer" if role == "kiosk" else "kiosk", m)
            return
        await super()._handle(role, m)


class CountingSink(MeasuringAudioSink):
    """A measuring sink that lets a test wait for an amount of received audio."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks = 0  # 10 ms blocks of audio received
        self._grew = asyncio.Event()

    def _consume(self, stereo: Any) -> None:
        self.blocks += len(stereo) // 960  # 480 stereo samples = 10 ms at 48 kHz
        self._grew.set()

    async def more(self, blocks: int, timeout_s: float = WAIT_S) -> None:
        """Wait until `blocks` more 10 ms blocks arrived."""
        target = self.blocks + blocks
        async with asyncio.timeout(timeout_s):
            while self.blocks < target:
                self._grew.clear()
                await self._grew.wait()


class InfoWaiter:
    """Lets a test wait until a flow's CallInfo satisfies a condition."""

    def __init__(self, flow: Any) -> None:
        self.info: CallInfo = flow.info
        self.state: Any = flow.state
        self._changed = asyncio.Event()
        flow.add_state_listener(self)

    def __call__(self, state: Any, info: CallInfo) -> None:
        self.state, self.info = state, info
        self._changed.set()

    async def until(self, condition: Callable[[Any, CallInfo], bool], timeout_s: float = WAIT_S) -> CallInfo:
        """Wait until condition(state, info) holds; returns that info."""
        async with asyncio.timeout(timeout_s):
            while not condition(self.state, self.info):
                self._changed.clear()
                await self._changed.wait()
        return self.info


@dataclass
class ImpairedCall:
    """A connected call whose kiosk-side TURN leg crosses `relay`."""

    kiosk: KioskCaller
    desk: DeskAnswerer
    kiosk_log: StateLog
    desk_log: StateLog
    kiosk_info: InfoWaiter
    desk_info: InfoWaiter
    at_kiosk: Stamped
    at_desk: Stamped
    relay: ImpairedUdpRelay
    pool: RelayingPool
    kiosk_ears: CountingSink
    desk_ears: CountingSink

    async def frames_at_kiosk(self, more: int, timeout_s: float = WAIT_S) -> None:
        """Wait until `more` further stamped frames reached the kiosk."""
        target = len(self.at_kiosk.seqs) + more
        async with asyncio.timeout(timeout_s):
            while len(self.at_kiosk.seqs) < target:
                self.at_kiosk.enough.clear()
                self.at_kiosk._wanted = target
                await self.at_kiosk.enough.wait()

    async def audio_at(self, sink: CountingSink, seconds: float, timeout_s: float = WAIT_S) -> None:
        """Wait until `seconds` more of remote audio reached a side (its sink counts 10 ms blocks)."""
        await sink.more(int(seconds * 100), timeout_s)


@contextlib.asynccontextmanager
async def impaired_call(
    work: Path,
    *,
    size: tuple[int, int, int] = (640, 480, 15),
    stall_after_s: float = 3.0,
    stall_give_up_s: float = 90.0,
    redial_attempt_s: float = 5.0,
) -> AsyncIterator[ImpairedCall]:
    """coturn + impairment relay + RelayingPool + kiosk and desk (both relay-only), call connected."""
    coturn = CoturnProcess(work / "turn", relay_ports=200)  # room for the allocations of many redials
    coturn.start()
    try:  # coturn is stopped whatever fails after it started (a leaked turnserver outlives the test)
        relay = ImpairedUdpRelay(coturn.port)
        relay.start()
        desk_ice = Coturn(coturn.port, coturn.secret).ice_servers()
        kiosk_ice = [{**desk_ice[0], "urls": [f"turn:127.0.0.1:{relay.port}?transport=udp"]}]
        pool = RelayingPool(desk_ice, kiosk_ice)
        await pool.start()
        width, height, fps = size
        kiosk_ears, desk_ears = CountingSink(), CountingSink()
        kiosk_media = _with_sink(synthetic_media(width, height, fps), kiosk_ears)
        desk_media = _with_sink(synthetic_media(width, height, fps, 660), desk_ears)
        kiosk = KioskCaller(
            pool.url,
            FakePool.KIOSK_TOKEN,
            kiosk_media,
            relay_only=True,
            stall_after_s=stall_after_s,
            stall_give_up_s=stall_give_up_s,
            redial_attempt_s=redial_attempt_s,
        )
        desk = DeskAnswerer(
            pool.url,
            desk_media,
            relay_only=True,
            stall_after_s=stall_after_s,
            stall_give_up_s=stall_give_up_s,
            redial_attempt_s=redial_attempt_s,
        )
        call = ImpairedCall(
            kiosk,
            desk,
            StateLog(kiosk, CALLER_TRANSITIONS),
            StateLog(desk, DESK_TRANSITIONS),
            InfoWaiter(kiosk),
            InfoWaiter(desk),
            Stamped(),
            Stamped(),
            relay,
            pool,
            kiosk_ears,
            desk_ears,
        )
        kiosk.set_video_listeners(call.at_kiosk, None)
        desk.set_video_listeners(call.at_desk, None)
        try:
            await desk.login(FakePool.USERNAME, FakePool.PASSWORD)
            await desk.set_duty(True)
            calling = asyncio.ensure_future(kiosk.call("labour_wages"))
            await call.desk_log.reach(DeskState.RINGING)
            await desk.accept()
            async with asyncio.timeout(WAIT_S):
                await calling
            await call.desk_log.reach(DeskState.IN_CALL)
            if kiosk.state != CallerState.IN_CALL:
                raise RuntimeError(f"the call did not connect: {kiosk.state} {kiosk.info.message}")
            yield call
        finally:
            await kiosk.close()
            await desk.close()
            await pool.stop()
            relay.stop()
    finally:
        coturn.stop()


def _with_sink(media: MediaFactories, sink: CountingSink) -> MediaFactories:
    """Factories whose remote audio goes to this counting sink (the same one for every call)."""

    async def open_sink(lost: Any) -> CountingSink:
        return sink

    media.audio_sink = open_sink
    return media
