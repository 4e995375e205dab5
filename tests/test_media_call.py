"""Two CallSessions in one process: video with stamps and a tone travel both ways over real aiortc."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import av
import pytest

from media.call import CallSession, MediaState, candidate_types
from media.errors import NoRelayCandidates
from media.synthetic import SyntheticAudioTrack, SyntheticVideoTrack, read_stamp
from tests.media_fixtures import Coturn, run_coturn, use_loopback_host_candidates

WAIT_S = 20.0  # generous ceiling for a loaded 2-core machine; the tests wait on events, not on time


@pytest.fixture
def loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    use_loopback_host_candidates(monkeypatch)


@pytest.fixture
def coturn(tmp_path: Path) -> Iterator[Coturn]:
    with run_coturn(tmp_path) as server:
        yield server


async def eventually(condition: Callable[[], bool]) -> None:
    """Wait until the condition holds (checked every 50 ms), failing after WAIT_S."""
    async with asyncio.timeout(WAIT_S):
        while not condition():  # noqa: ASYNC110 - the figures polled here have no event of their own
            await asyncio.sleep(0.05)


class FrameCollector:
    """Keeps the stamps of received frames and signals once enough arrived."""

    def __init__(self, wanted: int) -> None:
        self.seqs: list[int] = []
        self.unstamped = 0
        self.enough = asyncio.Event()
        self._wanted = wanted

    def __call__(self, frame: av.VideoFrame) -> None:
        stamp = read_stamp(frame)
        if stamp is None:
            self.unstamped += 1
        else:
            self.seqs.append(stamp.seq)
        if len(self.seqs) >= self._wanted:
            self.enough.set()


def make_session(ice_servers, *, freq: float, relay_only: bool = False, **kwargs) -> CallSession:
    return CallSession(
        ice_servers,
        video=SyntheticVideoTrack(320, 240, fps=15),
        audio=SyntheticAudioTrack(freq_hz=freq),
        relay_only=relay_only,
        **kwargs,
    )


async def connect(kiosk: CallSession, desk: CallSession) -> None:
    offer = await kiosk.create_offer()
    answer = await desk.answer(offer)
    await kiosk.accept_answer(answer)


Pair = tuple[CallSession, CallSession, FrameCollector, FrameCollector]


@pytest.fixture
async def pair(
    loopback: None,
) -> AsyncIterator[tuple[CallSession, CallSession, FrameCollector, FrameCollector]]:
    at_kiosk, at_desk = FrameCollector(20), FrameCollector(20)
    kiosk = make_session([], freq=440, on_remote_frame=at_kiosk)
    desk = make_session([], freq=660, on_remote_frame=at_desk)
    try:
        yield kiosk, desk, at_kiosk, at_desk
    finally:
        await kiosk.close()
        await desk.close()


async def test_video_frames_arrive_both_ways_carrying_the_sequence(pair) -> None:
    kiosk, desk, at_kiosk, at_desk = pair
    await connect(kiosk, desk)
    async with asyncio.timeout(WAIT_S):
        await at_kiosk.enough.wait()
        await at_desk.enough.wait()
    for seqs in (at_kiosk.seqs, at_desk.seqs):
        assert seqs == sorted(seqs), "frames arrive in order"
        assert len(set(seqs)) == len(seqs)
    assert kiosk.state == MediaState.FLOWING and desk.state == MediaState.FLOWING
    assert kiosk.first_frame_at is not None and desk.first_frame_at is not None
    stats = desk.stats()
    assert stats["stamps_ok"] >= 20


async def test_vp8_is_the_negotiated_video_codec(pair) -> None:
    kiosk, desk, _, _ = pair
    offer = await kiosk.create_offer()
    video_section = offer.split("m=video", 1)[1].split("m=", 1)[0]
    first_payload = video_section.splitlines()[0].split()[2]
    assert f"a=rtpmap:{first_payload} VP8/90000" in video_section
    assert "H264" not in video_section
    answer = await desk.answer(offer)
    assert "VP8/90000" in answer and "H264" not in answer


async def test_the_tone_arrives_at_its_frequency(pair) -> None:
    kiosk, desk, _, _ = pair
    await connect(kiosk, desk)
    await eventually(lambda: kiosk.stats()["audio_frames"] >= 50 and desk.stats()["audio_frames"] >= 50)
    at_kiosk, at_desk = kiosk.stats(), desk.stats()
    assert at_kiosk["audio_dominant_hz"] == pytest.approx(660, abs=10)
    assert at_desk["audio_dominant_hz"] == pytest.approx(440, abs=10)
    assert at_desk["audio_rms_dbfs"] > -20  # a 0.3-amplitude tone is about -13.5 dBFS


async def test_close_ends_both_states_and_releases_tracks(pair) -> None:
    kiosk, desk, at_kiosk, _ = pair
    states: list[MediaState] = []
    kiosk.on_state = states.append
    await connect(kiosk, desk)
    async with asyncio.timeout(WAIT_S):
        await at_kiosk.enough.wait()
    await kiosk.close()
    assert states[-1] == MediaState.CLOSED
    assert MediaState.FLOWING in states
    assert all(track.readyState == "ended" for track in kiosk._local_tracks)


async def test_relay_only_call_through_coturn_connects(coturn: Coturn) -> None:
    at_desk = FrameCollector(10)
    kiosk = make_session(coturn.ice_servers(), freq=440, relay_only=True)
    desk = make_session(coturn.ice_servers(), freq=660, relay_only=True, on_remote_frame=at_desk)
    try:
        offer = await kiosk.create_offer()
        assert set(candidate_types(offer)) == {"relay"}
        answer = await desk.answer(offer)
        assert set(candidate_types(answer)) == {"relay"}
        await kiosk.accept_answer(answer)
        async with asyncio.timeout(WAIT_S):
            await at_desk.enough.wait()
        assert kiosk.relay_problem is None
    finally:
        await kiosk.close()
        await desk.close()


async def test_wrong_turn_secret_is_reported_as_no_relay_candidates(coturn: Coturn) -> None:
    servers = coturn.ice_servers(secret="not-the-secret")
    relayed = make_session(servers, freq=440, relay_only=True)
    mixed = make_session(servers, freq=440)
    try:
        with pytest.raises(NoRelayCandidates) as raised:
            await relayed.create_offer()
        assert "中转服务器" in raised.value.user_message
        assert relayed.state == MediaState.FAILED
        offer = await mixed.create_offer()  # direct may still work, but the problem is on record
        assert "relay" not in candidate_types(offer)
        assert mixed.relay_problem is not None and mixed.stats()["relay_candidates"] == 0
    finally:
        await relayed.close()
        await mixed.close()
