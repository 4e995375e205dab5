"""The desk's ringing sound: a small two-tone WAV made with numpy, played in a loop by QSoundEffect."""

from __future__ import annotations

import logging
import wave
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QUrl
from PySide6.QtMultimedia import QMediaDevices, QSoundEffect

log = logging.getLogger(__name__)

RATE = 48000  # the usual device rate: no resampling needed by QSoundEffect


def write_ringtone(path: Path) -> Path:
    """Write a 2 s phone-like ring (two 0.4 s bursts of 440+480 Hz, then quiet) as 16-bit stereo WAV."""
    t = np.arange(int(RATE * 2.0)) / RATE
    tone = 0.5 * (np.sin(2 * np.pi * 440 * t) + np.sin(2 * np.pi * 480 * t))
    envelope = ((t < 0.4) | ((t >= 0.6) & (t < 1.0))).astype(float)
    ramp = np.clip(np.minimum(t % 0.6, 0.4 - (t % 0.6)) / 0.01, 0, 1)  # 10 ms fades, no clicks
    mono = (tone * envelope * ramp * 0.6 * 32767).astype("<i2")
    samples = np.repeat(mono, 2)  # L = R
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(samples.tobytes())
    return path


class Ringer(QObject):
    """Rings while a call is offered; silent (and says so in the log) where there is no speaker.

    Attributes:
        ringing: True between start() and stop(), whether or not a speaker exists.
        audible: True when a speaker was found and the sound is playing.
    """

    def __init__(self, wav_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ringing = False
        self.audible = False
        self._wav = write_ringtone(wav_path) if not wav_path.exists() else wav_path
        self._effect: QSoundEffect | None = None

    def start(self) -> None:
        """Start ringing (looping) until stop()."""
        self.ringing = True
        if not QMediaDevices.audioOutputs():
            log.info("no speaker found; the incoming call is shown without sound")
            return
        if self._effect is None:
            self._effect = QSoundEffect(self)
            self._effect.setSource(QUrl.fromLocalFile(str(self._wav)))
            self._effect.setLoopCount(QSoundEffect.Loop.Infinite.value)
            self._effect.setVolume(0.8)
        self._effect.play()
        self.audible = True

    def stop(self) -> None:
        """Stop ringing."""
        self.ringing = False
        self.audible = False
        if self._effect is not None:
            self._effect.stop()
