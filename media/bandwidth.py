"""Low-bandwidth modes: measure the link from RTCP stats, step the sent video down and up with hysteresis.

Each side decides what it sends from what the other side reports receiving (remote-inbound-rtp:
fraction lost, round-trip time): FULL 640x480 at 30 fps -> LOW 320x240 at 15 fps -> AUDIO_ONLY
(no video; the other side shows the lawyer's photo) -> CALLBACK (audio is poor too: offer a callback).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import av
from aiortc import MediaStreamTrack
from aiortc.codecs.opus import OpusEncoder
from aiortc.codecs.vpx import Vp8Encoder
from aiortc.jitterbuffer import JitterBuffer, JitterFrame
from aiortc.rtp import RtpPacket
from aiortc.utils import uint16_add

from protocol.messages import LinkMode

LADDER = (LinkMode.FULL, LinkMode.LOW, LinkMode.AUDIO_ONLY, LinkMode.CALLBACK)
LOW_SIZE = (320, 240)
LOW_FPS = 15
LOW_BITRATE = 120_000  # VP8 target in LOW (aiortc's own floor is 250 kbit/s)
SPEECH_BITRATE = 32_000  # Opus for speech (aiortc sends 96 kbit/s: half a 256 kbit/s village link)

# Step down when a sample is this bad, for DOWN_AFTER samples in a row.
DOWN_LOSS = {LinkMode.FULL: 0.08, LinkMode.LOW: 0.15, LinkMode.AUDIO_ONLY: 0.45}
DOWN_RTT_S = 1.5  # queueing this long means the link is saturated
DOWN_AFTER = 2
# Step up after this many good samples in a row; doubled after each step up that had to be undone.
UP_LOSS = 0.03
UP_RTT_S = 0.8
UP_AFTER = 15
UP_AFTER_MAX = 120


def mode_rank(mode: LinkMode | str) -> int:
    """0 for FULL up to 3 for CALLBACK."""
    return LADDER.index(LinkMode(mode))


def worse(a: LinkMode | str, b: LinkMode | str) -> LinkMode:
    """The lower of two modes."""
    return LADDER[max(mode_rank(a), mode_rank(b))]


@dataclass(frozen=True)
class LinkSample:
    """One second of what the other side reports about our media (worst of audio and video)."""

    loss: float  # fraction of our packets lost on the way, 0..1
    rtt_s: float | None  # round-trip time, when known
    jitter_ms: float  # interarrival jitter the other side sees
    packets_lost: int  # cumulative


class LinkMeter:
    """Turns the cumulative receiver reports in getStats into one LinkSample per call of `sample`."""

    def __init__(self) -> None:
        self._last: dict[str, tuple[int, int]] = {}  # stats id -> (packets received, packets lost)

    def sample(self, report: Any) -> LinkSample | None:
        """Loss over the streams the other side reported on since the last call; None when none did."""
        received = lost = 0
        rtts, jitters = [], []
        for item in report.values():
            if item.type != "remote-inbound-rtp":
                continue
            before = self._last.get(item.id, (0, 0))
            now = (int(item.packetsReceived), int(item.packetsLost))
            self._last[item.id] = now
            new_received, new_lost = now[0] - before[0], max(0, now[1] - before[1])
            if new_received + new_lost <= 0:
                continue  # no new report on this stream (or it stopped: video paused)
            received += max(0, new_received)
            lost += new_lost
            jitters.append(float(item.jitter) / (48.0 if item.kind == "audio" else 90.0))
            if item.roundTripTime is not None:
                rtts.append(float(item.roundTripTime))
        if received + lost == 0:
            return None
        return LinkSample(lost / (received + lost), max(rtts) if rtts else None, max(jitters), lost)


def use_speech_bitrate(pc: Any) -> None:
    """Give a negotiated Opus sender a speech bitrate before its encoder is first opened."""
    for transceiver in pc.getTransceivers():
        codecs = getattr(transceiver, "_codecs", [])
        sender = transceiver.sender
        if transceiver.kind != "audio" or not codecs or codecs[0].mimeType.lower() != "audio/opus":
            continue
        if getattr(sender, "_RTCRtpSender__encoder", None) is None:
            encoder = OpusEncoder()
            encoder.codec.bit_rate = SPEECH_BITRATE
            sender._RTCRtpSender__encoder = encoder


async def restart_video_reception(receiver: Any, ssrc: int) -> None:
    """Drop a video receiver's half-filled frames and ask the sender for a keyframe (PLI).

    aiortc's jitter buffer waits for a lost packet until 128 packets later (seconds at low rates) and
    only then asks for a keyframe; after a mode change on a congested link that freezes the picture.
    """
    buffer = getattr(receiver, "_RTCRtpReceiver__jitter_buffer", None)
    if buffer is not None and hasattr(buffer, "_packets"):
        buffer._packets = [None] * buffer.capacity
        buffer._origin = None
    await receiver._send_rtcp_pli(ssrc)


class LossTolerantAudioBuffer(JitterBuffer):
    """An audio jitter buffer that plays around lost packets instead of waiting for them.

    aiortc's audio buffer holds every packet behind a lost one until 16 packets (320 ms) later, so at
    30% loss almost nothing is heard. Each Opus packet is a whole 20 ms frame: after a short reorder
    wait of `hold` packets, the oldest packet present is played and the holes before it skipped.
    """

    def __init__(self, hold: int = 2) -> None:
        super().__init__(capacity=16, prefetch=0)
        self._hold = hold
        self._next: int | None = None  # sequence number expected next
        self._waiting: dict[int, RtpPacket] = {}

    def add(self, packet: RtpPacket) -> tuple[bool, JitterFrame | None]:
        """Take one packet; returns (no picture-loss flag, the next frame to decode or None)."""
        seq = packet.sequence_number
        if self._next is not None and uint16_add(seq, -self._next) >= 0x8000:
            return False, None  # older than what was already played
        self._waiting[seq] = packet
        if self._next is None:
            self._next = seq
        if self._next in self._waiting or len(self._waiting) > self._hold:
            oldest = min(self._waiting, key=lambda s: uint16_add(s, -(self._next or 0)))
            played = self._waiting.pop(oldest)
            self._next = uint16_add(oldest, 1)
            return False, JitterFrame(data=played._data, timestamp=played.timestamp)  # type: ignore[attr-defined]
        return False, None


def tolerate_audio_loss(pc: Any) -> None:
    """Give the connection's audio receivers the loss-tolerant jitter buffer (before media arrives)."""
    for receiver in pc.getReceivers():
        if getattr(receiver, "_RTCRtpReceiver__kind", "") == "audio":
            receiver._RTCRtpReceiver__jitter_buffer = LossTolerantAudioBuffer()


