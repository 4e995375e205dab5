"""KioskCaller and DeskAnswerer end to end through a small in-process signaling relay, real aiortc."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiortc import MediaStreamTrack

from media.answerer import RING_CANCELLED, DeskAnswerer
from media.caller import KioskCaller
from media.factories import synthetic_media
from media.flowbase import CALL_ENDED_BY_PEER, RECONNECTING, REDIAL_GAVE_UP
from media.flows import (
    CALLER_TRANSITIONS,
    DESK_TRANSITIONS,
    CallerFlow,
    CallerState,
    DeskFlow,
    DeskState,
)
from media.signaling import KIOSK_REFUSED, REFUSED, UNREACHABLE
from media.synthetic import SyntheticAudioTrack, SyntheticVideoTrack
from tests.media_fixtures import (
    Coturn,
    FakePool,
    Stamped,
    StateLog,
    free_port,
    run_coturn,
    use_loopback_host_candidates,
)

WAIT_S = 20.0


@pytest.fixture
def loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    use_loopback_host_candidates(monkeypatch)


@pytest.fixture
def coturn(tmp_path: Path) -> Iterator[Coturn]:
    with run_coturn(tmp_path) as server:
        yield server


async def make_pool(ice_servers: list[dict[str, Any]] | None = None) -> FakePool:
    pool = FakePool(ice_servers)
    await pool.start()
    return pool


@pytest.fixture
async def pool(loopback: None) -> AsyncIterator[FakePool]:
    server = await make_pool()
    yield server
    await server.stop()


def make_pair(url: str, relay_only: bool = False) -> tuple[KioskCaller, DeskAnswerer]:
    kiosk = KioskCaller(url, FakePool.KIOSK_TOKEN, synthetic_media(320, 240, 15, 440), relay_only=relay_only)
    desk = DeskAnswerer(url, synthetic_media(320, 240, 15, 660), relay_only=relay_only)
    return kiosk, desk


def fits_the_protocols(kiosk: KioskCaller, desk: DeskAnswerer) -> tuple[CallerFlow, DeskFlow]:
    """The view-models hold the flows through media/flows.py's protocols: mypy checks they fit."""
    return kiosk, desk


async def on_duty(desk: DeskAnswerer) -> None:
    await desk.login(FakePool.USERNAME, FakePool.PASSWORD)
    assert desk.state == DeskState.OFF_DUTY
    assert desk.display_name == "王律师"
    await desk.set_duty(True)
    assert desk.state == DeskState.AVAILABLE


async def connect_call(kiosk: KioskCaller, desk: DeskAnswerer, desk_log: StateLog) -> asyncio.Task[None]:
    """Tap on the kiosk, accept on the desk; returns the kiosk's call() task once both are IN_CALL."""
    calling = asyncio.ensure_future(kiosk.call("labour_wages"))
    ring = await desk_log.reach(DeskState.RINGING)
    assert ring.peer_detail == "杨柳村" and ring.topic == "labour_wages"
    await desk.accept()
    async with asyncio.timeout(WAIT_S):
        await calling
    await desk_log.reach(DeskState.IN_CALL)
    return calling


async def test_a_call_connects_shows_stamped_video_both_ways_and_hangup_ends_both(pool: FakePool) -> None:
    kiosk, desk = make_pair(pool.url)
    kiosk_log = StateLog(kiosk, CALLER_TRANSITIONS)
    desk_log = StateLog(desk, DESK_TRANSITIONS)
    at_kiosk, at_desk, previews = Stamped(), Stamped(), Stamped()
    kiosk.set_video_listeners(at_kiosk, previews)
    desk.set_video_listeners(at_desk, None)
    try:
        await on_duty(desk)
        await connect_call(kiosk, desk, desk_log)
        assert kiosk.state == CallerState.IN_CALL
        assert kiosk.info.peer_name == "王律师" and kiosk.info.peer_detail == "阳光律师事务所"
        async with asyncio.timeout(WAIT_S):
            await at_kiosk.enough.wait()
            await at_desk.enough.wait()
            await previews.enough.wait()
        assert kiosk.media_stats()["stamps_ok"] >= 10 and desk.media_stats()["stamps_ok"] >= 10

        await kiosk.hangup()
        assert kiosk.state == CallerState.ENDED
        info = await desk_log.reach(DeskState.AVAILABLE)
        assert info.message == CALL_ENDED_BY_PEER
        assert pool.hangups == [("kiosk", "completed")]
        async with asyncio.timeout(WAIT_S):
            while "lawyer" not in pool.stats:  # noqa: ASYNC110 - the desk reports after the hangup reaches it
                await asyncio.sleep(0.05)
        assert pool.stats["kiosk"]["frames_received"] >= 10
        assert {"tap", "queued", "accepted", "first_frame", "ended"} <= set(kiosk.info.timings)
        assert {"ring", "accepted", "first_frame", "ended"} <= set(desk.info.timings)
        assert kiosk.info.timings["tap"] <= kiosk.info.timings["queued"] <= kiosk.info.timings["first_frame"]
        assert kiosk_log.states == [
            CallerState.IDLE,
            CallerState.REQUESTING,
            CallerState.WAITING,
            CallerState.CONNECTING,
            CallerState.IN_CALL,
            CallerState.ENDED,
        ]
        assert kiosk_log.illegal == [] and desk_log.illegal == []
    finally:
        await kiosk.close()
        await desk.close()
    assert desk.state == DeskState.LOGGED_OUT


