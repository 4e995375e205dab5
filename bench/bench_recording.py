"""Cost of recording a call on the desk: CPU of the recorder (composite + H.264 + AAC) and bytes per second.

Feeds a 640x480 villager picture and a 320x240 lawyer picture at 30 fps and both voices (20 ms tone
frames) into media.recorder.CallRecorder for a few seconds, once without and once with the recorder,
and prints one JSON line: recorder CPU as % of one core, file size, bytes per second, frames, duration.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import av  # noqa: E402

from media.recorder import CallRecorder  # noqa: E402
from media.synthetic import SyntheticAudioTrack, SyntheticVideoTrack  # noqa: E402


async def _feed(seconds: float, recorder: CallRecorder | None) -> float:
    """Pull the synthetic tracks for `seconds` (into the recorder if any); the process CPU it took."""
    villager, lawyer = SyntheticVideoTrack(640, 480, 30), SyntheticVideoTrack(320, 240, 30)
    voices = SyntheticAudioTrack(440.0), SyntheticAudioTrack(660.0)
    deadline = time.monotonic() + seconds
    cpu = time.process_time()

    async def pull(track: object, remote: bool, video: bool) -> None:
        while time.monotonic() < deadline:
            frame = await track.recv()  # type: ignore[attr-defined]
            if recorder is not None:
                (recorder.video if video else recorder.audio)(remote, frame)

    if recorder is not None:
        recorder.start()
    await asyncio.gather(
        pull(villager, True, True),
        pull(lawyer, False, True),
        pull(voices[0], True, False),
        pull(voices[1], False, False),
    )
    return time.process_time() - cpu


def main() -> None:
    """Measure and print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    baseline = asyncio.run(_feed(args.seconds, None))
    recorder = CallRecorder(200 * 1024 * 1024)
    with_recorder = asyncio.run(_feed(args.seconds, recorder))
    cpu_before_finish = time.process_time()
    recording = recorder.finish()
    finish_cpu = time.process_time() - cpu_before_finish
    with av.open(io.BytesIO(recording.data)) as container:
        streams = sorted(f"{s.type}:{s.codec_context.name}" for s in container.streams)
    result = {
        "seconds": args.seconds,
        "recorder_cpu_pct_of_core": round(100 * (with_recorder + finish_cpu - baseline) / args.seconds, 1),
        "bytes": len(recording.data),
        "kbit_per_s": round(len(recording.data) * 8 / 1000 / recording.duration_s, 1),
        "mb_per_hour": round(len(recording.data) / recording.duration_s * 3600 / 1e6, 1),
        "video_frames": recording.video_frames,
        "duration_s": round(recording.duration_s, 2),
        "streams": streams,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
