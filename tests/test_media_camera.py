"""The camera track: auto falls back to the synthetic picture, and losing the camera mid-call is survived."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np
import pytest
from aiortc import MediaStreamTrack

from config.settings import CameraSettings, MediaSource
from media.answerer import DeskAnswerer
from media.audio import AudioSink, MeasuringAudioSink
from media.caller import KioskCaller
from media.camera import CAMERA_LOST, CAMERA_MISSING, CameraTrack, open_camera
from media.errors import MediaDeviceError
from media.factories import MediaFactories, synthetic_media
from media.flows import CALLER_TRANSITIONS, CallerState, DeskState
from media.synthetic import SyntheticAudioTrack, SyntheticVideoTrack
from tests.media_fixtures import FakePool, StateLog, use_loopback_host_candidates

WAIT_S = 20.0
SMALL = CameraSettings(source=MediaSource.DEVICE, width=320, height=240, fps=15)


def write_clip(path: Path, frames: int) -> Path:
    """A short MJPEG clip: OpenCV reads it like a camera that gets unplugged when the clip ends."""
    import cv2

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 15, (320, 240))
    assert writer.isOpened()
    for i in range(frames):
        image = np.full((240, 320, 3), (40, 120, 200), dtype=np.uint8)
        image[:, : 8 + i * 4] = 250  # a white bar growing from the left edge
        writer.write(image)
    writer.release()
    return path


@pytest.mark.skipif(os.path.exists("/dev/video0"), reason="this machine has a camera")
async def test_auto_without_a_camera_uses_the_synthetic_picture() -> None:
    track = await open_camera(CameraSettings(source=MediaSource.AUTO, width=320, height=240))
    try:
        assert isinstance(track, SyntheticVideoTrack)
        frame = await track.recv()
        assert (frame.width, frame.height) == (320, 240)
    finally:
        track.stop()


async def test_device_mode_without_a_camera_says_so_plainly(tmp_path: Path) -> None:
    with pytest.raises(MediaDeviceError) as raised:
        await open_camera(SMALL, source=str(tmp_path / "no-such-camera"))
    assert raised.value.user_message == CAMERA_MISSING


async def test_a_camera_that_goes_away_fires_device_lost_and_keeps_sending_a_placeholder(
    tmp_path: Path,
) -> None:
    clip = write_clip(tmp_path / "clip.avi", frames=10)
    lost = asyncio.Queue[str]()
    track = await open_camera(SMALL, lost.put_nowait, source=str(clip))
    assert isinstance(track, CameraTrack)
    try:
        first = await track.recv()
        pixels = first.to_ndarray(format="bgr24")
        assert np.allclose(pixels[120, 300], [40, 120, 200], atol=12)  # the clip's picture, not a placeholder
        assert np.allclose(pixels[120, 2], [250, 250, 250], atol=12)
        async with asyncio.timeout(WAIT_S):
            assert await lost.get() == CAMERA_LOST
        placeholder = await track.recv()
        assert (placeholder.width, placeholder.height) == (320, 240)
        assert track.device_lost and track.readyState == "live"
    finally:
        track.stop()


@pytest.fixture
async def pool(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakePool]:
    use_loopback_host_candidates(monkeypatch)
    server = FakePool()
    await server.start()
    yield server
    await server.stop()


async def test_losing_the_camera_mid_call_shows_a_message_and_the_call_goes_on(
    pool: FakePool, tmp_path: Path
) -> None:
    clip = write_clip(tmp_path / "clip.avi", frames=30)
    lost = asyncio.Event()

    async def camera(on_lost) -> MediaStreamTrack:
        def both(message: str) -> None:
            on_lost(message)
            lost.set()

        return await open_camera(SMALL, both, source=str(clip))

    async def mic(on_lost) -> MediaStreamTrack:
        return SyntheticAudioTrack()

    async def sink(on_lost) -> AudioSink:
        return MeasuringAudioSink()

    kiosk = KioskCaller(pool.url, FakePool.KIOSK_TOKEN, MediaFactories(camera, mic, sink))
    desk = DeskAnswerer(pool.url, synthetic_media(320, 240, 15))
    desk_log = StateLog(desk, {s: frozenset(DeskState) for s in DeskState})
    kiosk_log = StateLog(kiosk, CALLER_TRANSITIONS)
    try:
        await desk.login(FakePool.USERNAME, FakePool.PASSWORD)
        await desk.set_duty(True)
        calling = asyncio.ensure_future(kiosk.call())
        await desk_log.reach(DeskState.RINGING)
        await desk.accept()
        await desk_log.reach(DeskState.IN_CALL)
        async with asyncio.timeout(WAIT_S):
            await calling
            await lost.wait()
            seen = desk.media_stats()["frames_received"]
            while desk.media_stats()["frames_received"] < seen + 10:  # noqa: ASYNC110 - counter, no event
                await asyncio.sleep(0.05)
        assert kiosk.state == CallerState.IN_CALL
        assert kiosk.info.message == CAMERA_LOST
        assert kiosk_log.illegal == []
    finally:
        await kiosk.close()
        await desk.close()
