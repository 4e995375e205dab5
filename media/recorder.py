"""Records a consented call on the desk: both pictures composited, both voices mixed, H.264 + AAC in Matroska.

The villager's picture fills a 640x480 frame and the lawyer's sits small in its corner; the two audio
directions are mixed into one mono track. Frames are handed over from the asyncio loop; a worker thread
encodes on a wall-clock tick (15 fps), so the file lasts as long as the recording did even when a side
sends nothing for a while (black picture, silence). The file is built in memory: its size is capped
(`max_bytes`), and nothing plain is written to disk (the desk's upload queue seals it).
"""

from __future__ import annotations

import io
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import av
import numpy as np

log = logging.getLogger(__name__)

WIDTH, HEIGHT, FPS = 640, 480, 15
INSET_W, INSET_H, INSET_MARGIN = 160, 120, 12  # the lawyer's picture in the bottom-right corner
SAMPLE_RATE = 48000
MAX_AUDIO_BACKLOG_S = 0.5  # audio of one side older than this, not yet mixed, is dropped
CONTAINER_FORMAT = "matroska"
CAP_HEADROOM = 32 * 1024  # stop this far below the cap: the container's own bytes and the last frames


class RecorderState(StrEnum):
    """Where a recorder is."""

    NEW = "new"
    RECORDING = "recording"
    FINISHED = "finished"


@dataclass(frozen=True)
class Recording:
    """A finished recording: the file's bytes (Matroska), its length, whether the size cap ended it."""

    data: bytes
    duration_s: float
    video_frames: int
    capped: bool


class _Side:
    """The latest picture and the unmixed audio of one direction (the villager's or the lawyer's)."""

    def __init__(self) -> None:
        self.picture: av.VideoFrame | None = None
        self.audio: deque[np.ndarray] = deque()
        self.buffered = 0
        self.resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)

    def take(self, count: int) -> np.ndarray:
        """`count` samples (int32), silence where none arrived; called under the recorder's lock."""
        out = np.zeros(count, dtype=np.int32)
        filled = 0
        while filled < count and self.audio:
            block = self.audio[0]
            used = min(count - filled, len(block))
            out[filled : filled + used] = block[:used]
            filled += used
            if used == len(block):
                self.audio.popleft()
            else:
                self.audio[0] = block[used:]
            self.buffered -= used
        while self.buffered > MAX_AUDIO_BACKLOG_S * SAMPLE_RATE and self.audio:
            self.buffered -= len(self.audio.popleft())
        return out