class ModeLadder:
    """Decides the send mode from one LinkSample a second; steps one rung at a time, with hysteresis.

    Attributes:
        mode: the current LinkMode.
        changes: how many times the mode changed.
    """

    def __init__(self, start: LinkMode = LinkMode.FULL, floor: LinkMode = LinkMode.CALLBACK) -> None:
        self.mode = start
        self.changes = 0
        self._floor = floor
        self._bad = 0
        self._good = 0
        self._up_after = UP_AFTER
        self._stepped_up_at: int | None = None  # sample count of the last step up, until it held or failed
        self._samples = 0

    def feed(self, sample: LinkSample) -> LinkMode | None:
        """Take one sample; returns the new mode when it changed."""
        self._samples += 1
        down_loss = DOWN_LOSS.get(self.mode)
        saturated = sample.rtt_s is not None and sample.rtt_s > DOWN_RTT_S
        bad = down_loss is not None and (sample.loss > down_loss or saturated)
        good = sample.loss < UP_LOSS and (sample.rtt_s is None or sample.rtt_s < UP_RTT_S)
        self._bad = self._bad + 1 if bad else 0
        self._good = self._good + 1 if good else 0
        if self._bad >= DOWN_AFTER and mode_rank(self.mode) < mode_rank(self._floor):
            if self._stepped_up_at is not None and self._samples - self._stepped_up_at <= UP_AFTER:
                self._up_after = min(self._up_after * 2, UP_AFTER_MAX)  # the last step up did not hold
            self._stepped_up_at = None
            return self._move(LADDER[mode_rank(self.mode) + 1])
        if self._good >= self._up_after and self.mode != LinkMode.FULL:
            self._stepped_up_at = self._samples
            return self._move(LADDER[mode_rank(self.mode) - 1])
        return None

    def _move(self, mode: LinkMode) -> LinkMode:
        self.mode = mode
        self.changes += 1
        self._bad = self._good = 0
        return mode


class _CappedVp8Encoder(Vp8Encoder):
    """aiortc's VP8 encoder whose target bitrate (also as set by REMB) never exceeds a cap."""

    bitrate_cap: int | None = None

    @property
    def target_bitrate(self) -> int:
        """Target bitrate in bits per second."""
        return int(self._Vp8Encoder__target_bitrate)

    @target_bitrate.setter
    def target_bitrate(self, bitrate: int) -> None:
        bitrate = max(50_000, min(bitrate, 1_500_000))
        if self.bitrate_cap is not None:
            bitrate = min(bitrate, self.bitrate_cap)
        self._Vp8Encoder__target_bitrate = bitrate


