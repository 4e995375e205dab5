"""A simulated terminal room: far-end speech played through a speaker and picked up by the mic."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Samples = npt.NDArray[np.int16]


def room_impulse_response(sample_rate: int = 48000, seed: int = 1) -> npt.NDArray[np.float64]:
    """A small room: 12 ms direct path, then reverberation decaying with a 30 ms time constant."""
    rng = np.random.default_rng(seed)
    length, delay = int(0.15 * sample_rate), int(0.012 * sample_rate)
    response = np.zeros(length)
    tail = np.arange(length - delay)
    response[delay:] = rng.standard_normal(length - delay) * np.exp(-tail / (0.03 * sample_rate))
    return response * (0.5 / np.sqrt(np.sum(response**2)))


def echo_of(far: Samples, sample_rate: int = 48000, noise: float = 30.0, seed: int = 1) -> Samples:
    """What the microphone hears while `far` plays: the room's echo plus a little background noise."""
    rng = np.random.default_rng(seed + 1)
    echo = np.convolve(far.astype(np.float64), room_impulse_response(sample_rate, seed))[: len(far)]
    echo += rng.standard_normal(len(far)) * noise
    return np.clip(echo, -32768, 32767).astype(np.int16)


def speech_like(seconds: float, sample_rate: int = 48000, seed: int = 3) -> Samples:
    """Far-end test signal: syllable-length bursts of voiced harmonics, like a person talking."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * sample_rate)) / sample_rate
    signal = np.zeros_like(t)
    for start in np.arange(0.0, seconds, 0.25):
        f0 = rng.uniform(110, 220)
        mask = (t >= start) & (t < start + rng.uniform(0.12, 0.22))
        for harmonic in range(1, 8):
            signal[mask] += np.sin(2 * np.pi * f0 * harmonic * t[mask]) / harmonic
    return (signal / np.max(np.abs(signal)) * 12000).astype(np.int16)
