"""Calls over bad village links: outages, loss, a bandwidth cap, a pool server restart, echo.

Two real aiortc peers (synthetic camera and tone) through a real coturn; the kiosk's TURN leg crosses
tools.netimpair's relay, which cuts, drops and rate-limits on command. The pool server restart runs the
real server as a process, killed with SIGKILL and started again. Prints progress, then as its last line
one JSON object.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from media.echo import VoiceProcessor, VoiceSettings, echo_reduction_db
from media.flows import CallerState, DeskState
from media.room import echo_of, speech_like
from protocol.messages import LinkMode
from tests.resil_harness import ImpairedCall, impaired_call

AUDIO_GAP_LIMIT_MS = 200.0
SIZE = (320, 240, 15)  # light synthetic sources for the outage and loss runs (two peers on one box)
FULL_SIZE = (640, 480, 15)  # the cap run needs the real FULL picture: it does not fit in 256 kbit/s


def progress(text: str) -> None:
    """One line of progress on stderr (stdout's last line is the JSON)."""
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


async def next_frame(call: ImpairedCall, timeout_s: float) -> bool:
    """Wait for one more stamped frame at the kiosk; False when none came in time."""
    try:
        await call.frames_at_kiosk(1, timeout_s)
    except TimeoutError:
        return False
    return True


async def outage(work: Path, seconds: float) -> dict[str, Any]:
    """Cut the kiosk's link for `seconds`; did the same call come back, and how long after the link did."""
    async with impaired_call(work, size=SIZE) as call:
        await call.frames_at_kiosk(15)
        call.relay.set(down=True)
        cut = time.monotonic()
        await call.kiosk_log.reach(CallerState.RECONNECTING)
        progress(f"outage {seconds:.0f} s: RECONNECTING shown after {time.monotonic() - cut:.1f} s")
        await asyncio.sleep(max(0.0, seconds - (time.monotonic() - cut)))
        call.relay.set(down=False)
        back = time.monotonic()
        recovered = False
        try:
            await call.kiosk_info.until(lambda s, i: s in (CallerState.IN_CALL, CallerState.FAILED), 60.0)
            recovered = call.kiosk.state == CallerState.IN_CALL and await next_frame(call, 30.0)
        except TimeoutError:
            pass
        recovery_s = round(time.monotonic() - back, 2) if recovered else None
        progress(
            f"outage {seconds:.0f} s: recovered={recovered} after {recovery_s} s ({call.kiosk.info.message})"
        )
        return {"recovered": recovered, "recovery_s": recovery_s, "state": call.kiosk.state.value}


async def settle_mode(call: ImpairedCall, seconds: float) -> tuple[str, float]:
    """Let the link modes settle; the mode both sides show then, and the share of the audio heard."""
    blocks = call.kiosk_ears.blocks
    await asyncio.sleep(seconds)
    return call.kiosk.info.media_mode, round((call.kiosk_ears.blocks - blocks) / (seconds * 100), 2)


async def loss30(work: Path) -> dict[str, Any]:
    """30% loss on the kiosk's leg: which mode the call settles in."""
    async with impaired_call(work, size=SIZE) as call:
        await call.frames_at_kiosk(15)
        call.relay.set(loss=0.3)
        mode, heard = await settle_mode(call, 15.0)
        progress(f"30% loss: mode {mode}, state {call.kiosk.state.value}, share of audio heard {heard}")
        return {"mode": mode, "in_call": call.kiosk.state == CallerState.IN_CALL, "audio_heard": heard}


async def cap256k(work: Path) -> dict[str, Any]:
    """A 256 kbit/s cap: the mode reached and whether audio arrives without gaps over 200 ms."""
    async with impaired_call(work, size=FULL_SIZE) as call:
        await call.frames_at_kiosk(15)
        call.relay.set(rate_kbps=256)
        with contextlib.suppress(TimeoutError):  # a link that holds full video is an answer too
            await call.kiosk_info.until(lambda s, i: i.media_mode != LinkMode.FULL.value, 20.0)
        await call.audio_at(call.desk_ears, 4.0)  # the step down settles
        settled = time.monotonic()
        await call.audio_at(call.desk_ears, 10.0)
        gaps = {
            "kiosk_hears_ms": call.kiosk.audio_max_gap_ms(settled),
            "desk_hears_ms": call.desk.audio_max_gap_ms(settled),
        }
        mode = call.kiosk.info.media_mode
        ok = max(gaps.values()) <= AUDIO_GAP_LIMIT_MS and call.kiosk.state == CallerState.IN_CALL
        progress(f"256 kbit/s: mode {mode}, longest audio gaps {gaps}, audio ok {ok}")
        return {"mode": mode, "audio_ok": ok, **gaps}


async def server_restart(work: Path) -> dict[str, Any]:
    """SIGKILL the pool server mid-call, start it again: media goes on, the call is rejoined and recorded."""
    import aioice.ice

    from tests.test_resilience_server import LAWYER, connect
    from tools.appdriver import ServerProcess

    aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]  # one machine, no TURN
    await asyncio.to_thread(work.mkdir, parents=True, exist_ok=True)
    server = ServerProcess(work)
    server.add_lawyer(*LAWYER)
    token = server.add_kiosk("红星村服务室", "红星村", "kiosk-token-bench-0001")
    await asyncio.to_thread(server.start)
    call = await connect(server.url, token)
    call_id = call.kiosk.info.call_id
    kept = False
    rejoined_s = None
    try:
        assert server.proc is not None
        server.proc.kill()
        server.proc.wait()
        killed = time.monotonic()
        before = len(call.at_kiosk.seqs)
        call.at_kiosk.enough.clear()
        call.at_kiosk._wanted = before + 30
        await asyncio.wait_for(call.at_kiosk.enough.wait(), 20.0)
        media_went_on = call.kiosk.state == CallerState.IN_CALL and call.desk.state == DeskState.IN_CALL
        await asyncio.to_thread(server.start)
        await call.kiosk_info.until(lambda s, i: call.kiosk.rejoined, 30.0)
        await call.desk_info.until(lambda s, i: call.desk.rejoined, 30.0)
        rejoined_s = round(time.monotonic() - killed, 2)
        await call.kiosk.hangup()
        await call.desk_log.reach(DeskState.AVAILABLE)
        progress(
            f"server restart: media went on {media_went_on}, both rejoined {rejoined_s} s after the kill"
        )
        kept = media_went_on
    finally:
        await call.kiosk.close()
        await call.desk.close()
        await asyncio.to_thread(server.stop)
    with sqlite3.connect(server.db_path) as db:
        row = db.execute("SELECT outcome, ended_by FROM calls WHERE id = ?", (call_id,)).fetchone()
    recorded = tuple(row) == ("completed", "kiosk")
    progress(f"server restart: the call's record after the restart: {row}")
    return {"kept": kept and recorded, "rejoined_after_kill_s": rejoined_s}