def cap_encoder_bitrate(sender: Any, cap: int | None) -> bool:
    """Cap the VP8 encoder's bitrate of an RTCRtpSender (None lifts it); False if not reachable yet."""
    encoder = getattr(sender, "_RTCRtpSender__encoder", None)
    if not isinstance(encoder, Vp8Encoder):
        return False
    if type(encoder) is Vp8Encoder:
        encoder.__class__ = _CappedVp8Encoder
    assert isinstance(encoder, _CappedVp8Encoder)
    encoder.bitrate_cap = cap
    if cap is not None and encoder.target_bitrate > cap:
        encoder.target_bitrate = cap
    elif cap is None:
        encoder.target_bitrate = 500_000
    return True


class AdaptiveVideoTrack(MediaStreamTrack):
    """Sends a local video source in the current mode: scaled and thinned in LOW, paused without video.

    The source keeps being read in every mode, so the local preview stays live.
    """

    kind = "video"

    def __init__(self, source: MediaStreamTrack, preview: Any = None) -> None:
        super().__init__()
        self.source = source
        self.mode = LinkMode.FULL
        self._preview = preview  # called with each source frame, or None
        self._resume = asyncio.Event()
        self._resume.set()
        self._last_sent = 0.0

    def set_mode(self, mode: LinkMode) -> None:
        """Send in this mode from the next frame on."""
        self.mode = mode
        if mode in (LinkMode.FULL, LinkMode.LOW):
            self._resume.set()
        else:
            self._resume.clear()

    async def recv(self) -> Any:
        """The next frame to encode, in the current mode (waits while no video is sent)."""
        while True:
            frame = await self.source.recv()
            if self._preview is not None and isinstance(frame, av.VideoFrame):
                listener = self._preview()
                if listener is not None:
                    listener(frame)
            if not self._resume.is_set():
                continue  # keep reading the camera for the preview; send nothing
            if self.mode == LinkMode.LOW and isinstance(frame, av.VideoFrame):
                now = time.monotonic()
                if now - self._last_sent < 1.0 / LOW_FPS - 0.005:
                    continue
                self._last_sent = now
                scaled = frame.reformat(width=LOW_SIZE[0], height=LOW_SIZE[1], format="yuv420p")
                scaled.pts, scaled.time_base = frame.pts, frame.time_base
                return scaled
            return frame

    def stop(self) -> None:
        """Stop this track only (aiortc stops a sender's track when its connection closes).

        The camera is stopped by whoever owns it: the call keeps it across its connections.
        """
        super().stop()


class KeptTrack(MediaStreamTrack):
    """Passes a local track's frames on; stopping it leaves the source (the microphone) running."""

    def __init__(self, source: MediaStreamTrack) -> None:
        super().__init__()
        self.kind = source.kind
        self.source = source

    async def recv(self) -> Any:
        """The source's next frame."""
        return await self.source.recv()


class QualityLog:
    """One call's link figures across its connections, summarised into the CallStats sent at hang-up."""

    def __init__(self) -> None:
        self.mode_changes = 0
        self.redial_attempts = 0
        self.worst_mode = LinkMode.FULL
        self._recv_kbps: list[float] = []
        self._send_kbps: list[float] = []
        self._loss: list[float] = []
        self._jitter_ms: list[float] = []
        self._rtt_ms: list[float] = []
        self._resolutions: set[str] = set()

    def add(self, recv_kbps: float, send_kbps: float, sample: LinkSample | None) -> None:
        """One second of figures."""
        self._recv_kbps.append(recv_kbps)
        self._send_kbps.append(send_kbps)
        if sample is not None:
            self._loss.append(sample.loss)
            self._jitter_ms.append(sample.jitter_ms)
            if sample.rtt_s is not None:
                self._rtt_ms.append(sample.rtt_s * 1000)

    def saw_resolution(self, width: int, height: int) -> None:
        """A received frame's size."""
        self._resolutions.add(f"{width}x{height}")

    def mode_changed(self, mode: LinkMode) -> None:
        """The send mode changed."""
        self.mode_changes += 1
        self.worst_mode = worse(self.worst_mode, mode)

    def summary(self) -> dict[str, Any]:
        """Averages and worsts for the call record."""

        def avg(values: list[float]) -> float | None:
            return round(sum(values) / len(values), 3) if values else None

        return {
            "recv_kbps_avg": avg(self._recv_kbps),
            "send_kbps_avg": avg(self._send_kbps),
            "loss_avg": avg(self._loss),
            "loss_max": round(max(self._loss), 3) if self._loss else None,
            "jitter_ms_avg": avg(self._jitter_ms),
            "rtt_ms_avg": avg(self._rtt_ms),
            "resolutions": sorted(self._resolutions),
            "mode_changes": self.mode_changes,
            "worst_mode": self.worst_mode.value,
            "redial_attempts": self.redial_attempts,
        }
