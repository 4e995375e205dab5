"""The desk's call recorder on its own: the size cap ends it, and silence or no picture still make a file."""

from __future__ import annotations

import asyncio
import io
import threading

import av

from bench.bench_recording import _feed
from media.recorder import CallRecorder


async def test_the_size_cap_ends_the_recording_and_says_so() -> None:
    capped = threading.Event()
    recorder = CallRecorder(60_000, on_capped=capped.set)
    await _feed(4.0, recorder)
    recording = await asyncio.to_thread(recorder.finish)
    assert capped.is_set() and recording.capped
    assert len(recording.data) <= 60_000  # the file keeps to the cap
    with av.open(io.BytesIO(recording.data), "r") as container:
        assert sum(1 for _ in container.decode(video=0)) == recording.video_frames


async def test_a_call_with_no_picture_and_no_sound_still_records_its_length() -> None:
    recorder = CallRecorder(10_000_000)
    recorder.start()
    await asyncio.sleep(1.5)
    recording = await asyncio.to_thread(recorder.finish)
    assert not recording.capped
    with av.open(io.BytesIO(recording.data), "r") as container:
        frames = [f.to_ndarray(format="gray") for f in container.decode(video=0)]
    with av.open(io.BytesIO(recording.data), "r") as container:
        samples = sum(f.samples for f in container.decode(audio=0))
    assert abs(len(frames) / 15 - 1.5) < 0.5 and abs(samples / 48000 - 1.5) < 0.5
    assert max(int(f.max()) for f in frames) < 40  # black: nothing was shown to the recorder
