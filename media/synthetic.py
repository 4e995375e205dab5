"""Synthetic camera and microphone: a moving pattern stamped with (sequence, send time), and a tone."""

from __future__ import annotations

import asyncio
import fractions
import math
import struct
import time
import zlib
from dataclasses import dataclass

import av
import numpy as np
from aiortc import MediaStreamTrack
from aiortc.mediastreams import MediaStreamError

VIDEO_CLOCK_RATE = 90_000
VIDEO_TIME_BASE = fractions.Fraction(1, VIDEO_CLOCK_RATE)
AUDIO_RATE = 48_000
AUDIO_SAMPLES_PER_FRAME = 960  # 20 ms at 48 kHz
AUDIO_TIME_BASE = fractions.Fraction(1, AUDIO_RATE)

STAMP_BLOCK = 16  # pixels per side of one stamped bit; survives VP8 at any bitrate aiortc picks
_STAMP_BITS = 80  # 32-bit sequence, 32-bit send time in ms (mod 2**32), 16-bit checksum
_BLACK, _WHITE = 16, 235  # video-range luma
_MS_WRAP = 1 << 32


@dataclass(frozen=True)
class Stamp:
    """What a synthetic frame carries: its sequence number and the sender's time.monotonic() in ms."""

    seq: int
    sent_ms: int


def monotonic_ms() -> int:
    """time.monotonic() in whole milliseconds (system-wide on Linux, so it compares across processes)."""
    return int(time.monotonic() * 1000)


def _stamp_bits(seq: int, sent_ms: int) -> np.ndarray:
    """The 80 bits stamped into a frame, most significant first."""
    payload = struct.pack(">II", seq & 0xFFFFFFFF, sent_ms % _MS_WRAP)
    check = zlib.crc32(payload) & 0xFFFF
    raw = payload + struct.pack(">H", check)
    return np.unpackbits(np.frombuffer(raw, dtype=np.uint8))


