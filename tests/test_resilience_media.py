"""Calls over a bad village link: real aiortc peers through real coturn, the kiosk's leg impaired."""

from __future__ import annotations

import asyncio
import shutil
import time
from pathlib import Path

import pytest

from media.bandwidth import LinkSample, ModeLadder
from media.flowbase import RECONNECTING, REDIAL_GAVE_UP
from media.flows import CallerState, DeskState
from protocol.messages import LinkMode
from tests.resil_harness import impaired_call
from tests.test_media_call import eventually

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("turnserver") is None, reason="coturn (turnserver) is not installed"),
]

OUTAGE_S = 10.0  # the stimulus: how long the link is cut, not an assertion


async def test_a_10s_outage_shows_reconnecting_on_both_sides_and_the_same_call_comes_back(
    tmp_path: Path,
) -> None:
    async with impaired_call(tmp_path, size=(320, 240, 15)) as call:
        await call.frames_at_kiosk(10)
        call_id = call.kiosk.info.call_id
        call.relay.set(down=True)
        cut_at = time.monotonic()
        assert (await call.kiosk_log.reach(CallerState.RECONNECTING)).message == RECONNECTING
        assert (await call.desk_log.reach(DeskState.RECONNECTING)).message == RECONNECTING
        await asyncio.sleep(max(0.0, OUTAGE_S - (time.monotonic() - cut_at)))  # keep the link down
        call.relay.set(down=False)
        back = await call.kiosk_log.reach(CallerState.IN_CALL)
        await call.desk_log.reach(DeskState.IN_CALL)
        await call.frames_at_kiosk(10)  # the lawyer's picture moves again
        await call.audio_at(call.desk_ears, 0.5)  # and the villager is heard again
        assert back.call_id == call_id and back.reconnections == 1 and back.message == ""
        assert call.kiosk_log.illegal == [] and call.desk_log.illegal == []
        await call.kiosk.hangup()
        await call.desk_log.reach(DeskState.AVAILABLE)
        quality = call.pool.stats["kiosk"]["quality"]
        assert quality["reconnections"] == 1 and quality["redial_attempts"] >= 1


async def test_an_outage_longer_than_the_redial_window_ends_the_call_with_the_queue_or_a_callback(
    tmp_path: Path,
) -> None:
    async with impaired_call(
        tmp_path, size=(320, 240, 15), stall_after_s=1.0, stall_give_up_s=6.0, redial_attempt_s=2.0
    ) as call:
        await call.frames_at_kiosk(10)
        call.relay.set(down=True)  # never comes back within the window
        await call.kiosk_log.reach(CallerState.RECONNECTING)
        ended = await call.kiosk_log.reach(CallerState.FAILED)
        assert ended.message == REDIAL_GAVE_UP and ended.callback_offered
        assert (await call.desk_log.reach(DeskState.AVAILABLE)).message
        assert call.pool.hangups == [("kiosk", "disconnected")]
        assert call.kiosk_log.illegal == [] and call.desk_log.illegal == []


async def test_30_percent_loss_drops_to_audio_only_both_sides_see_it_and_video_returns_after(
    tmp_path: Path,
) -> None:
    async with impaired_call(tmp_path, size=(320, 240, 15)) as call:
        await call.frames_at_kiosk(10)
        call.relay.set(loss=0.3)
        await call.kiosk_info.until(lambda s, i: i.media_mode == LinkMode.AUDIO_ONLY.value)
        await call.desk_info.until(lambda s, i: i.media_mode == LinkMode.AUDIO_ONLY.value)
        await call.audio_at(call.kiosk_ears, 1.0)  # the lawyer is still heard
        assert call.kiosk.state == CallerState.IN_CALL and call.desk.state == DeskState.IN_CALL
        call.relay.set(loss=0.0)  # the link recovers: video comes back, one rung at a time
        await call.kiosk_info.until(lambda s, i: i.media_mode == LinkMode.LOW.value, 60.0)
        await call.desk_info.until(lambda s, i: i.media_mode == LinkMode.LOW.value, 60.0)
        await call.frames_at_kiosk(10)
        await call.kiosk.hangup()
        await call.desk_log.reach(DeskState.AVAILABLE)
        quality = call.pool.stats["kiosk"]["quality"]
        assert quality["mode_changes"] >= 2 and quality["loss_max"] > 0.1


async def test_300ms_delay_keeps_full_video(tmp_path: Path) -> None:
    async with impaired_call(tmp_path, size=(320, 240, 15)) as call:
        await call.frames_at_kiosk(10)
        call.relay.set(delay_ms=300, jitter_ms=20)
        await eventually(lambda: (call.kiosk.media_stats().get("rtt_ms") or 0) > 300)  # the kiosk sees it
        await call.frames_at_kiosk(120)  # about 8 s of the lawyer's picture through the delay
        assert call.kiosk.info.media_mode == LinkMode.FULL.value
        assert call.kiosk.state == CallerState.IN_CALL and call.kiosk.info.reconnections == 0
        assert call.kiosk.media_stats()["rtt_ms"] > 300  # the delay was there all along


async def test_256kbit_cap_steps_video_down_and_keeps_audio_without_gaps(tmp_path: Path) -> None:
    async with impaired_call(tmp_path) as call:  # 640x480 does not fit in 256 kbit/s
        await call.frames_at_kiosk(10)
        call.relay.set(rate_kbps=256)
        await call.kiosk_info.until(lambda s, i: i.media_mode != LinkMode.FULL.value)
        await call.audio_at(call.desk_ears, 3.0)  # let the step down settle
        settled = time.monotonic()
        await call.audio_at(call.desk_ears, 5.0)
        await call.audio_at(call.kiosk_ears, 0.5)
        assert call.kiosk.info.media_mode in (LinkMode.LOW.value, LinkMode.AUDIO_ONLY.value)
        assert call.desk.audio_max_gap_ms(settled) <= 200  # the villager's voice arrives whole
        assert call.kiosk.audio_max_gap_ms(settled) <= 200
        assert call.kiosk.state == CallerState.IN_CALL


def test_the_ladder_steps_one_rung_at_a_time_and_waits_longer_after_a_failed_step_up() -> None:
    ladder = ModeLadder()
    bad, good = LinkSample(0.3, 0.1, 5.0, 0), LinkSample(0.0, 0.1, 5.0, 0)
    modes = [ladder.feed(bad) for _ in range(4)]
    assert modes == [None, LinkMode.LOW, None, LinkMode.AUDIO_ONLY]
    assert ladder.feed(LinkSample(0.3, 0.1, 5.0, 0)) is None  # 30% is not yet worth a callback
    ups = [ladder.feed(good) for _ in range(15)]
    assert ups[-1] == LinkMode.LOW and ups[:-1] == [None] * 14
    assert [ladder.feed(bad) for _ in range(2)] == [None, LinkMode.AUDIO_ONLY]  # the step up failed
    again = [ladder.feed(good) for _ in range(30)]
    assert again.index(LinkMode.LOW) == 29  # twice as long before trying again
    assert ladder.changes == 5
