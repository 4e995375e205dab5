"""A live microphone level for the self-test's meter: RMS of 100 ms blocks, about ten a second."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from config.settings import AudioSettings, MediaSource
from media.audio import MIC_MISSING, _device, _sounddevice
from media.errors import MediaDeviceError

RATE = 48000
BLOCK = RATE // 10  # 100 ms: ten levels a second
LevelCallback = Callable[[float], None]  # RMS in int16 units, called on the monitor's own thread


def rms(block: np.ndarray) -> float:
    """Root mean square of int16 samples (0 for silence, about 9,800 for a 0.3 full-scale sine)."""
    return float(np.sqrt(np.mean(np.square(block.astype(np.float64))))) if len(block) else 0.0


class DeviceLevelMonitor:
    """The microphone through sounddevice; PortAudio's thread measures each block."""

    def __init__(self, on_level: LevelCallback, device: int | str | None = None) -> None:
        sd = _sounddevice(MIC_MISSING)
        self._on_level = on_level
        try:
            self._stream = sd.InputStream(
                samplerate=RATE,
                channels=1,
                dtype="int16",
                blocksize=BLOCK,
                device=device,
                callback=self._callback,
            )
            self._stream.start()
        except sd.PortAudioError as exc:
            raise MediaDeviceError(MIC_MISSING, f"InputStream: {exc}") from None

    def _callback(self, indata: Any, frames: int, time_info: Any, status: Any) -> None:
        self._on_level(rms(indata[:, 0]))

    def stop(self) -> None:
        """Close the input stream."""
        with contextlib.suppress(Exception):  # a stream whose device went away
            self._stream.close()


class SyntheticLevelMonitor:
    """A stand-in microphone hearing a 440 Hz tone, or silence while `silent` is True."""

    def __init__(self, on_level: LevelCallback, *, amplitude: float = 0.3) -> None:
        self.silent = False
        self._on_level = on_level
        self._amplitude = amplitude
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="synthetic-mic-level", daemon=True)
        self._thread.start()

    def _block(self, first: int) -> np.ndarray:
        if self.silent:
            return np.zeros(BLOCK, dtype=np.int16)
        n = np.arange(first, first + BLOCK)
        return (self._amplitude * 32767 * np.sin(2 * np.pi * 440 * n / RATE)).astype(np.int16)

    def _run(self) -> None:
        first = 0
        while not self._stopping.wait(BLOCK / RATE):
            self._on_level(rms(self._block(first)))
            first += BLOCK

    def stop(self) -> None:
        """Stop measuring (waits for the thread)."""
        self._stopping.set()
        self._thread.join()


LevelMonitor = DeviceLevelMonitor | SyntheticLevelMonitor


def open_level_monitor(settings: AudioSettings, on_level: LevelCallback) -> LevelMonitor:
    """The monitor the settings ask for; unlike a call, AUTO never falls back to the synthetic tone.

    A self-test must not show a level from a microphone that is not there.
    Raises MediaDeviceError when no microphone opens.
    """
    if settings.source == MediaSource.SYNTHETIC:
        return SyntheticLevelMonitor(on_level)
    return DeviceLevelMonitor(on_level, _device(settings.input_device))
