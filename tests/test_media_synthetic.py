"""The synthetic sources: stamps read back exactly, damaged or foreign pictures are refused, tone is L = R."""

from __future__ import annotations

import av
import numpy as np
import pytest

from media.synthetic import SyntheticAudioTrack, SyntheticVideoTrack, monotonic_ms, read_stamp


@pytest.mark.parametrize(("width", "height"), [(640, 480), (320, 240)])
async def test_each_frame_carries_its_sequence_and_send_time(width: int, height: int) -> None:
    track = SyntheticVideoTrack(width, height, fps=1000)
    before = monotonic_ms()
    frames = [await track.recv() for _ in range(3)]
    track.stop()
    stamps = [read_stamp(frame) for frame in frames]
    assert [s.seq for s in stamps if s is not None] == [0, 1, 2]
    assert all(s is not None and before <= s.sent_ms <= monotonic_ms() for s in stamps)
    assert (frames[0].width, frames[0].height) == (width, height)
    # The pattern moves, so an encoder has real motion to code.
    assert not np.array_equal(frames[0].to_ndarray()[200:], frames[1].to_ndarray()[200:])


async def test_a_damaged_stamp_or_a_camera_picture_gives_no_stamp() -> None:
    track = SyntheticVideoTrack(320, 240)
    frame = await track.recv()
    track.stop()
    yuv = frame.to_ndarray()
    yuv[:16, 16:32] = 255 - yuv[:16, 16:32]  # flip one bit's block
    damaged = av.VideoFrame.from_ndarray(yuv, format="yuv420p")
    assert read_stamp(damaged) is None
    noise = np.random.default_rng(1).integers(0, 256, (360, 320), dtype=np.uint8)
    assert read_stamp(av.VideoFrame.from_ndarray(noise, format="yuv420p")) is None
    grey = np.full((240, 320, 3), 128, dtype=np.uint8)
    assert read_stamp(av.VideoFrame.from_ndarray(grey, format="rgb24")) is None


async def test_the_tone_is_20_ms_of_48_khz_stereo_with_equal_channels() -> None:
    track = SyntheticAudioTrack(freq_hz=440)
    first, second = await track.recv(), await track.recv()
    track.stop()
    samples = first.to_ndarray().reshape(-1, 2)
    assert (first.sample_rate, first.samples, first.layout.name) == (48000, 960, "stereo")
    assert np.array_equal(samples[:, 0], samples[:, 1])
    assert second.pts == 960
    assert np.abs(samples).max() > 8000