async def test_the_lawyer_hanging_up_ends_the_kiosk_call(pool: FakePool) -> None:
    kiosk, desk = make_pair(pool.url)
    kiosk_log, desk_log = StateLog(kiosk, CALLER_TRANSITIONS), StateLog(desk, DESK_TRANSITIONS)
    try:
        await on_duty(desk)
        await connect_call(kiosk, desk, desk_log)
        await desk.hangup()
        assert desk.state == DeskState.AVAILABLE
        info = await kiosk_log.reach(CallerState.ENDED)
        assert info.message == CALL_ENDED_BY_PEER
        assert kiosk.media_stats()["frames_received"] > 0  # the ended call's figures stay readable
        await kiosk.cancel()  # 返回 to the home screen
        assert kiosk.state == CallerState.IDLE
    finally:
        await kiosk.close()
        await desk.close()


async def test_nobody_on_duty_shows_the_hotline(pool: FakePool) -> None:
    kiosk, _ = make_pair(pool.url)
    try:
        async with asyncio.timeout(WAIT_S):
            await kiosk.call()
        assert kiosk.state == CallerState.NO_LAWYER
        assert "12348" in kiosk.info.message and kiosk.info.hotline == "12348"
    finally:
        await kiosk.close()


async def test_a_declined_call_tells_the_villager_nobody_could_answer(pool: FakePool) -> None:
    kiosk, _ = make_pair(pool.url)
    desk_cameras: list[MediaStreamTrack] = []

    async def desk_camera(lost: Any) -> MediaStreamTrack:
        desk_cameras.append(SyntheticVideoTrack(320, 240, 15))
        return desk_cameras[-1]

    desk_media = synthetic_media(320, 240, 15)
    desk_media.video = desk_camera
    desk = DeskAnswerer(pool.url, desk_media)
    desk_log = StateLog(desk, DESK_TRANSITIONS)
    try:
        await on_duty(desk)
        calling = asyncio.ensure_future(kiosk.call())
        await desk_log.reach(DeskState.RINGING)
        assert len(desk_cameras) == 1  # the desk opens its camera while it rings, to answer faster
        await desk.decline()
        assert desk_cameras[0].readyState == "ended"  # and closes it again when declining
        async with asyncio.timeout(WAIT_S):
            await calling
        assert kiosk.state == CallerState.NO_LAWYER
        assert desk.state == DeskState.AVAILABLE
    finally:
        await kiosk.close()
        await desk.close()


async def test_cancelling_while_waiting_withdraws_the_ring(pool: FakePool) -> None:
    kiosk, desk = make_pair(pool.url)
    kiosk_log, desk_log = StateLog(kiosk, CALLER_TRANSITIONS), StateLog(desk, DESK_TRANSITIONS)
    try:
        await on_duty(desk)
        calling = asyncio.ensure_future(kiosk.call())
        waiting = await kiosk_log.reach(CallerState.WAITING)
        assert waiting.position == 1 and waiting.call_id
        await desk_log.reach(DeskState.RINGING)
        await kiosk.call()  # a second tap while waiting returns at once and asks nothing more
        assert [type(m).__name__ for m in pool.received].count("CallRequest") == 1
        await kiosk.cancel()
        async with asyncio.timeout(WAIT_S):
            await calling
        assert kiosk.state == CallerState.IDLE
        info = await desk_log.reach(DeskState.AVAILABLE)
        assert info.message == RING_CANCELLED
        assert kiosk.media_stats() == {} or kiosk.media_stats()["media_state"] == "closed"
    finally:
        await kiosk.close()
        await desk.close()