def _stamp_rows(width: int) -> int:
    """How many 16-pixel rows of blocks the stamp needs at this frame width."""
    columns = width // STAMP_BLOCK
    return -(-_STAMP_BITS // columns)


def stamp_luma(luma: np.ndarray, seq: int, sent_ms: int) -> None:
    """Write the stamp as black/white 16x16 blocks into the top band of a luma plane, in place."""
    width = luma.shape[1]
    columns = width // STAMP_BLOCK
    band = np.full((_stamp_rows(width) * columns,), _BLACK, dtype=np.uint8)
    band[:_STAMP_BITS] = np.where(_stamp_bits(seq, sent_ms) == 1, _WHITE, _BLACK)
    grid = band.reshape(-1, columns)
    blocks = np.kron(grid, np.ones((STAMP_BLOCK, STAMP_BLOCK), dtype=np.uint8))
    luma[: blocks.shape[0], : blocks.shape[1]] = blocks


def read_stamp(frame: av.VideoFrame) -> Stamp | None:
    """Decode the stamp of a synthetic frame; None when the frame carries no valid stamp."""
    width, height = frame.width, frame.height
    if width < STAMP_BLOCK * 8 or height < _stamp_rows(width) * STAMP_BLOCK:
        return None
    if frame.format.name in ("yuv420p", "yuvj420p"):
        luma = frame.to_ndarray()[:height]
    else:
        luma = frame.to_ndarray(format="gray")
    columns = width // STAMP_BLOCK
    rows = _stamp_rows(width)
    band = luma[: rows * STAMP_BLOCK, : columns * STAMP_BLOCK].astype(np.float32)
    # Mean of each block's inner 8x8, where encoder ringing at the block edges does not reach.
    cells = band.reshape(rows, STAMP_BLOCK, columns, STAMP_BLOCK)[:, 4:12, :, 4:12].mean(axis=(1, 3))
    bits = (cells.reshape(-1)[:_STAMP_BITS] > (_BLACK + _WHITE) / 2).astype(np.uint8)
    raw = np.packbits(bits).tobytes()
    seq, sent_low = struct.unpack(">II", raw[:8])
    (check,) = struct.unpack(">H", raw[8:10])
    if zlib.crc32(raw[:8]) & 0xFFFF != check:
        return None
    # Only the low 32 bits of the send time travel; take the latest time at or before now that fits.
    now = monotonic_ms()
    sent_ms = now - ((now - sent_low) % _MS_WRAP)
    return Stamp(seq=seq, sent_ms=sent_ms)


class _Pacer:
    """Hands out timestamps at a fixed rate and sleeps until each one is due."""

    def __init__(self, clock_rate: int, step: int) -> None:
        self._clock_rate = clock_rate
        self._step = step
        self._start: float | None = None
        self.pts = 0

    async def next(self) -> int:
        """Wait until the next frame is due and return its pts."""
        if self._start is None:
            self._start = time.monotonic()
            return 0
        self.pts += self._step
        wait = self._start + self.pts / self._clock_rate - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        return self.pts


class SyntheticVideoTrack(MediaStreamTrack):
    """A moving colour pattern with each frame's sequence number and send time stamped into pixel blocks."""

    kind = "video"

    def __init__(self, width: int = 640, height: int = 480, fps: int = 30) -> None:
        super().__init__()
        if width % 16 or height % 2 or width < STAMP_BLOCK * 8:
            raise ValueError("width must be a multiple of 16 (at least 128) and height even")
        self.width, self.height, self.fps = width, height, fps
        self._pacer = _Pacer(VIDEO_CLOCK_RATE, round(VIDEO_CLOCK_RATE / fps))
        self._seq = 0
        # Diagonal stripes twice as wide as the frame; each frame shows a window shifted a little.
        x = np.arange(width * 2)[None, :]
        y = np.arange(height)[:, None]
        self._luma_strip = (60 + 120 * (((x + y) // 40) % 2)).astype(np.uint8)

    async def recv(self) -> av.VideoFrame:
        """Produce the next frame at the track's frame rate."""
        if self.readyState != "live":
            raise MediaStreamError
        pts = await self._pacer.next()
        seq = self._seq
        self._seq += 1
        w, h = self.width, self.height
        offset = (seq * 4) % w
        yuv = np.empty((h * 3 // 2, w), dtype=np.uint8)
        yuv[:h] = self._luma_strip[:, offset : offset + w]
        chroma_rows = h // 4  # U then V, each (h/2 x w/2) stored as h/4 rows of w
        hue = 2 * math.pi * (seq % 150) / 150
        yuv[h : h + chroma_rows] = int(128 + 60 * math.cos(hue))
        yuv[h + chroma_rows :] = int(128 + 60 * math.sin(hue))
        band_rows = _stamp_rows(w) * STAMP_BLOCK
        yuv[h : h + band_rows // 4] = 128  # neutral chroma under the stamp band
        yuv[h + chroma_rows : h + chroma_rows + band_rows // 4] = 128
        stamp_luma(yuv[:h], seq, monotonic_ms())
        frame = av.VideoFrame.from_ndarray(yuv, format="yuv420p")
        frame.pts = pts
        frame.time_base = VIDEO_TIME_BASE
        return frame


def tone_frame(freq_hz: float, first_sample: int, amplitude: float = 0.3) -> av.AudioFrame:
    """One 20 ms frame of a sine tone as 48 kHz s16 stereo with L = R."""
    n = np.arange(first_sample, first_sample + AUDIO_SAMPLES_PER_FRAME)
    mono = (amplitude * 32767 * np.sin(2 * np.pi * freq_hz * n / AUDIO_RATE)).astype(np.int16)
    return stereo_frame(mono, first_sample)


def stereo_frame(mono: np.ndarray, pts: int) -> av.AudioFrame:
    """Wrap mono int16 samples as a 48 kHz s16 stereo frame with L = R (Opus keeps the full level)."""
    interleaved = np.repeat(mono.astype(np.int16), 2).reshape(1, -1)
    frame = av.AudioFrame.from_ndarray(interleaved, format="s16", layout="stereo")
    frame.sample_rate = AUDIO_RATE
    frame.pts = pts
    frame.time_base = AUDIO_TIME_BASE
    return frame


class SyntheticAudioTrack(MediaStreamTrack):
    """A steady sine tone, 48 kHz, 20 ms frames, L = R stereo."""

    kind = "audio"

    def __init__(self, freq_hz: float = 440.0, amplitude: float = 0.3) -> None:
        super().__init__()
        self.freq_hz = freq_hz
        self.amplitude = amplitude
        self._pacer = _Pacer(AUDIO_RATE, AUDIO_SAMPLES_PER_FRAME)

    async def recv(self) -> av.AudioFrame:
        """Produce the next 20 ms of tone in real time."""
        if self.readyState != "live":
            raise MediaStreamError
        pts = await self._pacer.next()
        return tone_frame(self.freq_hz, pts, self.amplitude)
