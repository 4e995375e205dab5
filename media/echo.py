"""Acoustic echo cancellation, noise suppression and gain control for the terminal's microphone.

A kiosk has its speaker and microphone in one box: without AEC the lawyer hears himself. WebRTC's
AEC3 (through `pywebrtc-audio`) is fed the far-end audio exactly as played, in 10 ms frames.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Samples = npt.NDArray[np.int16]


@dataclass(frozen=True)
class VoiceSettings:
    """Which processing stages are on; all on by default on a terminal."""

    echo_cancellation: bool = True
    noise_suppression: bool = True
    gain_control: bool = True
    stream_delay_ms: int = 40  # playout + capture buffering on a typical terminal


class VoiceProcessor:
    """Clean the microphone signal (mono int16) given the far-end signal played on the speaker."""

    def __init__(self, sample_rate: int = 48000, settings: VoiceSettings | None = None) -> None:
        import pywebrtc_audio

        self.settings = settings or VoiceSettings()
        self.sample_rate = sample_rate
        self.frame = sample_rate // 100  # AEC3 works on 10 ms frames
        self._apm = pywebrtc_audio.AudioProcessor(
            sample_rate=sample_rate,
            num_channels=1,
            echo_cancellation=self.settings.echo_cancellation,
            noise_suppression=self.settings.noise_suppression,
            high_pass_filter=True,
            auto_gain_control=self.settings.gain_control,
            stream_delay_ms=self.settings.stream_delay_ms,
        )
        self._far: deque[Samples] = deque(maxlen=50)  # at most 0.5 s of played audio waiting
        self._silence: Samples = np.zeros(self.frame, dtype=np.int16)

    def played(self, samples: Samples) -> None:
        """Record audio just handed to the speaker (any length; split into 10 ms frames)."""
        for start in range(0, len(samples) - self.frame + 1, self.frame):
            self._far.append(np.ascontiguousarray(samples[start : start + self.frame], dtype=np.int16))

    def process(self, mic: Samples) -> Samples:
        """Clean captured microphone audio (length a multiple of 10 ms)."""
        out = np.empty(len(mic) - len(mic) % self.frame, dtype=np.int16)
        for start in range(0, len(out), self.frame):
            far = self._far.popleft() if self._far else self._silence
            near = np.ascontiguousarray(mic[start : start + self.frame], dtype=np.int16)
            out[start : start + self.frame] = np.asarray(self._apm.process(near, far)).reshape(-1)
        return out


def echo_reduction_db(mic: Samples, cleaned: Samples, skip_s: float = 2.0, sample_rate: int = 48000) -> float:
    """How much quieter the cleaned signal is than the echo in the mic, after the AEC has converged."""
    start = int(skip_s * sample_rate)
    n = min(len(mic), len(cleaned))
    before = float(np.mean(np.square(mic[start:n].astype(np.float64))))
    after = float(np.mean(np.square(cleaned[start:n].astype(np.float64))))
    return 10.0 * float(np.log10(before / max(after, 1e-9)))