class CallRecorder:
    """Composites and encodes a call in a worker thread; feed it frames, then `finish()`.

    `video()` and `audio()` take the remote (villager's) and local (lawyer's) frames as they pass
    through the call; they only copy references and samples, the encoding happens in the thread.
    """

    def __init__(
        self,
        max_bytes: int,
        *,
        on_capped: Callable[[], object] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.state = RecorderState.NEW
        self.max_bytes = max_bytes
        self.on_capped = on_capped  # called from the worker thread when the size cap stopped it
        self._clock = clock
        self._lock = threading.Lock()
        self._sides = {True: _Side(), False: _Side()}  # remote (villager), local (lawyer)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._buffer = io.BytesIO()
        self._started_at = 0.0
        self._frames = 0
        self._muxed = 0  # bytes of encoded packets so far (the muxer writes whole clusters late)
        self._capped = False
        self._error: BaseException | None = None

    # ---- feeding (asyncio loop) ----------------------------------------------------------------

    def video(self, remote: bool, frame: av.VideoFrame) -> None:
        """The latest picture of one side."""
        if self.state is RecorderState.RECORDING:
            with self._lock:
                self._sides[remote].picture = frame

    def audio(self, remote: bool, frame: av.AudioFrame) -> None:
        """Audio of one side, mixed with the other's in the file."""
        if self.state is not RecorderState.RECORDING:
            return
        side = self._sides[remote]
        try:
            blocks = [f.to_ndarray().reshape(-1) for f in side.resampler.resample(frame)]
        except (ValueError, av.error.FFmpegError):  # a frame of an odd format: the recording goes on
            return
        with self._lock:
            for block in blocks:
                side.audio.append(block)
                side.buffered += len(block)

    # ---- control -------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the worker thread; the recording's clock starts now."""
        if self.state is not RecorderState.NEW:
            return
        self.state = RecorderState.RECORDING
        self._started_at = self._clock()
        self._thread = threading.Thread(target=self._run, name="call-recorder", daemon=True)
        self._thread.start()

    def finish(self) -> Recording:
        """Stop, flush the encoders and close the file (blocks for the last frame's encoding)."""
        if self.state is RecorderState.RECORDING:
            self._stop.set()
            assert self._thread is not None
            self._thread.join()
        self.state = RecorderState.FINISHED
        if self._error is not None:
            raise RuntimeError("the recording failed") from self._error
        return Recording(self._buffer.getvalue(), self._frames / FPS, self._frames, self._capped)

    @property
    def size(self) -> int:
        """Bytes written so far."""
        return self._muxed

    # ---- the worker thread ---------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._encode_until_stopped()
        except BaseException as exc:
            log.exception("call recording failed")
            self._error = exc

    def _encode_until_stopped(self) -> None:
        out = av.open(self._buffer, "w", format=CONTAINER_FORMAT)
        video = out.add_stream("libx264", rate=FPS)
        video.width, video.height, video.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        # Quality-based, capped so an hour stays under about 150 MB even for busy pictures; no
        # look-ahead, so the file's size follows what was recorded (the size cap holds).
        video.options = {
            "preset": "veryfast",
            "tune": "zerolatency",
            "crf": "28",
            "maxrate": "280k",
            "bufsize": "560k",
            "g": str(FPS * 2),
        }
        audio = out.add_stream("aac", rate=SAMPLE_RATE)
        audio.layout = "mono"
        audio.bit_rate = 48000  # speech
        samples_written = 0
        try:
            while True:
                due = self._started_at + self._frames / FPS
                stopping = self._stop.wait(max(0.0, due - self._clock()))
                if stopping and self._frames > 0:
                    break
                picture = av.VideoFrame.from_ndarray(self._composite(), format="rgb24")
                picture.pts = self._frames
                for packet in video.encode(picture):
                    self._mux(out, packet)
                self._frames += 1
                wanted = self._frames * SAMPLE_RATE // FPS - samples_written
                mixed = self._mix(wanted)
                sound = av.AudioFrame.from_ndarray(mixed.reshape(1, -1), format="s16", layout="mono")
                sound.sample_rate = SAMPLE_RATE
                sound.pts = samples_written
                samples_written += wanted
                for packet in audio.encode(sound):
                    self._mux(out, packet)
                if self._muxed >= self.max_bytes - CAP_HEADROOM:
                    self._capped = True
                    if self.on_capped is not None:
                        self.on_capped()
                    break
            for packet in video.encode(None):
                self._mux(out, packet)
            for packet in audio.encode(None):
                self._mux(out, packet)
        finally:
            out.close()

    def _mux(self, out: av.container.OutputContainer, packet: av.Packet) -> None:
        self._muxed += packet.size
        out.mux(packet)

    def _composite(self) -> np.ndarray:
        with self._lock:
            villager, lawyer = self._sides[True].picture, self._sides[False].picture
        canvas = np.zeros((HEIGHT, WIDTH, 3), dtype=np.uint8)
        if villager is not None:
            canvas[:] = villager.to_ndarray(width=WIDTH, height=HEIGHT, format="rgb24")
        if lawyer is not None:
            inset = lawyer.to_ndarray(width=INSET_W, height=INSET_H, format="rgb24")
            top, left = HEIGHT - INSET_H - INSET_MARGIN, WIDTH - INSET_W - INSET_MARGIN
            canvas[top - 2 : top + INSET_H + 2, left - 2 : left + INSET_W + 2] = 255  # a white frame
            canvas[top : top + INSET_H, left : left + INSET_W] = inset
        return canvas

    def _mix(self, count: int) -> np.ndarray:
        with self._lock:
            total = self._sides[True].take(count) + self._sides[False].take(count)
        return np.clip(total, -32768, 32767).astype(np.int16)
