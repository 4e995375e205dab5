"""Microphone and speaker through sounddevice, and a measuring sink for tests and benches."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

import av
import numpy as np
from aiortc import MediaStreamTrack
from aiortc.mediastreams import MediaStreamError

from config.settings import AudioSettings, MediaSource
from media.echo import VoiceProcessor, VoiceSettings
from media.errors import MediaDeviceError
from media.synthetic import AUDIO_RATE, AUDIO_SAMPLES_PER_FRAME, SyntheticAudioTrack, stereo_frame

log = logging.getLogger(__name__)

DeviceLostCallback = Callable[[str], None]

MIC_MISSING = "没有找到麦克风，请检查麦克风是否插好。"
MIC_LOST = "麦克风断开了，对方暂时听不到您。请检查麦克风的线。"
SPEAKER_MISSING = "没有找到喇叭或耳机，请检查声音设备。"
SPEAKER_LOST = "喇叭断开了，您暂时听不到对方。请检查声音设备。"

_MIC_QUEUE_FRAMES = 5  # 100 ms; older blocks are dropped so the mic never lags behind
_PREFILL_MS = 40
_RING_MAX_MS = 200  # more than this waiting to be played means we are late: drop the oldest
_METER_SAMPLES = 8192  # about 170 ms of mono history for level and frequency


def _device(name: str) -> int | str | None:
    """A sounddevice device from a setting: empty = default, digits = index, else a name."""
    if not name:
        return None
    return int(name) if name.isdigit() else name


def _sounddevice(user_message: str) -> Any:
    """Import sounddevice late: PortAudio reads the sound server's address when it is first loaded."""
    try:
        import sounddevice
    except OSError as exc:  # libportaudio missing
        raise MediaDeviceError(user_message, f"PortAudio unavailable: {exc}") from None
    return sounddevice


class AudioMeter:
    """Level and dominant frequency of the most recent audio."""

    def __init__(self) -> None:
        self._history = np.zeros(_METER_SAMPLES, dtype=np.float32)
        self.frames = 0

    def feed(self, mono: np.ndarray) -> None:
        """Add int16 (or float) mono samples."""
        samples = mono.astype(np.float32)[-_METER_SAMPLES:]
        self._history = np.roll(self._history, -len(samples))
        self._history[-len(samples) :] = samples
        self.frames += 1

    def rms_dbfs(self) -> float:
        """Level of the last 20 ms in dB relative to full scale (-120 for silence)."""
        recent = self._history[-AUDIO_SAMPLES_PER_FRAME:]
        rms = float(np.sqrt(np.mean(recent**2))) / 32768.0
        return round(float(20 * np.log10(rms)), 1) if rms > 1e-6 else -120.0

    def dominant_hz(self) -> float:
        """The strongest frequency in the history (0 when silent)."""
        if not np.any(self._history):
            return 0.0
        window = self._history * np.hanning(len(self._history))
        spectrum = np.abs(np.fft.rfft(window))
        spectrum[0] = 0.0
        peak = int(np.argmax(spectrum))
        return round(peak * AUDIO_RATE / len(self._history), 1)


class AudioSink(Protocol):
    """Where the remote audio goes: the speaker, or a meter."""

    def start(self, track: MediaStreamTrack) -> None:
        """Begin pulling frames from the remote audio track."""

    async def stop(self) -> None:
        """Stop pulling and release any device."""

    def stats(self) -> dict[str, Any]:
        """Figures about the audio received: frames, level, frequency, underruns."""

    def max_gap_ms(self, since: float = 0.0) -> float:
        """The longest stretch of remote audio missing since a time.monotonic()."""


