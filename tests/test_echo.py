"""Echo cancellation: the lawyer does not hear himself back from the terminal's speaker."""

from __future__ import annotations

import numpy as np

from media.echo import VoiceProcessor, VoiceSettings, echo_reduction_db
from media.room import echo_of, speech_like


def _run(settings: VoiceSettings, seconds: float = 6.0) -> float:
    far = speech_like(seconds)
    mic = echo_of(far)
    processor = VoiceProcessor(48000, settings)
    cleaned = []
    for start in range(0, len(far) - 960 + 1, 960):  # 20 ms blocks, as sounddevice delivers them
        processor.played(far[start : start + 960])
        cleaned.append(processor.process(mic[start : start + 960]))
    return echo_reduction_db(mic, np.concatenate(cleaned))


def test_echo_of_the_lawyers_voice_is_strongly_reduced():
    assert _run(VoiceSettings(noise_suppression=False, gain_control=False)) > 20.0


def test_without_echo_cancellation_the_echo_stays():
    assert _run(VoiceSettings(echo_cancellation=False, noise_suppression=False, gain_control=False)) < 3.0


def test_the_villagers_own_voice_passes_through():
    near = speech_like(4.0, seed=9)
    processor = VoiceProcessor(48000, VoiceSettings(noise_suppression=False, gain_control=False))
    out = np.concatenate([processor.process(near[i : i + 480]) for i in range(0, len(near) - 479, 480)])
    kept = 10 * np.log10(np.mean(out[96000:].astype(float) ** 2) / np.mean(near[96000:].astype(float) ** 2))
    assert kept > -6.0  # with no far-end audio, near speech is not cancelled