async def test_wrong_password_wrong_token_and_no_server_fail_with_plain_messages(pool: FakePool) -> None:
    desk = DeskAnswerer(pool.url, synthetic_media(320, 240, 15))
    await desk.login(FakePool.USERNAME, "wrong")
    assert desk.state == DeskState.FAILED and desk.info.message == REFUSED
    stranger = KioskCaller(pool.url, "stolen-token", synthetic_media(320, 240, 15))
    await stranger.call()
    assert stranger.state == CallerState.FAILED and stranger.info.message == KIOSK_REFUSED
    nowhere = KioskCaller(f"http://127.0.0.1:{free_port()}", "t", synthetic_media(320, 240, 15))
    await nowhere.call()
    assert nowhere.state == CallerState.FAILED and nowhere.info.message == UNREACHABLE
    for flow in (desk, stranger, nowhere):
        await flow.close()


async def test_a_call_forced_through_coturn_connects(coturn: Coturn) -> None:
    pool = await make_pool(coturn.ice_servers())
    kiosk, desk = make_pair(pool.url, relay_only=True)
    desk_log = StateLog(desk, DESK_TRANSITIONS)
    at_desk = Stamped()
    desk.set_video_listeners(at_desk, None)
    try:
        await on_duty(desk)
        await connect_call(kiosk, desk, desk_log)
        async with asyncio.timeout(WAIT_S):
            await at_desk.enough.wait()
        assert kiosk.media_stats()["relay_candidates"] >= 1
    finally:
        await kiosk.close()
        await desk.close()
        await pool.stop()


async def test_a_wrong_turn_secret_fails_the_relay_only_call_with_a_clear_message(coturn: Coturn) -> None:
    pool = await make_pool(coturn.ice_servers(secret="wrong"))
    kiosk, desk = make_pair(pool.url, relay_only=True)
    desk_log = StateLog(desk, DESK_TRANSITIONS)
    try:
        await on_duty(desk)
        async with asyncio.timeout(WAIT_S):
            await kiosk.call()
        assert kiosk.state == CallerState.FAILED
        assert "中转服务器" in kiosk.info.message
        await desk_log.reach(DeskState.AVAILABLE)  # the ring was withdrawn
        assert desk_log.states[-2:] == [DeskState.RINGING, DeskState.AVAILABLE]
    finally:
        await kiosk.close()
        await desk.close()
        await pool.stop()


async def test_media_that_stops_mid_call_is_noticed_and_the_call_ended_on_both_sides(pool: FakePool) -> None:
    """A dead media path: both sides show 重新连接, the kiosk redials, then gives up when nothing returns."""
    desk_tracks: list[MediaStreamTrack] = []
    desk_media = synthetic_media(320, 240, 15, 660)

    async def desk_camera(lost: Any) -> MediaStreamTrack:
        desk_tracks.append(SyntheticVideoTrack(320, 240, 15))
        return desk_tracks[-1]

    async def desk_mic(lost: Any) -> MediaStreamTrack:
        desk_tracks.append(SyntheticAudioTrack(660))
        return desk_tracks[-1]

    desk_media.video, desk_media.audio = desk_camera, desk_mic
    kiosk = KioskCaller(
        pool.url,
        FakePool.KIOSK_TOKEN,
        synthetic_media(320, 240, 15),
        stall_after_s=0.5,
        stall_give_up_s=1.5,
        redial_attempt_s=0.5,
    )
    desk = DeskAnswerer(pool.url, desk_media)
    kiosk_log, desk_log = StateLog(kiosk, CALLER_TRANSITIONS), StateLog(desk, DESK_TRANSITIONS)
    try:
        await on_duty(desk)
        await connect_call(kiosk, desk, desk_log)
        for track in desk_tracks:
            track.stop()  # nothing from the desk reaches the kiosk any more
        info = await kiosk_log.reach(CallerState.FAILED)
        assert info.message == REDIAL_GAVE_UP
        assert info.callback_offered
        assert CallerState.RECONNECTING in kiosk_log.states
        assert RECONNECTING in [i.message for i in kiosk_log.infos]
        assert kiosk_log.illegal == []
        assert (await desk_log.reach(DeskState.AVAILABLE)).message == CALL_ENDED_BY_PEER
        assert pool.hangups == [("kiosk", "disconnected")]
    finally:
        await kiosk.close()
        await desk.close()