class _TrackConsumer:
    """Pulls a remote audio track on the loop and hands 48 kHz s16 stereo samples to `_consume`."""

    def __init__(self) -> None:
        self.meter = AudioMeter()
        self._task: asyncio.Task[None] | None = None
        self._resampler: av.AudioResampler | None = None
        self._next_pts: float | None = None  # seconds of remote audio the next frame should start at
        self.gaps: list[tuple[float, float]] = []  # (time.monotonic(), missing ms) for gaps over 60 ms

    def start(self, track: MediaStreamTrack) -> None:
        """Begin pulling frames from the remote audio track (a call's next connection replaces the last)."""
        if self._task is not None:
            self._task.cancel()
        self._next_pts = None
        self._task = asyncio.ensure_future(self._run(track))

    def _note_gap(self, frame: av.AudioFrame) -> None:
        """Audio missing between frames (lost packets), measured on the sender's timestamps."""
        if frame.pts is None or frame.time_base is None:
            return
        start = float(frame.pts * frame.time_base)
        if self._next_pts is not None and start - self._next_pts > 0.06:
            self.gaps.append((time.monotonic(), (start - self._next_pts) * 1000))
            del self.gaps[:-500]
        self._next_pts = start + frame.samples / frame.sample_rate

    def max_gap_ms(self, since: float = 0.0) -> float:
        """The longest stretch of remote audio missing since a time.monotonic()."""
        return max((ms for at, ms in self.gaps if at >= since), default=0.0)

    async def _run(self, track: MediaStreamTrack) -> None:
        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            assert isinstance(frame, av.AudioFrame)
            self._note_gap(frame)
            for stereo in self._to_stereo(frame):
                self.meter.feed(stereo[0::2])
                self._consume(stereo)

    def _to_stereo(self, frame: av.AudioFrame) -> list[np.ndarray]:
        if frame.format.name == "s16" and frame.layout.name == "stereo" and frame.sample_rate == AUDIO_RATE:
            return [frame.to_ndarray().reshape(-1)]
        if self._resampler is None:
            self._resampler = av.AudioResampler(format="s16", layout="stereo", rate=AUDIO_RATE)
        return [out.to_ndarray().reshape(-1) for out in self._resampler.resample(frame)]

    def _consume(self, stereo: np.ndarray) -> None:
        """Take interleaved int16 stereo samples."""

    async def stop(self) -> None:
        """Stop pulling frames."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def stats(self) -> dict[str, Any]:
        """Frames received, level and dominant frequency."""
        return {
            "audio_frames": self.meter.frames,
            "audio_rms_dbfs": self.meter.rms_dbfs(),
            "audio_dominant_hz": self.meter.dominant_hz(),
            "audio_max_gap_ms": round(self.max_gap_ms(), 1),
        }


class MeasuringAudioSink(_TrackConsumer):
    """Consumes remote audio without playing it and measures it (tests, benches, no speaker)."""


class SpeakerPlayer(_TrackConsumer):
    """Plays remote audio: an OutputStream pulls from a locked buffer with 40 ms prefill.

    On underrun it plays silence and waits for the prefill again. Attributes: underruns.
    """

    def __init__(
        self,
        device: int | str | None = None,
        on_device_lost: DeviceLostCallback | None = None,
        voice: VoiceProcessor | None = None,
    ) -> None:
        super().__init__()
        sd = _sounddevice(SPEAKER_MISSING)
        self._voice = voice  # told what is played, so it can take the echo out of the microphone
        self.underruns = 0
        self._on_device_lost = on_device_lost
        self._event_loop = asyncio.get_running_loop()
        self._lock = threading.Lock()
        self._buffer = bytearray()
        self._buffering = True
        self._closing = False
        self._prefill_bytes = AUDIO_RATE * _PREFILL_MS // 1000 * 2 * 2
        self._max_bytes = AUDIO_RATE * _RING_MAX_MS // 1000 * 2 * 2
        try:
            self._stream = sd.OutputStream(
                samplerate=AUDIO_RATE,
                channels=2,
                dtype="int16",
                device=device,
                callback=self._callback,
                finished_callback=self._finished,
            )
            self._stream.start()
        except sd.PortAudioError as exc:
            raise MediaDeviceError(SPEAKER_MISSING, f"OutputStream: {exc}") from None

    def _consume(self, stereo: np.ndarray) -> None:
        if self._voice is not None:
            self._voice.played(stereo[0::2])
        data = stereo.astype(np.int16).tobytes()
        with self._lock:
            self._buffer += data
            excess = len(self._buffer) - self._max_bytes
            if excess > 0:
                del self._buffer[: excess + (-excess % 4)]

    def _callback(self, outdata: Any, frames: int, time_info: Any, status: Any) -> None:
        """PortAudio's thread: copy what is buffered, silence for the rest."""
        wanted = frames * 4
        with self._lock:
            if self._buffering and len(self._buffer) < self._prefill_bytes:
                chunk = b""
            else:
                self._buffering = False
                chunk = bytes(self._buffer[:wanted])
                del self._buffer[:wanted]
                if len(chunk) < wanted:
                    self.underruns += 1
                    self._buffering = True
        out = outdata.reshape(-1).view(np.uint8)
        out[: len(chunk)] = np.frombuffer(chunk, dtype=np.uint8)
        out[len(chunk) :] = 0

    def _finished(self) -> None:
        """PortAudio's thread: the stream ended, by stop() or because the device/server went away."""
        if not self._closing:
            with contextlib.suppress(RuntimeError):  # loop already closed
                self._event_loop.call_soon_threadsafe(self._lost)

    def _lost(self) -> None:
        log.warning("speaker stream ended unexpectedly")
        if self._on_device_lost is not None and not self._closing:
            self._on_device_lost(SPEAKER_LOST)

    async def stop(self) -> None:
        """Stop pulling frames and close the output stream."""
        self._closing = True
        await super().stop()
        await asyncio.to_thread(self._stream.close)

    def stats(self) -> dict[str, Any]:
        """Meter figures plus playout underruns."""
        return {**super().stats(), "audio_underruns": self.underruns}