def aec_reduction_db(settings: VoiceSettings) -> float:
    """media.echo on media.room's simulated room: far-end speech played into a synthetic echo path."""
    far = speech_like(8.0)
    mic = echo_of(far)
    processor = VoiceProcessor(48000, settings)
    cleaned = []
    for start in range(0, len(far) - 960 + 1, 960):
        processor.played(far[start : start + 960])
        cleaned.append(processor.process(mic[start : start + 960]))
    return round(echo_reduction_db(mic, np.concatenate(cleaned)), 1)


async def main() -> dict[str, Any]:
    """Run every scenario in turn."""
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="bench-resilience-") as tmp:
        work = Path(tmp)
        progress("10 s outage")
        o10 = await outage(work / "o10", 10.0)
        progress("60 s outage")
        o60 = await outage(work / "o60", 60.0)
        progress("30% loss")
        lossy = await loss30(work / "loss")
        progress("256 kbit/s cap")
        capped = await cap256k(work / "cap")
        progress("pool server restart")
        restart = await server_restart(work / "restart")
    progress("echo cancellation on the simulated room")
    aec = aec_reduction_db(VoiceSettings(noise_suppression=False, gain_control=False))
    all_stages = aec_reduction_db(VoiceSettings())  # gain control lifts what is left, so this reads lower
    return {
        "outage10s_recovered": o10["recovered"],
        "outage10s_recovery_s": o10["recovery_s"],
        "outage60s_recovered": o60["recovered"],
        "outage60s_recovery_s": o60["recovery_s"],
        "loss30_mode": lossy["mode"],
        "loss30_audio_heard": lossy["audio_heard"],
        "cap256k_mode": capped["mode"],
        "cap256k_audio_ok": capped["audio_ok"],
        "cap256k_audio_max_gap_ms": max(capped["kiosk_hears_ms"], capped["desk_hears_ms"]),
        "server_restart_call_kept": restart["kept"],
        "server_restart_rejoined_s": restart["rejoined_after_kill_s"],
        "aec_echo_reduction_db": aec,
        "aec_with_ns_agc_reduction_db": all_stages,
    }


if __name__ == "__main__":
    result = asyncio.run(main())
    print(json.dumps(result, ensure_ascii=False))