class MicrophoneTrack(MediaStreamTrack):
    """The microphone as an aiortc track: 48 kHz int16 blocks of 20 ms, sent as L = R stereo.

    PortAudio's callback copies each block and hands it to the loop; a small queue drops the oldest.
    If the device goes away the track sends silence and calls on_device_lost.
    """

    kind = "audio"

    def __init__(
        self,
        device: int | str | None = None,
        on_device_lost: DeviceLostCallback | None = None,
        voice: VoiceProcessor | None = None,
    ) -> None:
        super().__init__()
        sd = _sounddevice(MIC_MISSING)
        self._voice = voice  # echo cancellation, noise suppression, gain control
        self.device_lost = False
        self._on_device_lost = on_device_lost
        self._event_loop = asyncio.get_running_loop()
        self._queue: asyncio.Queue[np.ndarray | None] = asyncio.Queue(maxsize=_MIC_QUEUE_FRAMES)
        self._samples = 0
        self._closing = False
        self._silence_start: float | None = None
        try:
            self._stream = sd.InputStream(
                samplerate=AUDIO_RATE,
                channels=1,
                dtype="int16",
                blocksize=AUDIO_SAMPLES_PER_FRAME,
                device=device,
                callback=self._callback,
                finished_callback=self._finished,
            )
            self._stream.start()
        except sd.PortAudioError as exc:
            raise MediaDeviceError(MIC_MISSING, f"InputStream: {exc}") from None

    def _callback(self, indata: Any, frames: int, time_info: Any, status: Any) -> None:
        """PortAudio's thread: copy the block and hand it over to the loop."""
        block = indata[:, 0].copy()
        with contextlib.suppress(RuntimeError):  # loop already closed
            self._event_loop.call_soon_threadsafe(self._put, block)

    def _put(self, block: np.ndarray | None) -> None:
        if self._queue.full():
            self._queue.get_nowait()
        self._queue.put_nowait(block)

    def _finished(self) -> None:
        if not self._closing:
            with contextlib.suppress(RuntimeError):
                self._event_loop.call_soon_threadsafe(self._lost)

    def _lost(self) -> None:
        if self.device_lost or self._closing:
            return
        self.device_lost = True
        self._put(None)  # wake recv()
        log.warning("microphone stream ended unexpectedly; sending silence")
        if self._on_device_lost is not None:
            self._on_device_lost(MIC_LOST)

    async def recv(self) -> av.AudioFrame:
        """The next 20 ms from the microphone, or silence in real time once it is gone."""
        if self.readyState != "live":
            raise MediaStreamError
        block = None if self.device_lost else await self._queue.get()
        if block is None:
            block = await self._silence()
        elif self._voice is not None:
            block = self._voice.process(block)
        frame = stereo_frame(block, self._samples)
        self._samples += len(block)
        return frame

    async def _silence(self) -> np.ndarray:
        now = time.monotonic()
        if self._silence_start is None:
            self._silence_start = now - self._samples / AUDIO_RATE
        wait = self._silence_start + self._samples / AUDIO_RATE - now
        if wait > 0:
            await asyncio.sleep(wait)
        return np.zeros(AUDIO_SAMPLES_PER_FRAME, dtype=np.int16)

    def stop(self) -> None:
        """Stop the track and close the input stream."""
        super().stop()
        if not self._closing:
            self._closing = True
            self._stream.close()


def _may_fall_back(source: MediaSource, exc: MediaDeviceError, what: str) -> None:
    if source == MediaSource.DEVICE:
        raise exc
    log.info("no %s opened (%s); using the synthetic source", what, exc.detail)


def voice_processor(settings: AudioSettings) -> VoiceProcessor | None:
    """The microphone processing the settings ask for, or None when every stage is off."""
    wanted = VoiceSettings(
        echo_cancellation=settings.echo_cancellation,
        noise_suppression=settings.noise_suppression,
        gain_control=settings.gain_control,
    )
    if not (wanted.echo_cancellation or wanted.noise_suppression or wanted.gain_control):
        return None
    return VoiceProcessor(AUDIO_RATE, wanted)


async def open_microphone(
    settings: AudioSettings,
    on_device_lost: DeviceLostCallback | None = None,
    voice: VoiceProcessor | None = None,
) -> MediaStreamTrack:
    """The mic track the settings ask for: the device, or the synthetic tone (auto falls back).

    Raises MediaDeviceError when settings.source is DEVICE and no microphone opens.
    """
    if settings.source != MediaSource.SYNTHETIC:
        try:
            return MicrophoneTrack(_device(settings.input_device), on_device_lost, voice)
        except MediaDeviceError as exc:
            _may_fall_back(settings.source, exc, "microphone")
    return SyntheticAudioTrack()


async def open_speaker(
    settings: AudioSettings,
    on_device_lost: DeviceLostCallback | None = None,
    voice: VoiceProcessor | None = None,
) -> AudioSink:
    """The playout the settings ask for: the speaker, or a silent meter (auto falls back).

    Raises MediaDeviceError when settings.source is DEVICE and no speaker opens.
    """
    if settings.source != MediaSource.SYNTHETIC:
        try:
            return SpeakerPlayer(_device(settings.output_device), on_device_lost, voice)
        except MediaDeviceError as exc:
            _may_fall_back(settings.source, exc, "speaker")
    return MeasuringAudioSink()
